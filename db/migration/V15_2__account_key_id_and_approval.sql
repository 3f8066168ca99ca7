-- A replaced key now comes from an approved proposal: the id or serial that goes with it (platform public key id,
-- merchant serial; NULL for keys without one), the proposal, and who approved it (replaced_by is the proposer).
ALTER TABLE account_key ADD COLUMN key_id VARCHAR(128) NULL;
ALTER TABLE account_key ADD COLUMN proposal_id BIGINT NULL;
ALTER TABLE account_key ADD COLUMN approved_by VARCHAR(128) NULL;
