package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 17, docs/indexes.md: the secondary indexes of the two tables every notification writes are exactly the
 * documented ones, and the queries that read the two indexes V22_1 dropped now read the remaining ones (MariaDB's
 * EXPLAIN on a seeded table of 40,000 notifications over four accounts), never the whole table.
 */
@PayReconIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexPlanIT {

	@Autowired
	DSLContext dsl;

	static final String ACCOUNT = "ixplan-1";

	@BeforeAll
	void seed() {
		// 40,000 decided notifications, four accounts, 10 per order number, 1 in 100 with verdict UNKNOWN_ORDER
		dsl.execute("insert into raw_notification (received_at, channel, kind, account_id, method, request_uri, "
				+ "remote_addr, headers, body, body_length, body_truncated, body_sha256, verdict, out_trade_no, "
				+ "provider_txn_id, order_id) "
				+ "with d(x) as (select 0 union all select 1 union all select 2 union all select 3 union all select 4 "
				+ "union all select 5 union all select 6 union all select 7 union all select 8 union all select 9), "
				+ "n(i) as (select 1 + a.x + 10 * b.x + 100 * c.x + 1000 * e.x + 10000 * f.x from d a, d b, d c, d e, "
				+ "d f where f.x < 4) "
				+ "select timestamp '2026-01-01 00:00:00' + interval i second, 'alipay', 'NOTIFY', "
				+ "concat('ixplan-', i % 4), 'POST', '/notify/alipay/x', '127.0.0.1', '{}', '', 0, false, "
				+ "lpad(hex(i), 64, '0'), if(i % 100 = 0, 'UNKNOWN_ORDER', 'APPLIED'), concat('IXP-', i div 10), "
				+ "concat('TX', i div 10), null from n");
		dsl.execute("analyze table raw_notification");
	}

	@Test
	void theHotTablesCarryExactlyTheDocumentedSecondaryIndexes() {
		// a new index on these tables costs every notification: list it with its query in docs/indexes.md and here
		assertThat(secondaryIndexes("raw_notification")).as("docs/indexes.md").containsExactlyInAnyOrder("ix_raw_notification_received",
				"ix_raw_notification_account_received", "ix_raw_notification_verdict_received",
				"ix_raw_notification_trade", "ix_raw_notification_order", "ix_raw_notification_txn",
				"ix_raw_notification_account_received_verdict");
		assertThat(secondaryIndexes("payment_order")).as("docs/indexes.md").containsExactlyInAnyOrder("uk_payment_order_account_trade",
				"ix_payment_order_created", "ix_payment_order_account_created", "ix_payment_order_status_created",
				"ix_payment_order_status_account_created", "ix_payment_order_account_status_created",
				"ix_payment_order_account_created_status", "ix_payment_order_due", "ix_payment_order_account_paid_cover",
				"ix_payment_order_trade", "ix_payment_order_provider_txn", "ix_payment_order_review");
	}

	@Test
	void theNotificationLogByOutTradeNoAndAccountReadsTheOutTradeNoIndex() {
		Record plan = explain("select id from raw_notification where account_id = '" + ACCOUNT + "' and "
				+ "out_trade_no = 'IXP-1234' order by received_at desc, id desc limit 51");
		assertThat(plan.get("key", String.class)).isEqualTo("ix_raw_notification_trade");
		assertThat(plan.get("rows", Long.class)).isLessThanOrEqualTo(20);
	}

	@Test
	void anOrdersNotificationsReadTheOrderAndOutTradeNoIndexes() {
		Record plan = explain("select id from raw_notification where order_id = 12345 or (account_id = '" + ACCOUNT
				+ "' and out_trade_no = 'IXP-1234') order by received_at, id");
		assertThat(plan.get("type", String.class)).isEqualTo("index_merge");
		assertThat(plan.get("key", String.class)).contains("ix_raw_notification_order", "ix_raw_notification_trade");
	}

	@Test
	void theNotificationLogByVerdictReadsTheVerdictIndexInItsOrder() {
		Record plan = explain("select id from raw_notification where verdict = 'UNKNOWN_ORDER' "
				+ "order by received_at desc, id desc limit 51");
		assertThat(plan.get("key", String.class)).isIn("ix_raw_notification_verdict_received");
		assertThat(plan.get("Extra", String.class)).doesNotContain("filesort");
	}

	private Record explain(String sql) {
		List<Record> rows = dsl.fetch("explain " + sql);
		assertThat(rows).hasSize(1);
		Record plan = rows.get(0);
		assertThat(plan.get("type", String.class)).as("not a full scan: %s", plan).isNotEqualTo("ALL");
		return plan;
	}

	private Set<String> secondaryIndexes(String table) {
		Set<String> names = new TreeSet<>();
		dsl.fetch("show index from " + table).forEach(r -> {
			String name = r.get("Key_name", String.class);
			if (!"PRIMARY".equals(name)) {
				names.add(name);
			}
		});
		return names;
	}
}
