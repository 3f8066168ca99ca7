-- The built-in provider sandbox's own ledger (provider side): orders as WeChat Pay / Alipay see them, refunds,
-- and the payment notifications it delivers to merchants with every attempt. Only used when
-- payrecon.sandbox.enabled=true. Money in fen, instants in UTC.
CREATE TABLE sandbox_order (
  id                BIGINT        NOT NULL AUTO_INCREMENT,
  merchant_id       VARCHAR(64)   NOT NULL,
  channel           VARCHAR(16)   NOT NULL,
  out_trade_no      VARCHAR(64)   NOT NULL,
  provider_trade_no VARCHAR(64)   NOT NULL,
  trade_type        VARCHAR(16)   NOT NULL,
  amount_minor      BIGINT        NOT NULL,
  currency          CHAR(3)       NOT NULL,
  description       VARCHAR(256)  NOT NULL,
  attach            VARCHAR(256)  NULL,
  notify_url        VARCHAR(1024) NULL,
  status            VARCHAR(16)   NOT NULL,
  auth_code         VARCHAR(32)   NULL,
  payer_id          VARCHAR(128)  NULL,
  bank_type         VARCHAR(32)   NULL,
  scanned_at        DATETIME(6)   NULL,
  pay_due_at        DATETIME(6)   NULL,
  paid_at           DATETIME(6)   NULL,
  closed_at         DATETIME(6)   NULL,
  reverse_calls     INT           NOT NULL DEFAULT 0,
  refunded_minor    BIGINT        NOT NULL DEFAULT 0,
  created_at        DATETIME(6)   NOT NULL,
  updated_at        DATETIME(6)   NOT NULL,
  version           INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_sandbox_order PRIMARY KEY (id),
  CONSTRAINT uk_sandbox_order_merchant_trade UNIQUE (merchant_id, out_trade_no),
  CONSTRAINT uk_sandbox_order_provider_trade UNIQUE (provider_trade_no)
);

CREATE INDEX ix_sandbox_order_merchant_paid ON sandbox_order (merchant_id, paid_at);

CREATE TABLE sandbox_refund (
  id             BIGINT      NOT NULL AUTO_INCREMENT,
  order_id       BIGINT      NOT NULL,
  merchant_id    VARCHAR(64) NOT NULL,
  out_refund_no  VARCHAR(64) NOT NULL,
  refund_id      VARCHAR(64) NOT NULL,
  amount_minor   BIGINT      NOT NULL,
  requested_at   DATETIME(6) NOT NULL,
  succeeded_at   DATETIME(6) NOT NULL,
  version        INT         NOT NULL DEFAULT 0,
  CONSTRAINT pk_sandbox_refund PRIMARY KEY (id),
  CONSTRAINT uk_sandbox_refund_merchant_no UNIQUE (merchant_id, out_refund_no),
  CONSTRAINT fk_sandbox_refund_order FOREIGN KEY (order_id) REFERENCES sandbox_order (id)
);

CREATE INDEX ix_sandbox_refund_merchant_requested ON sandbox_refund (merchant_id, requested_at);

-- One notification (a v3 `id` / Alipay `notify_id`), retried on the channel's schedule until the exact success
-- answer. next_attempt_at is NULL once it is finished (DELIVERED, GAVE_UP, DROPPED).
CREATE TABLE sandbox_delivery (
  id                       BIGINT        NOT NULL AUTO_INCREMENT,
  merchant_id              VARCHAR(64)   NOT NULL,
  channel                  VARCHAR(16)   NOT NULL,
  order_id                 BIGINT        NULL,
  out_trade_no             VARCHAR(64)   NOT NULL,
  notify_id                VARCHAR(128)  NOT NULL,
  notify_url               VARCHAR(1024) NOT NULL,
  fault                    VARCHAR(24)   NOT NULL,
  bad_signature_attempts   INT           NOT NULL DEFAULT 0,
  status                   VARCHAR(16)   NOT NULL,
  attempts                 INT           NOT NULL DEFAULT 0,
  next_attempt_at          DATETIME(6)   NULL,
  created_at               DATETIME(6)   NOT NULL,
  updated_at               DATETIME(6)   NOT NULL,
  version                  INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_sandbox_delivery PRIMARY KEY (id),
  CONSTRAINT fk_sandbox_delivery_order FOREIGN KEY (order_id) REFERENCES sandbox_order (id)
);

CREATE INDEX ix_sandbox_delivery_due ON sandbox_delivery (next_attempt_at);
CREATE INDEX ix_sandbox_delivery_merchant_trade ON sandbox_delivery (merchant_id, out_trade_no);

CREATE TABLE sandbox_delivery_attempt (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  delivery_id   BIGINT        NOT NULL,
  attempt_no    INT           NOT NULL,
  attempted_at  DATETIME(6)   NOT NULL,
  duration_ms   BIGINT        NOT NULL,
  http_status   INT           NULL,
  response_body VARCHAR(1024) NULL,
  error         VARCHAR(512)  NULL,
  success       BOOLEAN       NOT NULL,
  version       INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_sandbox_delivery_attempt PRIMARY KEY (id),
  CONSTRAINT fk_sandbox_delivery_attempt_delivery FOREIGN KEY (delivery_id) REFERENCES sandbox_delivery (id)
);

CREATE INDEX ix_sandbox_delivery_attempt_delivery ON sandbox_delivery_attempt (delivery_id, attempt_no);
