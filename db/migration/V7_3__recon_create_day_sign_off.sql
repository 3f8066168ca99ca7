-- Finance signs off an account's business day once no discrepancy of its current run is OPEN or ASSIGNED. A later
-- run of that day that changes the results (status, totals, or a case to work on) clears the sign-off (cleared_*,
-- kept as history); a re-run with identical results keeps it and moves it to the new run. active is 1 for the sign-off
-- in force and NULL otherwise: at most one per (account, day).
CREATE TABLE day_sign_off (
  id             BIGINT        NOT NULL AUTO_INCREMENT,
  account_id     VARCHAR(64)   NOT NULL,
  business_date  DATE          NOT NULL,
  run_id         BIGINT        NOT NULL,
  active         TINYINT       NULL,
  signed_by      VARCHAR(128)  NOT NULL,
  signed_at      DATETIME(6)   NOT NULL,
  cleared_at     DATETIME(6)   NULL,
  cleared_reason VARCHAR(1024) NULL,
  version        INT           NOT NULL DEFAULT 0,
  CONSTRAINT pk_day_sign_off PRIMARY KEY (id),
  CONSTRAINT uk_day_sign_off_active UNIQUE (account_id, business_date, active),
  CONSTRAINT fk_day_sign_off_run FOREIGN KEY (run_id) REFERENCES reconciliation_run (id)
);

CREATE INDEX ix_day_sign_off_day ON day_sign_off (account_id, business_date, id);
-- [jooq ignore start]
ALTER TABLE day_sign_off CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
