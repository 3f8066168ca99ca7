-- A sign-off cleared by a re-run stays in front of finance (dashboard, day page) until someone of finance says they
-- have seen it (issue 16): who and when. NULL while unseen (or never cleared).
ALTER TABLE day_sign_off ADD COLUMN cleared_seen_by VARCHAR(128) NULL;
ALTER TABLE day_sign_off ADD COLUMN cleared_seen_at DATETIME(6) NULL;
CREATE INDEX ix_day_sign_off_unseen ON day_sign_off (cleared_seen_at, cleared_at);
