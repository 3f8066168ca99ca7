package com.payrecon.notify;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.account.Channel;
import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.order.PaymentOrder;
import com.payrecon.support.TestData;
import com.payrecon.support.db.EmbeddedMariaDb;
import com.payrecon.support.db.TransactionRetry;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

/** Threat cases D2, D4, D5/D6: lock races retried whole, the database away, a crash between store and apply. */
class DatabaseFaultsIT extends NotifyTestSupport {

	@Autowired
	TransactionRetry retry;

	@Autowired
	RawNotificationRepository rawLog;

	@Autowired
	NotificationReprocessor reprocessor;

	@Autowired
	ObjectProvider<EmbeddedMariaDb> embeddedDb;

	@Autowired
	org.springframework.transaction.PlatformTransactionManager transactionManager;

	@Autowired
	com.payrecon.provider.ProviderRegistry providers;

	@Autowired
	com.payrecon.account.AccountRegistry accounts;

	/**
	 * The transaction rule's runtime checks (docs/transactions.md): TransactionRetry opens transactions and refuses to
	 * join one (joined, it could neither retry nor commit on its own), and no provider is called with a transaction open.
	 */
	@Test
	void transactionRetryRefusesToJoinAnOpenTransactionAndNoProviderIsCalledInsideOne() {
		var outer = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
		var account = accounts.find("wx2-md5").orElseThrow();

		org.assertj.core.api.Assertions.assertThatThrownBy(() -> outer.executeWithoutResult(status -> retry.inTransaction(() -> 1)))
			.isInstanceOf(com.payrecon.support.db.DatabaseTransactions.TransactionRuleViolation.class)
			.hasMessageContaining("TransactionRetry.inTransaction inside an open database transaction");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> outer.executeWithoutResult(
				status -> providers.forAccount(account).query(account, TestData.outTradeNo())))
			.isInstanceOf(com.payrecon.support.db.DatabaseTransactions.TransactionRuleViolation.class)
			.hasMessageContaining("a call to the provider (query)");
		// outside a transaction both work; inside a Batch step without one (ResourcelessTransactionManager) too
		assertThat(retry.inTransaction(() -> 1)).isEqualTo(1);
		var none = new org.springframework.transaction.support.TransactionTemplate(com.payrecon.scheduling.StepTransactions.none());
		Integer inStep = none.execute(status -> retry.inTransaction(() -> 2));
		assertThat(inStep).isEqualTo(2);
		com.payrecon.provider.ProviderAnswer answered = none
			.execute(status -> providers.forAccount(account).query(account, TestData.outTradeNo()));
		assertThat(answered.status()).isNotNull();
	}

	@Test
	void aRealDeadlockIsRetriedAsAWholeTransactionAndBothSidesComplete() throws Exception {
		PaymentOrder a = pendingOrder("wx2-md5", TestData.outTradeNo(), 1);
		PaymentOrder b = pendingOrder("wx2-md5", TestData.outTradeNo(), 1);
		CyclicBarrier bothHoldOneLock = new CyclicBarrier(2);
		AtomicInteger attempts = new AtomicInteger();
		AtomicInteger sides = new AtomicInteger();

		List<Integer> done = concurrently(2, () -> {
			boolean forward = sides.getAndIncrement() == 0; // one thread locks a then b, the other b then a
			return retry.inTransaction(() -> {
				int attempt = attempts.incrementAndGet();
				long first = forward ? a.id() : b.id();
				long second = forward ? b.id() : a.id();
				lock(first);
				if (attempt <= 2) { // only the first two attempts meet; the retry runs alone
					await(bothHoldOneLock);
				}
				lock(second);
				return attempt;
			});
		});

		assertThat(done).hasSize(2);
		assertThat(attempts.get()).as("one side was the deadlock victim and ran again").isGreaterThanOrEqualTo(3);
	}

	@Test
	void aLockWaitTimeoutIsRetriedUntilTheLockIsFree() throws Exception {
		PaymentOrder order = pendingOrder("wx2-md5", TestData.outTradeNo(), 1);
		AtomicInteger attempts = new AtomicInteger();
		CyclicBarrier holding = new CyclicBarrier(2);
		// the holder keeps the row locked for 1.5 s, longer than the other side's 1 s lock wait
		Thread holder = new Thread(() -> retry.inTransaction(() -> {
			lock(order.id());
			await(holding);
			sleep(1500);
			return null;
		}));
		holder.start();
		await(holding);
		int result = retry.inTransaction(() -> {
			int attempt = attempts.incrementAndGet();
			dsl.execute(DSL.set(DSL.name("innodb_lock_wait_timeout"), DSL.inline(1)));
			try {
				lock(order.id());
			}
			finally {
				if (attempt > 1) {
					dsl.execute(DSL.set(DSL.name("innodb_lock_wait_timeout"), DSL.inline(10)));
				}
			}
			return attempt;
		});
		holder.join(10_000);

		assertThat(result).as("the first attempt timed out waiting (1205) and a later one succeeded").isGreaterThan(1);
	}

	@Test
	void withTheDatabaseAwayTheProviderGetsItsFailureAnswerFastAndWeRecover() throws Exception {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		assumeThat(db).as("only with the embedded MariaDB, which the test can stop").isNotNull();
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		String xml = Notifications.v2Paid(no, 100, TestData.transactionId());
		HttpResponse<String> whileDown;
		long millis;
		db.stop();
		try {
			long start = System.nanoTime();
			whileDown = postV2("wx2-md5", xml);
			millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		}
		finally {
			db.restart();
		}

		assertThat(whileDown.statusCode()).isEqualTo(503);
		assertThat(whileDown.body()).contains("<return_code><![CDATA[FAIL]]></return_code>");
		assertThat(millis).as("answered before WeChat's 5 s timeout").isLessThan(5000);
		// the provider retries once we are back (pooled connections that died with the server fail once each and
		// are evicted; each such try is answered failure too, so the provider simply tries again)
		HttpResponse<String> retried = postV2("wx2-md5", xml);
		for (int attempt = 1; attempt < 25 && retried.statusCode() == 503; attempt++) {
			Thread.sleep(200);
			retried = postV2("wx2-md5", xml);
		}
		assertThat(retried.body()).isEqualTo(V2_ACK);
		assertThat(statusOf("wx2-md5", no)).isEqualTo("PAID");
	}

	@Test
	void aNotificationStoredByAProcessThatDiedBeforeApplyingIsReprocessedExactlyOnce() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 1999);
		byte[] form = Notifications.alipayPaid(no, "19.99", TestData.transactionId());
		// what NotificationIntake commits before parsing; the process then dies
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("content-type", List.of("application/x-www-form-urlencoded"));
		long rawId = rawLog.insert(new RawRequest(Instant.now(), Channel.ALIPAY, RawRequest.NOTIFY, "ali", "POST",
				"/notify/alipay/ali", null, "127.0.0.1", "application/x-www-form-urlencoded", headers, form, form.length,
				false, HexFormat.of().formatHex(new byte[32])));
		RawNotificationRecord stored = dsl.selectFrom(com.payrecon.db.Tables.RAW_NOTIFICATION).where(com.payrecon.db.Tables.RAW_NOTIFICATION.ID.eq(rawId)).fetchOne();
		assertThat(stored.getVerdict()).isNull();
		assertThat(statusOf("ali", no)).isEqualTo("PENDING");

		NotificationProcessor.Outcome first = reprocessor.reprocess(rawId, "test-operator").orElseThrow();
		NotificationProcessor.Outcome second = reprocessor.reprocess(rawId, "test-operator").orElseThrow();

		assertThat(first.verdict()).isEqualTo(Verdict.APPLIED);
		assertThat(second.verdict()).isEqualTo(Verdict.DUPLICATE);
		assertThat(statusOf("ali", no)).isEqualTo("PAID");
		assertThat(paidTransitions(order)).isEqualTo(1);
		assertThat(events(order).get(1).rawNotificationId()).isEqualTo(rawId);
		assertThat(reprocessor.reprocess(Long.MAX_VALUE, "test-operator")).isEmpty();
	}

	@Test
	void aV3NotificationIsReprocessedAgainstTheTimeItWasReceivedNotNow() {
		String no = TestData.outTradeNo();
		pendingOrder("wx3", no, 100);
		Instant received = Instant.now();
		Notifications.V3Delivery delivery = Notifications.v3Paid(no, 100, TestData.transactionId(), received);
		Map<String, List<String>> headers = new LinkedHashMap<>();
		delivery.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.of(v)));
		long rawId = rawLog.insert(new RawRequest(received, Channel.WECHATPAY_V3, RawRequest.NOTIFY, "wx3", "POST",
				"/notify/wechatpay-v3/wx3", null, "127.0.0.1", "application/json", headers, delivery.body(),
				delivery.body().length, false, HexFormat.of().formatHex(new byte[32])));
		clock.set(received.plusSeconds(3600)); // an hour later an operator re-processes it

		assertThat(reprocessor.reprocess(rawId, "test-operator").orElseThrow().verdict()).isEqualTo(Verdict.APPLIED);
		assertThat(statusOf("wx3", no)).isEqualTo("PAID");
	}

	private void lock(long orderId) {
		dsl.selectFrom(PAYMENT_ORDER).where(PAYMENT_ORDER.ID.eq(orderId)).forUpdate().fetchOne();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
