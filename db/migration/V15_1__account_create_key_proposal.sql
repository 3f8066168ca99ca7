-- Maker-checker for account keys (issue 11, threat case C8): replacing a key that decides what PayRecon believes or
-- signs what it sends is proposed by one admin and put into effect only when a different admin approves; until then
-- the key in force stays. A proposal is a unit: one account, one or more keys, each with the id or serial that goes
-- with it (platform-public-key with its Wechatpay-Serial, merchant-private-key with its merchant serial), replaced
-- together. state: PROPOSED -> APPROVED | REJECTED | EXPIRED. pending is 1 while PROPOSED and NULL after, so an
-- account has at most one proposal waiting.
CREATE TABLE key_proposal (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  account_id    VARCHAR(64)   NOT NULL,
  state         VARCHAR(16)   NOT NULL,
  pending       TINYINT       NULL,
  note          VARCHAR(1024) NULL,
  proposed_by   VARCHAR(128)  NOT NULL,
  proposed_at   DATETIME(6)   NOT NULL,
  expires_at    DATETIME(6)   NOT NULL,
  decided_by    VARCHAR(128)  NULL,
  decided_at    DATETIME(6)   NULL,
  decision_note VARCHAR(1024) NULL,
  version       INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_key_proposal PRIMARY KEY (id),
  CONSTRAINT uk_key_proposal_pending UNIQUE (account_id, pending)
);

CREATE INDEX ix_key_proposal_state ON key_proposal (state, expires_at);

-- The proposed keys. ciphertext = 12-byte nonce || AES-256-GCM(key) with payrecon.secrets.master-key and
-- "key-proposal/<proposal id>/<account id>/<key name>" as associated data; it is set to NULL when the proposal is
-- decided or expires, so proposed material does not outlive its proposal. Never shown, never logged.
CREATE TABLE key_proposal_item (
  id           BIGINT          NOT NULL AUTO_INCREMENT,
  proposal_id  BIGINT          NOT NULL,
  key_name     VARCHAR(32)     NOT NULL,
  key_id       VARCHAR(128)    NULL,
  ciphertext   VARBINARY(8192) NULL,
  CONSTRAINT pk_key_proposal_item PRIMARY KEY (id),
  CONSTRAINT uk_key_proposal_item_name UNIQUE (proposal_id, key_name),
  CONSTRAINT fk_key_proposal_item_proposal FOREIGN KEY (proposal_id) REFERENCES key_proposal (id)
);
-- [jooq ignore start]
ALTER TABLE key_proposal CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE key_proposal_item CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
