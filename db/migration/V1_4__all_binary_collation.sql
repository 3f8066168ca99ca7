-- Provider identifiers (out_trade_no, transaction ids, notification ids) are case-sensitive and byte-exact:
-- 'abc' and 'ABC' are two orders. Whatever the server's default collation, these tables compare bytes.
-- [jooq ignore start]
ALTER TABLE payment_order CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE order_event CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE raw_notification CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
ALTER TABLE provider_notification CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
-- [jooq ignore stop]
