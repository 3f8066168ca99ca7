-- Issue 17: every secondary index of raw_notification is written by every notification (the insert) and most of
-- them again by its verdict (the update); docs/indexes.md lists each remaining index with the query that needs it.
-- Two served no query that another index does not serve as well:
-- (verdict, id): the only query filtering on verdict (the notification log, verdict filter, newest first) reads
-- ix_raw_notification_verdict_received (verdict, received_at, id), which also gives its order.
DROP INDEX ix_raw_notification_verdict ON raw_notification;
-- (account_id, out_trade_no): the notification log's out_trade_no filter and an order's notifications (order detail)
-- read ix_raw_notification_trade (out_trade_no) and check the account on the few rows it finds; an out_trade_no is
-- unique within an account and rarely repeats across accounts.
DROP INDEX ix_raw_notification_account_trade ON raw_notification;
