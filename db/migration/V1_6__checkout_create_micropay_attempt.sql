-- A payment-code (micropay) charge whose outcome is not known yet: polled until paid, else reversed at its
-- deadline. Kept in the database so that a restart in the middle loses nothing (the micropay watchdog adopts it).
CREATE TABLE micropay_attempt (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  order_id        BIGINT       NOT NULL,
  account_id      VARCHAR(64)  NOT NULL,
  out_trade_no    VARCHAR(64)  NOT NULL,
  actor           VARCHAR(128) NOT NULL,
  state           VARCHAR(16)  NOT NULL,
  started_at      DATETIME(6)  NOT NULL,
  deadline_at     DATETIME(6)  NOT NULL,
  last_polled_at  DATETIME(6)  NOT NULL,
  polls           INT          NOT NULL DEFAULT 0,
  outcome         VARCHAR(512) NULL,
  version         INT          NOT NULL DEFAULT 0,
  CONSTRAINT pk_micropay_attempt PRIMARY KEY (id),
  CONSTRAINT uk_micropay_attempt_order UNIQUE (order_id),
  CONSTRAINT fk_micropay_attempt_order FOREIGN KEY (order_id) REFERENCES payment_order (id)
);

CREATE INDEX ix_micropay_attempt_state ON micropay_attempt (state, last_polled_at);
-- [jooq ignore start]
ALTER TABLE micropay_attempt CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
