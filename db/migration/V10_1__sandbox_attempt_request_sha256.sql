-- The sandbox records what it sent: the SHA-256 of each delivery attempt's request body, so that a chaos run can
-- match every request the provider sent to PayRecon's raw_notification row (body_sha256) and tell forged ones apart.
ALTER TABLE sandbox_delivery_attempt ADD COLUMN request_sha256 CHAR(64) NULL;
