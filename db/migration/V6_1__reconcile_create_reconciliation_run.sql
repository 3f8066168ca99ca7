-- One reconciliation of one account's provider bill for one business day (a day in the account's zone).
-- Re-running a day adds a run and supersedes the previous one: current_run is 1 for the current run of
-- (account, day) and NULL for every other, so the unique key allows exactly one current run and keeps the history.
-- Totals are in fen: provider_* summed from the bill's lines, local_* from our orders of that day.
CREATE TABLE reconciliation_run (
  id                      BIGINT        NOT NULL AUTO_INCREMENT,
  account_id              VARCHAR(64)   NOT NULL,
  business_date           DATE          NOT NULL,
  status                  VARCHAR(16)   NOT NULL,
  dry_run                 BOOLEAN       NOT NULL DEFAULT FALSE,
  current_run             TINYINT       NULL,
  superseded_by           BIGINT        NULL,
  triggered_by            VARCHAR(128)  NOT NULL,
  started_at              DATETIME(6)   NOT NULL,
  finished_at             DATETIME(6)   NULL,
  bill_format             VARCHAR(32)   NULL,
  bill_error_code         VARCHAR(64)   NULL,
  archive_path            VARCHAR(1024) NULL,
  archive_sha256          CHAR(64)      NULL,
  archive_bytes           BIGINT        NULL,
  last_committed_line     BIGINT        NOT NULL DEFAULT 0,
  provider_count          BIGINT        NOT NULL DEFAULT 0,
  provider_gross_minor    BIGINT        NOT NULL DEFAULT 0,
  provider_fee_minor      BIGINT        NOT NULL DEFAULT 0,
  provider_refund_count   BIGINT        NOT NULL DEFAULT 0,
  provider_refund_minor   BIGINT        NOT NULL DEFAULT 0,
  provider_reversed_count BIGINT        NOT NULL DEFAULT 0,
  provider_net_minor      BIGINT        NOT NULL DEFAULT 0,
  local_count             BIGINT        NOT NULL DEFAULT 0,
  local_gross_minor       BIGINT        NOT NULL DEFAULT 0,
  local_fee_minor         BIGINT        NULL,
  local_refund_count      BIGINT        NOT NULL DEFAULT 0,
  local_refund_minor      BIGINT        NOT NULL DEFAULT 0,
  local_net_minor         BIGINT        NOT NULL DEFAULT 0,
  summary_ok              BOOLEAN       NULL,
  summary_detail          VARCHAR(2048) NULL,
  discrepancy_count       BIGINT        NOT NULL DEFAULT 0,
  error                   VARCHAR(1024) NULL,
  version                 INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_reconciliation_run PRIMARY KEY (id),
  CONSTRAINT uk_reconciliation_run_current UNIQUE (account_id, business_date, current_run)
);

CREATE INDEX ix_reconciliation_run_account_date ON reconciliation_run (account_id, business_date, id);
-- [jooq ignore start]
ALTER TABLE reconciliation_run CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
