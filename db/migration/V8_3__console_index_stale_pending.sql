-- The stale-pending view (console, support): PENDING orders of one account created before the threshold, oldest
-- first. Without the account the existing (status, created_at) index serves.
CREATE INDEX ix_payment_order_status_account_created ON payment_order (status, account_id, created_at, id);
