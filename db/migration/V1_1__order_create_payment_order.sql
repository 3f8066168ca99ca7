-- Orders placed by the merchant's checkout. Money in minor units (fen), instants in UTC.
CREATE TABLE payment_order (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  account_id      VARCHAR(64)  NOT NULL,
  out_trade_no    VARCHAR(64)  NOT NULL,
  amount_minor    BIGINT       NOT NULL,
  currency        CHAR(3)      NOT NULL,
  description     VARCHAR(256) NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  provider_txn_id VARCHAR(64)  NULL,
  paid_at         DATETIME(6)  NULL,
  expires_at      DATETIME(6)  NULL,
  needs_review    BOOLEAN      NOT NULL DEFAULT FALSE,
  review_reason   VARCHAR(512) NULL,
  created_by      VARCHAR(128) NOT NULL,
  created_at      DATETIME(6)  NOT NULL,
  updated_at      DATETIME(6)  NOT NULL,
  version         INT          NOT NULL DEFAULT 0,
  CONSTRAINT pk_payment_order PRIMARY KEY (id),
  CONSTRAINT uk_payment_order_account_trade UNIQUE (account_id, out_trade_no)
);

CREATE INDEX ix_payment_order_status_created ON payment_order (status, created_at);
CREATE INDEX ix_payment_order_provider_txn ON payment_order (provider_txn_id);
