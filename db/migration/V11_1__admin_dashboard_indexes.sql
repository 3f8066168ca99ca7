-- Dashboard (console, issue 5): per account and day in the account's zone, a day being a UTC instant range.
-- Each count is an index range scan that never touches the table rows ("Using index"):
-- orders created in the range with their status and amount,
CREATE INDEX ix_payment_order_account_created_status ON payment_order (account_id, created_at, status, amount_minor);
-- orders still PENDING of an account, oldest first (stale = created before now - the sweep's staleAfter),
CREATE INDEX ix_payment_order_account_status_created ON payment_order (account_id, status, created_at);
-- notifications received in the range by verdict,
CREATE INDEX ix_raw_notification_account_received_verdict ON raw_notification (account_id, received_at, verdict);
-- payments repaired by a query at the provider (order_event source QUERY, to PAID) in the range,
CREATE INDEX ix_order_event_source_to_created ON order_event (source, to_status, created_at, order_id);
-- and the open discrepancies of an account.
CREATE INDEX ix_discrepancy_account_resolution ON discrepancy (account_id, resolution, run_id);
