-- stale-pending-report: per business day, account and currency, the orders still PENDING longer than the job's
-- stale-after threshold (the orders no notification, sweep or close has settled). Rebuilt by each run of the job;
-- money in minor units, instants in UTC, business_date in the job's zone.
CREATE TABLE pending_snapshot (
  id                 BIGINT      NOT NULL AUTO_INCREMENT,
  business_date      DATE        NOT NULL,
  account_id         VARCHAR(64) NOT NULL,
  currency           CHAR(3)     NOT NULL,
  stale_count        BIGINT      NOT NULL,
  stale_amount_minor BIGINT      NOT NULL,
  oldest_created_at  DATETIME(6) NOT NULL,
  cutoff_at          DATETIME(6) NOT NULL,
  job_execution_id   BIGINT      NOT NULL,
  created_at         DATETIME(6) NOT NULL,
  updated_at         DATETIME(6) NOT NULL,
  version            INT         NOT NULL DEFAULT 0,
  CONSTRAINT pk_pending_snapshot PRIMARY KEY (id),
  CONSTRAINT uk_pending_snapshot_date_account_currency UNIQUE (business_date, account_id, currency)
);
