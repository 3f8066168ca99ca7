-- Operator control of reconciliation (issue 12 §3): a finance user proposes to reconcile (or re-run) an account's day;
-- an admin runs it (or rejects the proposal). state: PROPOSED → APPROVED (the run was started: job_request is the
-- scheduler request, its firedBy operator:<job_request>) | REJECTED. pending is 1 while PROPOSED and NULL after, so a
-- day has at most one open proposal.
CREATE TABLE reconciliation_request (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  account_id      VARCHAR(64)   NOT NULL,
  business_date   DATE          NOT NULL,
  reason          VARCHAR(1024) NOT NULL,
  state           VARCHAR(16)   NOT NULL,
  pending         TINYINT       NULL,
  proposed_by     VARCHAR(128)  NOT NULL,
  proposed_at     DATETIME(6)   NOT NULL,
  decided_by      VARCHAR(128)  NULL,
  decided_at      DATETIME(6)   NULL,
  decision_note   VARCHAR(1024) NULL,
  job_request     VARCHAR(64)   NULL,
  version         INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_reconciliation_request PRIMARY KEY (id),
  CONSTRAINT uk_reconciliation_request_pending UNIQUE (account_id, business_date, pending)
);

CREATE INDEX ix_reconciliation_request_day ON reconciliation_request (account_id, business_date, id);

-- What finance must hear about after the fact: a run that changed a day finance had signed off (the sign-off was
-- cleared). changes holds the differences as codes (status:FROM:TO, provider, local, open:N), shown in the reader's
-- language. A notice stays on the reconciliation pages until a finance user marks it read.
CREATE TABLE finance_notice (
  id               BIGINT        NOT NULL AUTO_INCREMENT,
  account_id       VARCHAR(64)   NOT NULL,
  business_date    DATE          NOT NULL,
  kind             VARCHAR(32)   NOT NULL,
  run_id           BIGINT        NOT NULL,
  signed_by        VARCHAR(128)  NOT NULL,
  changes          VARCHAR(1024) NOT NULL,
  created_at       DATETIME(6)   NOT NULL,
  read_by          VARCHAR(128)  NULL,
  read_at          DATETIME(6)   NULL,
  version          INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_finance_notice PRIMARY KEY (id)
);

CREATE INDEX ix_finance_notice_unread ON finance_notice (read_at, id);
-- [jooq ignore start]
ALTER TABLE reconciliation_request CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE finance_notice CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
