-- Webhook endpoints of the merchant's own systems and the deliveries of outbox events to them (issue 15).
--
-- webhook_endpoint: from payrecon.webhooks[] (origin CONFIG, secret in the configuration unless rotated in the
-- console) or created by an admin (origin CONSOLE). Secrets are stored sealed only: 12-byte nonce || AES-256-GCM
-- ("whsec_..." text) with payrecon.secrets.master-key and "webhook-endpoint/<name>/<slot>" as associated data.
-- previous_secret signs alongside the current one until previous_until (rotation overlap). accounts and event_types
-- are comma-separated lists, NULL = all. first_event_id: the endpoint gets events from this outbox id on.
-- failing_since: the first failed attempt since the last success (NULL: healthy).
CREATE TABLE webhook_endpoint (
  id               BIGINT          NOT NULL AUTO_INCREMENT,
  name             VARCHAR(64)     NOT NULL,
  url              VARCHAR(2048)   NOT NULL,
  origin           VARCHAR(16)     NOT NULL,
  accounts         VARCHAR(2048)   NULL,
  event_types      VARCHAR(1024)   NULL,
  status           VARCHAR(16)     NOT NULL,
  status_reason    VARCHAR(512)    NULL,
  secret           VARBINARY(512)  NULL,
  previous_secret  VARBINARY(512)  NULL,
  previous_until   DATETIME(6)     NULL,
  first_event_id   BIGINT          NOT NULL,
  failing_since    DATETIME(6)     NULL,
  last_success_at  DATETIME(6)     NULL,
  created_by       VARCHAR(128)    NOT NULL,
  created_at       DATETIME(6)     NOT NULL,
  updated_at       DATETIME(6)     NOT NULL,
  version          INT             NOT NULL DEFAULT 0,
  CONSTRAINT pk_webhook_endpoint PRIMARY KEY (id),
  CONSTRAINT uk_webhook_endpoint_name UNIQUE (name)
);

-- How far the fan-out (events -> deliveries) got in each account's sequence; locked FOR UPDATE SKIP LOCKED, so
-- one node fans out an account at a time.
CREATE TABLE webhook_fanout (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  account_id  VARCHAR(64)  NOT NULL,
  last_seq    BIGINT       NOT NULL,
  version     INT          NOT NULL DEFAULT 0,
  CONSTRAINT pk_webhook_fanout PRIMARY KEY (id),
  CONSTRAINT uk_webhook_fanout_account UNIQUE (account_id)
);

-- One event to one endpoint. PENDING until a 2xx (DELIVERED) or the retry schedule ran out (FAILED); a manual
-- redelivery makes it PENDING again. attempts counts claimed attempts: a node claims attempt n+1 by a
-- compare-and-set (SELECT ... FOR UPDATE SKIP LOCKED, then attempts = n+1 and next_attempt_at = the lease's end), and
-- only the holder of attempt n+1 may record its outcome. event_id orders the deliveries of one order. A manual
-- redelivery starts a new round of the retry schedule at attempt round_start (manual: requested by an admin).
CREATE TABLE webhook_delivery (
  id               BIGINT        NOT NULL AUTO_INCREMENT,
  endpoint_id      BIGINT        NOT NULL,
  event_id         BIGINT        NOT NULL,
  account_id       VARCHAR(64)   NOT NULL,
  order_id         BIGINT        NULL,
  status           VARCHAR(16)   NOT NULL,
  attempts         INT           NOT NULL DEFAULT 0,
  round_start      INT           NOT NULL DEFAULT 0,
  manual           BOOLEAN       NOT NULL DEFAULT FALSE,
  next_attempt_at  DATETIME(6)   NOT NULL,
  last_attempt_at  DATETIME(6)   NULL,
  last_status      INT           NULL,
  last_outcome     VARCHAR(32)   NULL,
  leased_by        VARCHAR(128)  NULL,
  delivered_at     DATETIME(6)   NULL,
  created_at       DATETIME(6)   NOT NULL,
  updated_at       DATETIME(6)   NOT NULL,
  version          INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_webhook_delivery PRIMARY KEY (id),
  CONSTRAINT uk_webhook_delivery_endpoint_event UNIQUE (endpoint_id, event_id),
  CONSTRAINT fk_webhook_delivery_endpoint FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoint (id),
  CONSTRAINT fk_webhook_delivery_event FOREIGN KEY (event_id) REFERENCES outbox_event (id)
);

CREATE INDEX ix_webhook_delivery_due ON webhook_delivery (status, next_attempt_at);
CREATE INDEX ix_webhook_delivery_order ON webhook_delivery (endpoint_id, order_id, event_id);
CREATE INDEX ix_webhook_delivery_event ON webhook_delivery (event_id);

-- Every attempt with its outcome, for the console's delivery log. (delivery_id, attempt_no) is unique: an attempt
-- number is sent by one node only.
CREATE TABLE webhook_attempt (
  id                BIGINT         NOT NULL AUTO_INCREMENT,
  delivery_id       BIGINT         NOT NULL,
  attempt_no        INT            NOT NULL,
  node              VARCHAR(128)   NOT NULL,
  manual            BOOLEAN        NOT NULL DEFAULT FALSE,
  started_at        DATETIME(6)    NOT NULL,
  duration_ms       BIGINT         NOT NULL,
  http_status       INT            NULL,
  outcome           VARCHAR(32)    NOT NULL,
  response_excerpt  VARCHAR(1024)  NULL,
  error             VARCHAR(512)   NULL,
  version           INT            NOT NULL DEFAULT 0,
  CONSTRAINT pk_webhook_attempt PRIMARY KEY (id),
  CONSTRAINT uk_webhook_attempt_delivery_no UNIQUE (delivery_id, attempt_no),
  CONSTRAINT fk_webhook_attempt_delivery FOREIGN KEY (delivery_id) REFERENCES webhook_delivery (id)
);
-- [jooq ignore start]
ALTER TABLE webhook_endpoint CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE webhook_fanout CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE webhook_delivery CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE webhook_attempt CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
