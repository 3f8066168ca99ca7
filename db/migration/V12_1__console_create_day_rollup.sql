-- The dashboard's figures of a closed business day of an account (issue 6: the dashboard aggregated 14 days of
-- every account's rows at each request). A day is [start of day, start of next day) in the account's zone.
--
-- generation counts the changes made to the day's rows after it closed (a late payment, a close, a verdict set
-- again); writers bump it in the transaction of the change. The figures are valid while computed_generation equals
-- generation and zone is the account's zone; a reader that finds them invalid computes the day again and stores the
-- result only if generation has not moved since it started (compare-and-set), so a change racing a reader is never
-- lost. New rows (orders, notifications, events) are stamped with the time of their insert, so none lands in a day
-- that closed more than a few minutes ago: readers store a day only five minutes after its end.
CREATE TABLE day_rollup (
  account_id          VARCHAR(64)   NOT NULL,
  day                 DATE          NOT NULL,
  zone                VARCHAR(64)   NOT NULL,
  generation          BIGINT        NOT NULL DEFAULT 0,
  computed_generation BIGINT        NULL,
  computed_at         DATETIME(6)   NULL,
  orders              BIGINT        NOT NULL DEFAULT 0,
  paid                BIGINT        NOT NULL DEFAULT 0,
  paid_minor          BIGINT        NOT NULL DEFAULT 0,
  pending             BIGINT        NOT NULL DEFAULT 0,
  repaired            BIGINT        NOT NULL DEFAULT 0,
  -- notifications received that day by verdict, as a JSON object {"APPLIED": 12, "NONE": 1}
  verdicts            VARCHAR(2048) NOT NULL DEFAULT '{}',
  CONSTRAINT pk_day_rollup PRIMARY KEY (account_id, day)
);

-- [jooq ignore start]
ALTER TABLE day_rollup CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
