package com.payrecon.sandbox;

import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.PROVIDER_QUERY;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.SANDBOX_DELIVERY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.repair.StalePendingSweep;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 4's end-to-end case: 1,000 orders paid at the sandbox, which drops 20 % of the notifications entirely and
 * duplicates 10 % (account and merchant {@code e2e-wx2}, faults in application-it.yaml). After the sweep every paid
 * order is PAID exactly once, each repaired one carries a QUERY event, and no order was asked more than once.
 */
@PayReconIT
class MissedCallbackRepairIT {

	static final String ACCOUNT = "e2e-wx2";
	static final int ORDERS = 1000;

	@LocalServerPort
	int port;

	@Autowired
	OrderService orderService;

	@Autowired
	StalePendingSweep sweep;

	@Autowired
	DSLContext dsl;

	@Test
	void theSweepRepairsEveryDroppedCallbackAndNothingIsPaidTwice() throws Exception {
		SandboxWire wire = new SandboxWire(port);
		String prefix = "E2E" + TestData.transactionId().substring(4);
		List<String> numbers = new ArrayList<>();
		for (int i = 0; i < ORDERS; i++) {
			numbers.add(prefix + "N" + i);
		}
		try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
			List<Future<?>> done = new ArrayList<>();
			for (String no : numbers) {
				done.add(pool.submit(() -> {
					orderService.create(new CreateOrder(ACCOUNT, no, Fen.of(100 + no.length()), "CNY", "e2e", null),
							Cause.api("e2e", "set-up"));
					wire.control("POST", "/orders", Map.of("merchantId", ACCOUNT, "outTradeNo", no, "amount", 100 + no.length()));
					wire.control("POST", "/orders/" + ACCOUNT + "/" + no + "/pay", Map.of());
				}));
			}
			for (Future<?> f : done) {
				f.get();
			}
		}
		// let every notification that was not dropped arrive (with its duplicates)
		int settledBefore = -1;
		for (int i = 0; i < 120; i++) {
			int settled = paidCount(prefix);
			int delivered = rawCount(prefix);
			if (settled == settledBefore && delivered > 0 && pendingDeliveries(prefix) == 0) {
				break;
			}
			settledBefore = settled;
			Thread.sleep(500);
		}
		int paidByNotification = paidCount(prefix);
		int dropped = droppedDeliveries(prefix);
		assertThat(dropped).as("the sandbox dropped about 20 %").isBetween(120, 280);
		assertThat(paidByNotification).isEqualTo(ORDERS - dropped);
		assertThat(rawCount(prefix)).as("duplicates were delivered too").isGreaterThan(paidByNotification);

		StalePendingSweep.Summary first = sweep.sweep(new StalePendingSweep.Parameters(Duration.ZERO, 8, 5000, Set.of(ACCOUNT)),
				"stale-pending-sweep#e2e-1");
		StalePendingSweep.Summary second = sweep.sweep(new StalePendingSweep.Parameters(Duration.ZERO, 8, 5000, Set.of(ACCOUNT)),
				"stale-pending-sweep#e2e-2");

		assertThat(paidCount(prefix)).isEqualTo(ORDERS);
		assertThat(first.paid()).isEqualTo(dropped);
		assertThat(second.asked()).isZero();
		// exactly one PAID transition per order; the repaired ones by QUERY, the others by NOTIFY
		Map<String, Integer> bySource = dsl.select(ORDER_EVENT.SOURCE, DSL.count())
			.from(ORDER_EVENT)
			.join(PAYMENT_ORDER).on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT), PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix),
					ORDER_EVENT.TO_STATUS.eq("PAID"))
			.groupBy(ORDER_EVENT.SOURCE)
			.fetchMap(ORDER_EVENT.SOURCE, DSL.count());
		assertThat(bySource).containsEntry("QUERY", dropped).containsEntry("NOTIFY", ORDERS - dropped);
		// no order was asked more than once: only the dropped ones were asked at all
		int maxQueries = dsl.select(DSL.count())
			.from(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ACCOUNT_ID.eq(ACCOUNT), PROVIDER_QUERY.OUT_TRADE_NO.startsWith(prefix))
			.groupBy(PROVIDER_QUERY.ORDER_ID)
			.fetch(DSL.count())
			.stream()
			.mapToInt(Integer::intValue)
			.max()
			.orElse(0);
		assertThat(maxQueries).isEqualTo(1);
		assertThat(dsl.fetchCount(PROVIDER_QUERY, PROVIDER_QUERY.ACCOUNT_ID.eq(ACCOUNT),
				PROVIDER_QUERY.OUT_TRADE_NO.startsWith(prefix))).isEqualTo(dropped);
	}

	private int paidCount(String prefix) {
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT), PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix),
				PAYMENT_ORDER.STATUS.eq("PAID"));
	}

	private int rawCount(String prefix) {
		return dsl.fetchCount(RAW_NOTIFICATION, RAW_NOTIFICATION.ACCOUNT_ID.eq(ACCOUNT),
				RAW_NOTIFICATION.OUT_TRADE_NO.startsWith(prefix));
	}

	/** Deliveries the sandbox has yet to finish (not delivered, not dropped, not given up). */
	private int pendingDeliveries(String prefix) {
		return dsl.fetchCount(SANDBOX_DELIVERY, SANDBOX_DELIVERY.MERCHANT_ID.eq(ACCOUNT),
				SANDBOX_DELIVERY.OUT_TRADE_NO.startsWith(prefix),
				SANDBOX_DELIVERY.STATUS.notIn("DELIVERED", "DROPPED", "GAVE_UP"));
	}

	private int droppedDeliveries(String prefix) {
		return dsl.fetchCount(SANDBOX_DELIVERY, SANDBOX_DELIVERY.MERCHANT_ID.eq(ACCOUNT),
				SANDBOX_DELIVERY.OUT_TRADE_NO.startsWith(prefix), SANDBOX_DELIVERY.STATUS.eq("DROPPED"));
	}
}
