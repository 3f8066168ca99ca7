-- A micropay charge whose reverse keeps failing (no client certificate, the provider refusing) is not retried
-- forever: failed reverses are counted, and after payrecon.micropay.max-reverse-attempts the attempt becomes
-- NEEDS_PERSON (shown in the console's micropay view, counted by a gauge) with the provider's last answer.
ALTER TABLE micropay_attempt ADD COLUMN reverse_attempts INT NOT NULL DEFAULT 0;
ALTER TABLE micropay_attempt ADD COLUMN last_error VARCHAR(255) NULL;
