-- The provider's answer in provider-neutral terms next to the raw response, so that the console can show a stored
-- answer again (the re-query preview) and compare it with a later one without parsing the raw text.
ALTER TABLE provider_query ADD COLUMN answer_txn_id VARCHAR(64) NULL;
ALTER TABLE provider_query ADD COLUMN answer_amount_minor BIGINT NULL;
ALTER TABLE provider_query ADD COLUMN answer_currency CHAR(3) NULL;
ALTER TABLE provider_query ADD COLUMN answer_paid_at DATETIME(6) NULL;
