-- Issue 17: the dashboard counted today's notifications by verdict from the rows at each request (61 of 126 ms per
-- request at 5M notifications, growing with the hour of the day). The closed hours of a day still open are stored
-- here, by the same protocol as day_rollup (V12_1): writers that change a row of a closed hour bump its generation in
-- their transaction, readers store an hour only if its generation has not moved since they claimed it.
--
-- An hour is [hour_start, hour_start + 1 hour), cut at the day's end, counted from the start of the day in the
-- account's zone (so a zone at +05:30 has hours starting at :30 UTC); zone says which zone's hours these are.
CREATE TABLE notification_hour_rollup (
  account_id          VARCHAR(64)   NOT NULL,
  hour_start          DATETIME(6)   NOT NULL,
  zone                VARCHAR(64)   NOT NULL,
  generation          BIGINT        NOT NULL DEFAULT 0,
  computed_generation BIGINT        NULL,
  computed_at         DATETIME(6)   NULL,
  -- notifications received in the hour by verdict, as a JSON object {"APPLIED": 12, "NONE": 1}
  verdicts            VARCHAR(2048) NOT NULL DEFAULT '{}',
  CONSTRAINT pk_notification_hour_rollup PRIMARY KEY (account_id, hour_start)
);

-- [jooq ignore start]
ALTER TABLE notification_hour_rollup CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
