-- The day's paid orders of one account (reconciliation's anti-join and local totals).
CREATE INDEX ix_payment_order_account_paid ON payment_order (account_id, paid_at);
