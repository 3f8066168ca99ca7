-- Maker-checker (threat case C8): a change of an order's state or money that a discrepancy calls for (reopen a
-- CLOSED order for a late payment; mark a PAID order REFUNDED) is proposed by one finance user and applied only when
-- a different finance or admin user approves. state: PROPOSED → APPROVED | REJECTED | FAILED (the order refused the
-- change at approval). pending is 1 while PROPOSED and NULL after, so a discrepancy has at most one open proposal.
-- The provider's side (transaction, amount, time) is copied from the archived bill line when proposing.
CREATE TABLE adjustment_proposal (
  id                  BIGINT        NOT NULL AUTO_INCREMENT,
  discrepancy_id      BIGINT        NOT NULL,
  account_id          VARCHAR(64)   NOT NULL,
  business_date       DATE          NOT NULL,
  order_id            BIGINT        NOT NULL,
  out_trade_no        VARCHAR(64)   NOT NULL,
  kind                VARCHAR(24)   NOT NULL,
  provider_txn_id     VARCHAR(64)   NULL,
  amount_minor        BIGINT        NOT NULL,
  currency            CHAR(3)       NOT NULL,
  provider_time       DATETIME(6)   NULL,
  note                VARCHAR(1024) NOT NULL,
  state               VARCHAR(16)   NOT NULL,
  pending             TINYINT       NULL,
  proposed_by         VARCHAR(128)  NOT NULL,
  proposed_at         DATETIME(6)   NOT NULL,
  decided_by          VARCHAR(128)  NULL,
  decided_at          DATETIME(6)   NULL,
  decision_note       VARCHAR(1024) NULL,
  version             INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_adjustment_proposal PRIMARY KEY (id),
  CONSTRAINT uk_adjustment_proposal_pending UNIQUE (discrepancy_id, pending),
  CONSTRAINT fk_adjustment_proposal_discrepancy FOREIGN KEY (discrepancy_id) REFERENCES discrepancy (id)
);

CREATE INDEX ix_adjustment_proposal_day ON adjustment_proposal (account_id, business_date, id);
-- [jooq ignore start]
ALTER TABLE adjustment_proposal CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
