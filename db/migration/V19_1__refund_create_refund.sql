-- Refunds (issue 14): one row per refund of an order, asked for here (API, console) or learnt from the provider
-- (EXTERNAL: a refund made in the provider's merchant platform, learnt by notification, query or bill; MIGRATED: an
-- order that was REFUNDED as a whole before refunds had rows). Money in fen, instants in UTC.
--
-- status: REQUESTED → PROCESSING → SUCCESS | CLOSED | ABNORMAL (ABNORMAL → SUCCESS | CLOSED), and REQUESTED → CLOSED
-- (rejected by the checker, or refused by the provider). The order's refunded amount is the sum of its SUCCESS
-- refunds; what may still be refunded is the order amount less every refund that is not CLOSED.
-- out_refund_no is unique per account (WeChat: per merchant; Alipay's out_request_no per trade): it is the
-- idempotency key of the API and the provider's. submit_count counts the requests sent to the provider: it moves from
-- 0 to 1 before the first is sent, and again only after the provider said it never received one.
CREATE TABLE refund (
  id                  BIGINT        NOT NULL AUTO_INCREMENT,
  account_id          VARCHAR(64)   NOT NULL,
  order_id            BIGINT        NOT NULL,
  out_trade_no        VARCHAR(64)   NOT NULL,
  out_refund_no       VARCHAR(64)   NOT NULL,
  amount_minor        BIGINT        NOT NULL,
  currency            CHAR(3)       NOT NULL,
  reason              VARCHAR(256)  NULL,
  status              VARCHAR(16)   NOT NULL,
  source              VARCHAR(16)   NOT NULL,
  provider_refund_id  VARCHAR(64)   NULL,
  requested_by        VARCHAR(128)  NOT NULL,
  approval_required   BOOLEAN       NOT NULL DEFAULT FALSE,
  approved_by         VARCHAR(128)  NULL,
  approved_at         DATETIME(6)   NULL,
  submit_count        INT           NOT NULL DEFAULT 0,
  submitted_at        DATETIME(6)   NULL,
  succeeded_at        DATETIME(6)   NULL,
  finished_at         DATETIME(6)   NULL,
  provider_status     VARCHAR(64)   NULL,
  next_check_at       DATETIME(6)   NULL,
  check_count         INT           NOT NULL DEFAULT 0,
  needs_review        BOOLEAN       NOT NULL DEFAULT FALSE,
  review_reason       VARCHAR(512)  NULL,
  created_at          DATETIME(6)   NOT NULL,
  updated_at          DATETIME(6)   NOT NULL,
  version             INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_refund PRIMARY KEY (id),
  CONSTRAINT uk_refund_account_no UNIQUE (account_id, out_refund_no),
  CONSTRAINT fk_refund_order FOREIGN KEY (order_id) REFERENCES payment_order (id)
);

CREATE INDEX ix_refund_order ON refund (order_id, id);
CREATE INDEX ix_refund_due ON refund (status, next_check_at);
CREATE INDEX ix_refund_provider_id ON refund (account_id, provider_refund_id);
CREATE INDEX ix_refund_account_created ON refund (account_id, created_at);
CREATE INDEX ix_refund_succeeded ON refund (status, succeeded_at, account_id);

-- Append-only history of a refund: who or what changed it, and why (as order_event for orders).
CREATE TABLE refund_event (
  id                  BIGINT        NOT NULL AUTO_INCREMENT,
  refund_id           BIGINT        NOT NULL,
  event_type          VARCHAR(32)   NOT NULL,
  from_status         VARCHAR(16)   NULL,
  to_status           VARCHAR(16)   NULL,
  source              VARCHAR(16)   NOT NULL,
  actor               VARCHAR(128)  NOT NULL,
  raw_notification_id BIGINT        NULL,
  reason              VARCHAR(512)  NOT NULL,
  details             TEXT          NULL,
  created_at          DATETIME(6)   NOT NULL,
  CONSTRAINT pk_refund_event PRIMARY KEY (id),
  CONSTRAINT fk_refund_event_refund FOREIGN KEY (refund_id) REFERENCES refund (id)
);

CREATE INDEX ix_refund_event_refund ON refund_event (refund_id, id);
-- [jooq ignore start]
ALTER TABLE refund CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE refund_event CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
