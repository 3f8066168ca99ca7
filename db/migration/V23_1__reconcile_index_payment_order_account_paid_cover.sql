-- Issue 17: the end of a reconciliation run reads the day's paid orders of one account twice, both through this
-- index and neither touching an order row:
--   ReconOrderQuery.paidWithoutMatch: the page of the day's paid orders (account_id, paid_at range, status) that no
--     bill line matched, keyset by (paid_at, id) in index order, each checked against reconciliation_match by its
--     (order_id, run_id) index; only the page's unmatched orders are then read by id;
--   ReconOrderQuery.localTotals: count and sum(amount_minor) of the day's paid orders.
-- id is named explicitly after paid_at (InnoDB then does not append it again) so that (paid_at, id) is the index's
-- order; status and amount_minor make it covering. It replaces ix_payment_order_account_paid (account_id, paid_at,
-- V6_4), its prefix, which nothing else reads: one index on payment_order, as before, for notify to maintain.
CREATE INDEX ix_payment_order_account_paid_cover ON payment_order (account_id, paid_at, id, status, amount_minor);
DROP INDEX ix_payment_order_account_paid ON payment_order;
