-- Append-only log of operator actions (login, logout, failed login, lockout, password change, reprocess, user
-- changes, ...). Each row carries hash = SHA-256(prev_hash + row content), so an edited, inserted or deleted row
-- breaks the chain (AuditChainVerifier). audit_chain_head holds the last id and hash: it serialises writers and
-- lets the verifier see rows cut from the end.
-- Production: the application's database user gets INSERT, SELECT only on audit_entry (threat case C9):
--   GRANT SELECT, INSERT ON payrecon.audit_entry TO 'payrecon'@'%';
CREATE TABLE audit_entry (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  occurred_at DATETIME(6)   NOT NULL,
  actor       VARCHAR(128)  NOT NULL,
  action      VARCHAR(48)   NOT NULL,
  target      VARCHAR(256)  NULL,
  outcome     VARCHAR(16)   NOT NULL,
  details     TEXT          NULL,
  remote_addr VARCHAR(64)   NULL,
  prev_hash   CHAR(64)      NOT NULL,
  hash        CHAR(64)      NOT NULL,
  version     INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_audit_entry PRIMARY KEY (id)
);

CREATE INDEX ix_audit_entry_occurred ON audit_entry (occurred_at, id);
CREATE INDEX ix_audit_entry_actor ON audit_entry (actor, occurred_at);
CREATE INDEX ix_audit_entry_action ON audit_entry (action, occurred_at);

CREATE TABLE audit_chain_head (
  id            BIGINT   NOT NULL,
  last_entry_id BIGINT   NOT NULL,
  last_hash     CHAR(64) NOT NULL,
  version       INT      NOT NULL DEFAULT 0,
  CONSTRAINT pk_audit_chain_head PRIMARY KEY (id)
);

INSERT INTO audit_chain_head (id, last_entry_id, last_hash, version)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
-- [jooq ignore start]
ALTER TABLE audit_entry CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE audit_chain_head CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
