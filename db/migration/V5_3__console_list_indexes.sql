-- Console lists are keyset-paginated newest first; each filter gets an index that ends in the sort key, so
-- "WHERE filter AND (t, id) < (?, ?) ORDER BY t DESC, id DESC LIMIT n" reads n index entries, not the table.
CREATE INDEX ix_raw_notification_account_received ON raw_notification (account_id, received_at, id);
CREATE INDEX ix_raw_notification_verdict_received ON raw_notification (verdict, received_at, id);
CREATE INDEX ix_raw_notification_trade ON raw_notification (out_trade_no);
CREATE INDEX ix_raw_notification_order ON raw_notification (order_id);

CREATE INDEX ix_payment_order_created ON payment_order (created_at, id);
CREATE INDEX ix_payment_order_account_created ON payment_order (account_id, created_at, id);
CREATE INDEX ix_payment_order_trade ON payment_order (out_trade_no);
CREATE INDEX ix_payment_order_review ON payment_order (needs_review, created_at, id);
