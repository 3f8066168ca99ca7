-- Append-only history of an order: who or what changed it, and why.
CREATE TABLE order_event (
  id                  BIGINT        NOT NULL AUTO_INCREMENT,
  order_id            BIGINT        NOT NULL,
  event_type          VARCHAR(32)   NOT NULL,
  from_status         VARCHAR(16)   NULL,
  to_status           VARCHAR(16)   NULL,
  source              VARCHAR(16)   NOT NULL,
  actor               VARCHAR(128)  NOT NULL,
  raw_notification_id BIGINT        NULL,
  reason              VARCHAR(512)  NOT NULL,
  details             TEXT          NULL,
  created_at          DATETIME(6)   NOT NULL,
  CONSTRAINT pk_order_event PRIMARY KEY (id),
  CONSTRAINT fk_order_event_order FOREIGN KEY (order_id) REFERENCES payment_order (id)
);

CREATE INDEX ix_order_event_order ON order_event (order_id, id);
