-- The transactional outbox (issue 15): every change the merchant's own systems must hear about (order paid, closed,
-- reversed, failed, refunded, held for review; refunds later) writes one outbox_event row in the transaction of the
-- change itself, so that there is no event without its change and no change without its event, also across a crash.
--
-- seq numbers the events of one account 1, 2, 3, ... without gaps, in commit order: it is taken from the account's
-- event_sequence row, incremented in the same transaction just before it commits (the row stays locked until then,
-- so a second transaction of the same account takes the next number only after the first one committed or rolled
-- back; a rollback gives its number back). Consumers page by (account_id, seq) and never miss a late commit.
-- body is the exact JSON sent to webhook endpoints and returned by GET /api/events (no secrets, amounts in fen).
-- No AUTO_INCREMENT id on event_sequence: the number is read back with LAST_INSERT_ID(expr), which an insert into a
-- table with an AUTO_INCREMENT column would overwrite with the new row's id.
CREATE TABLE event_sequence (
  account_id  VARCHAR(64)  NOT NULL,
  last_seq    BIGINT       NOT NULL,
  CONSTRAINT pk_event_sequence PRIMARY KEY (account_id)
);

CREATE TABLE outbox_event (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  event_id        VARCHAR(40)   NOT NULL,
  account_id      VARCHAR(64)   NOT NULL,
  seq             BIGINT        NOT NULL,
  event_type      VARCHAR(64)   NOT NULL,
  order_id        BIGINT        NULL,
  order_event_id  BIGINT        NULL,
  out_trade_no    VARCHAR(64)   NULL,
  refund_id       BIGINT        NULL,
  cause           VARCHAR(16)   NOT NULL,
  occurred_at     DATETIME(6)   NOT NULL,
  body            TEXT          NOT NULL,
  version         INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_outbox_event PRIMARY KEY (id),
  CONSTRAINT uk_outbox_event_event_id UNIQUE (event_id),
  CONSTRAINT uk_outbox_event_account_seq UNIQUE (account_id, seq)
);

CREATE INDEX ix_outbox_event_order ON outbox_event (order_id, id);
CREATE INDEX ix_outbox_event_order_event ON outbox_event (order_event_id);
CREATE INDEX ix_outbox_event_occurred ON outbox_event (occurred_at);
-- [jooq ignore start]
ALTER TABLE event_sequence CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE outbox_event CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
