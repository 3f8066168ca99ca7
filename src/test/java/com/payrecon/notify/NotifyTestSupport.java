package com.payrecon.notify;

import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.support.Http;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Shared set-up for the notify endpoint's integration tests: real HTTP, real MariaDB. */
@PayReconIT
abstract class NotifyTestSupport {

	@LocalServerPort
	int port;

	@Autowired
	OrderService orderService;

	@Autowired
	com.payrecon.refund.RefundService refundService;

	@Autowired
	com.payrecon.support.db.TransactionRetry retry;

	@Autowired
	OrderRepository orders;

	@Autowired
	DSLContext dsl;

	@Autowired
	MutableClock clock;

	Http http;

	@BeforeEach
	void setUpHttp() {
		http = new Http(port);
		clock.reset();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	PaymentOrder pendingOrder(String accountId, String outTradeNo, long amount) {
		return orderService
			.create(new CreateOrder(accountId, outTradeNo, Fen.of(amount), "CNY", "integration test order", null),
					Cause.api("test", "test set-up"))
			.order();
	}

	PaymentOrder order(String accountId, String outTradeNo) {
		return orders.find(accountId, outTradeNo).orElseThrow();
	}

	List<OrderEvent> events(PaymentOrder order) {
		return orders.events(order.id());
	}

	long paidTransitions(PaymentOrder order) {
		return dsl.fetchCount(ORDER_EVENT, ORDER_EVENT.ORDER_ID.eq(order.id()), ORDER_EVENT.TO_STATUS.eq("PAID"),
				ORDER_EVENT.EVENT_TYPE.eq(OrderEvent.STATUS_CHANGED));
	}

	/** The raw rows stored for this order since {@code afterId}, oldest first. */
	List<RawNotificationRecord> rawSince(PaymentOrder order, long afterId) {
		return dsl.selectFrom(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq(order.accountId()), RAW_NOTIFICATION.OUT_TRADE_NO.eq(order.outTradeNo()),
					RAW_NOTIFICATION.ID.gt(afterId))
			.orderBy(RAW_NOTIFICATION.ID)
			.fetch();
	}

	RawNotificationRecord lastRaw(String accountId) {
		return dsl.selectFrom(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq(accountId))
			.orderBy(RAW_NOTIFICATION.ID.desc())
			.limit(1)
			.fetchOne();
	}

	long maxRawId() {
		Long max = dsl.select(org.jooq.impl.DSL.max(RAW_NOTIFICATION.ID)).from(RAW_NOTIFICATION).fetchOne(0, Long.class);
		return max == null ? 0 : max;
	}

	String statusOf(String accountId, String outTradeNo) {
		return dsl.select(PAYMENT_ORDER.STATUS)
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(accountId), PAYMENT_ORDER.OUT_TRADE_NO.eq(outTradeNo))
			.fetchOne(PAYMENT_ORDER.STATUS);
	}

	HttpResponse<String> postV2(String accountId, String xml) {
		return http.post("/notify/wechatpay-v2/" + accountId, "text/xml", xml);
	}

	HttpResponse<String> postV3(String accountId, Notifications.V3Delivery delivery) {
		return http.post("/notify/wechatpay-v3/" + accountId, "application/json", delivery.body(), delivery.headers());
	}

	HttpResponse<String> postAlipay(String accountId, byte[] form) {
		return http.post("/notify/alipay/" + accountId, "application/x-www-form-urlencoded; charset=utf-8", form, Map.of());
	}

	/** Runs {@code task} on {@code threads} threads released at the same instant; returns every result. */
	static <T> List<T> concurrently(int threads, Callable<T> task) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> f : futures) {
				results.add(f.get());
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	static final String V2_ACK = "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>";
}
