-- When an order is next due for a query at the provider, and how often it was asked (backoff, issue 4).
ALTER TABLE payment_order ADD COLUMN next_check_at DATETIME(6) NULL;
ALTER TABLE payment_order ADD COLUMN check_count INT NOT NULL DEFAULT 0;
CREATE INDEX ix_payment_order_due ON payment_order (status, next_check_at);

-- Every question PayRecon asked a provider about an order, with the answer as received: the audit trail of
-- repairs, and the proof that no order was asked more often than its backoff allows.
CREATE TABLE provider_query (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  order_id        BIGINT        NOT NULL,
  account_id      VARCHAR(64)   NOT NULL,
  out_trade_no    VARCHAR(64)   NOT NULL,
  operation       VARCHAR(16)   NOT NULL,
  source          VARCHAR(16)   NOT NULL,
  actor           VARCHAR(128)  NOT NULL,
  asked_at        DATETIME(6)   NOT NULL,
  answer_status   VARCHAR(16)   NOT NULL,
  error_code      VARCHAR(64)   NULL,
  raw_response    MEDIUMTEXT    NULL,
  outcome         VARCHAR(512)  NOT NULL,
  CONSTRAINT pk_provider_query PRIMARY KEY (id) ,
  CONSTRAINT fk_provider_query_order FOREIGN KEY (order_id) REFERENCES payment_order (id)
);

CREATE INDEX ix_provider_query_order ON provider_query (order_id, id);
-- [jooq ignore start]
ALTER TABLE provider_query CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
