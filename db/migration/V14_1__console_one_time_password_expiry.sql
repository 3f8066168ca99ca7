-- issue 11: a one-time password (first admin, new user, reset) expires 24 hours after it was issued.
-- NULL: no one-time password pending. A user still holding one at this upgrade gets 24 hours from now.
ALTER TABLE console_user ADD COLUMN one_time_password_expires_at DATETIME(6) NULL;
-- [jooq ignore start]
UPDATE console_user SET one_time_password_expires_at = UTC_TIMESTAMP(6) + INTERVAL 1 DAY WHERE must_change_password;
-- [jooq ignore stop]
