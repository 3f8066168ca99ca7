-- Every request that reaches a notify URL, stored before it is parsed. The verdict comes later.
CREATE TABLE raw_notification (
  id                 BIGINT        NOT NULL AUTO_INCREMENT,
  received_at        DATETIME(6)   NOT NULL,
  channel            VARCHAR(16)   NOT NULL,
  kind               VARCHAR(8)    NOT NULL,
  account_id         VARCHAR(64)   NOT NULL,
  method             VARCHAR(8)    NOT NULL,
  request_uri        VARCHAR(1024) NOT NULL,
  query_string       TEXT          NULL,
  remote_addr        VARCHAR(64)   NOT NULL,
  content_type       VARCHAR(255)  NULL,
  headers            TEXT          NOT NULL,
  body               MEDIUMBLOB    NOT NULL,
  body_length        BIGINT        NOT NULL,
  body_truncated     BOOLEAN       NOT NULL,
  body_sha256        CHAR(64)      NOT NULL,
  verdict            VARCHAR(24)   NULL,
  verdict_reason     VARCHAR(1024) NULL,
  processed_at       DATETIME(6)   NULL,
  process_count      INT           NOT NULL DEFAULT 0,
  response_status    INT           NULL,
  response_body      TEXT          NULL,
  out_trade_no       VARCHAR(64)   NULL,
  provider_txn_id    VARCHAR(64)   NULL,
  provider_notify_id VARCHAR(128)  NULL,
  order_id           BIGINT        NULL,
  version            INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_raw_notification PRIMARY KEY (id)
);

CREATE INDEX ix_raw_notification_received ON raw_notification (received_at, id);
CREATE INDEX ix_raw_notification_account_trade ON raw_notification (account_id, out_trade_no);
CREATE INDEX ix_raw_notification_verdict ON raw_notification (verdict, id);
CREATE INDEX ix_raw_notification_txn ON raw_notification (provider_txn_id);

-- The provider's own notification id (WeChat v3 `id`, Alipay `notify_id`), once a delivery with it was settled.
-- A second delivery of the same id is a duplicate whatever the order's state.
CREATE TABLE provider_notification (
  id                  BIGINT       NOT NULL AUTO_INCREMENT,
  account_id          VARCHAR(64)  NOT NULL,
  provider_notify_id  VARCHAR(128) NOT NULL,
  raw_notification_id BIGINT       NOT NULL,
  verdict             VARCHAR(24)  NOT NULL,
  created_at          DATETIME(6)  NOT NULL,
  CONSTRAINT pk_provider_notification PRIMARY KEY (id),
  CONSTRAINT uk_provider_notification UNIQUE (account_id, provider_notify_id)
);
