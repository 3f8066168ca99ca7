package com.payrecon.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.payrecon.support.Http;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** The query repair's decisions (issue 4 job 1 and 4), against the real database, with scripted provider answers. */
@PayReconIT
class OrderRequeryIT {

	@TestConfiguration(proxyBeanMethods = false)
	static class Script {
		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		ScriptedProvider scriptedProvider() {
			return new ScriptedProvider();
		}
	}

	@Autowired
	OrderRequery requery;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	ProviderQueryLog queryLog;

	@Autowired
	ScriptedProvider provider;

	@Autowired
	MutableClock clock;

	static final Cause SWEEP = new Cause(EventSource.QUERY, "stale-pending-sweep#7", null, "stale pending order");

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	PaymentOrder pending(long amount, Instant expiresAt) {
		return orderService.create(new CreateOrder("wx2-md5", TestData.outTradeNo(), Fen.of(amount), "CNY", "repair test", expiresAt),
				Cause.api("test", "set-up")).order();
	}

	static ProviderAnswer answer(Status status, String no, String txn, long amount) {
		return new ProviderAnswer(status, no, txn, Fen.of(amount), "CNY", Instant.parse("2026-11-23T02:00:00Z"), null, null,
				"<xml><trade_state>" + status + "</trade_state></xml>");
	}

	@Test
	void aPaidAnswerIsAppliedThroughTheSameDoorWithAQueryEventAndTheRawAnswerKept() {
		PaymentOrder order = pending(500, null);
		String txn = TestData.transactionId();
		provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), txn, 500));

		OrderRequery.Result result = requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow();

		assertThat(result.after().status()).isEqualTo(OrderStatus.PAID);
		assertThat(result.after().providerTxnId()).isEqualTo(txn);
		OrderEvent paid = orders.events(order.id()).get(1);
		assertThat(paid.source()).isEqualTo(EventSource.QUERY);
		assertThat(paid.actor()).isEqualTo("stale-pending-sweep#7");
		List<ProviderQueryLog.Entry> log = queryLog.forOrder(order.id());
		assertThat(log).hasSize(1);
		assertThat(log.get(0).rawResponse()).contains("<trade_state>PAID</trade_state>");
		assertThat(log.get(0).outcome()).contains("APPLIED");
	}

	@Test
	void aPaidAnswerWithAnotherAmountChangesNothing() {
		PaymentOrder order = pending(500, null);
		provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), TestData.transactionId(), 1));

		OrderRequery.Result result = requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow();

		assertThat(result.after().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(result.outcome()).contains("AMOUNT_MISMATCH");
	}

	@Test
	void noDefiniteAnswerNeverChangesAnOrder() {
		PaymentOrder order = pending(500, Instant.now().minusSeconds(3600));
		provider.onQuery(order.outTradeNo(), ProviderAnswer.error(order.outTradeNo(), "SYSTEMERROR", "busy", "<xml/>"));

		OrderRequery.Result result = requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow();

		assertThat(result.after().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(provider.callsFor("close", order.outTradeNo())).isZero();
	}

	@Test
	void anUnpaidOrderBeforeExpiryIsKeptAndAskedAgainLaterAndLater() {
		PaymentOrder order = pending(500, Instant.now().plus(Duration.ofHours(2)));
		provider.onQuery(order.outTradeNo(), answer(Status.NOT_PAID, order.outTradeNo(), null, 500));
		Instant now = Instant.parse("2026-11-23T08:00:00Z");
		clock.set(now);

		requery.requery("wx2-md5", order.outTradeNo(), SWEEP);
		PaymentOrder once = orders.findById(order.id()).orElseThrow();
		requery.requery("wx2-md5", order.outTradeNo(), SWEEP);
		PaymentOrder twice = orders.findById(order.id()).orElseThrow();

		assertThat(once.status()).isEqualTo(OrderStatus.PENDING);
		assertThat(once.nextCheckAt()).isEqualTo(now.plus(Duration.ofMinutes(1)));
		assertThat(twice.nextCheckAt()).isEqualTo(now.plus(Duration.ofMinutes(2)));
		assertThat(twice.checkCount()).isEqualTo(2);
	}

	@Test
	void aStillPendingOrderIsAskedAgainAtItsExpiryAndAfterItsGraceNotAnHourLater() {
		Instant now = Instant.parse("2026-11-23T08:00:00Z");
		clock.set(now);
		Instant expiry = now.plus(Duration.ofMinutes(70));
		PaymentOrder order = pending(500, expiry);
		provider.onQuery(order.outTradeNo(), answer(Status.NOT_FOUND, order.outTradeNo(), null, 500));
		for (int i = 0; i < 5; i++) { // the backoff list is used up: hourly from now on
			requery.requery("wx2-md5", order.outTradeNo(), SWEEP);
		}
		clock.set(expiry.minus(Duration.ofMinutes(20)));

		requery.requery("wx2-md5", order.outTradeNo(), SWEEP);
		Instant beforeExpiry = orders.findById(order.id()).orElseThrow().nextCheckAt();
		clock.set(expiry.plus(Duration.ofMinutes(1))); // not found, but within the grace: kept
		requery.requery("wx2-md5", order.outTradeNo(), SWEEP);
		Instant inGrace = orders.findById(order.id()).orElseThrow().nextCheckAt();
		clock.set(inGrace);
		requery.requery("wx2-md5", order.outTradeNo(), SWEEP);

		assertThat(beforeExpiry).as("capped at expiry, not an hour later").isEqualTo(expiry.plusSeconds(1));
		assertThat(inGrace).as("capped at the end of the grace").isEqualTo(expiry.plus(OrderRequery.GRACE).plusSeconds(1));
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.FAILED);
	}

	@Test
	void aPaidAnswerWithoutAPaidTimeIsAppliedWithThePaidTimeUnknownNotNow() {
		PaymentOrder order = pending(500, null);
		// a quarter past midnight in Shanghai: "now" would put the payment into a business day it may not belong to
		clock.set(Instant.parse("2026-11-23T16:15:00Z"));
		provider.onQuery(order.outTradeNo(), new ProviderAnswer(Status.PAID, order.outTradeNo(), "TXN-NOTIME-" + order.id(),
				Fen.of(500), "CNY", null, null, null, "{\"trade_status\":\"TRADE_SUCCESS\"}"));

		OrderRequery.Result result = requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow();

		assertThat(result.after().status()).isEqualTo(OrderStatus.PAID);
		assertThat(result.after().paidAt()).isNull();
		assertThat(orders.events(order.id()).get(1).details()).contains("paid time unknown");
	}

	@Test
	void anExpiredUnpaidOrderIsClosedAtTheProviderFirst() {
		PaymentOrder order = pending(500, Instant.now().minusSeconds(60));
		provider.onQuery(order.outTradeNo(), answer(Status.NOT_PAID, order.outTradeNo(), null, 500));
		provider.onClose(order.outTradeNo(), answer(Status.CLOSED, order.outTradeNo(), null, 500));

		OrderRequery.Result result = requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow();

		assertThat(result.after().status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(provider.calls).containsSubsequence("query " + order.outTradeNo(), "close " + order.outTradeNo());
		assertThat(queryLog.forOrder(order.id())).extracting(ProviderQueryLog.Entry::operation).contains("QUERY", "CLOSE");
	}

	@Test
	void aCloseThatFindsTheOrderPaidIsQueriedAgainAndApplied() {
		PaymentOrder order = pending(500, Instant.now().minusSeconds(60));
		String txn = TestData.transactionId();
		provider.onQuery(order.outTradeNo(), answer(Status.NOT_PAID, order.outTradeNo(), null, 500),
				answer(Status.PAID, order.outTradeNo(), txn, 500));
		// v2 closeorder answers ORDERPAID: the client maps it to PAID without transaction details
		provider.onClose(order.outTradeNo(), new ProviderAnswer(Status.PAID, order.outTradeNo(), null, null, null, null, "ORDERPAID", null, "<xml/>"));

		OrderRequery.Result result = requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow();

		assertThat(result.after().status()).isEqualTo(OrderStatus.PAID);
		assertThat(result.after().providerTxnId()).isEqualTo(txn);
	}

	@Test
	void aCloseWithoutADefiniteAnswerLeavesTheOrderPending() {
		PaymentOrder order = pending(500, Instant.now().minusSeconds(60));
		provider.onQuery(order.outTradeNo(), answer(Status.NOT_PAID, order.outTradeNo(), null, 500));
		provider.onClose(order.outTradeNo(), ProviderAnswer.error(order.outTradeNo(), "SYSTEMERROR", "busy", null));

		assertThat(requery.requery("wx2-md5", order.outTradeNo(), SWEEP).orElseThrow().after().status())
			.isEqualTo(OrderStatus.PENDING);
	}

	@Test
	void providerSideEndsAreMirroredAndNotFoundFailsOnlyAfterExpiryAndGrace() {
		PaymentOrder closed = pending(500, null);
		provider.onQuery(closed.outTradeNo(), answer(Status.CLOSED, closed.outTradeNo(), null, 500));
		PaymentOrder unknownYoung = pending(500, Instant.now().plusSeconds(600));
		provider.onQuery(unknownYoung.outTradeNo(), answer(Status.NOT_FOUND, unknownYoung.outTradeNo(), null, 0));
		PaymentOrder unknownOld = pending(500, Instant.now().minus(Duration.ofHours(1)));
		provider.onQuery(unknownOld.outTradeNo(), answer(Status.NOT_FOUND, unknownOld.outTradeNo(), null, 0));
		PaymentOrder paying = pending(500, null);
		provider.onQuery(paying.outTradeNo(), answer(Status.USER_PAYING, paying.outTradeNo(), null, 500));

		assertThat(requery.requery("wx2-md5", closed.outTradeNo(), SWEEP).orElseThrow().after().status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(requery.requery("wx2-md5", unknownYoung.outTradeNo(), SWEEP).orElseThrow().after().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(requery.requery("wx2-md5", unknownOld.outTradeNo(), SWEEP).orElseThrow().after().status()).isEqualTo(OrderStatus.FAILED);
		assertThat(requery.requery("wx2-md5", paying.outTradeNo(), SWEEP).orElseThrow().after().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(orders.events(unknownOld.id()).get(1).reason()).isEqualTo("unknown to the provider after expiry");
	}

	@Test
	void previewAsksButChangesNothing() {
		PaymentOrder order = pending(500, null);
		provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), TestData.transactionId(), 500));

		OrderRequery.Result preview = requery.preview("wx2-md5", order.outTradeNo(),
				new Cause(EventSource.OPERATOR, "support-1", null, "customer says paid")).orElseThrow();

		assertThat(preview.answer().status()).isEqualTo(Status.PAID);
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(queryLog.forOrder(order.id())).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("support-1"));
	}

	@LocalServerPort
	int port;

	@Test
	void aNotificationThatFailsVerificationMakesUsAskTheProviderAboutThatOrderAtOnce() throws Exception {
		PaymentOrder order = pending(700, null);
		String txn = TestData.transactionId();
		provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), txn, 700));
		String forged = com.payrecon.notify.Notifications.v2Xml(
				com.payrecon.notify.Notifications.v2Fields(order.outTradeNo(), 700, txn), "0".repeat(32),
				com.payrecon.crypto.WechatSignType.MD5);

		int status = new Http(port).post("/notify/wechatpay-v2/wx2-md5", "text/xml", forged).statusCode();

		assertThat(status).isEqualTo(401);
		PaymentOrder after = awaitStatus(order, OrderStatus.PAID);
		assertThat(after.providerTxnId()).isEqualTo(txn);
		OrderEvent paid = orders.events(order.id()).get(1);
		assertThat(paid.source()).isEqualTo(EventSource.QUERY);
		assertThat(paid.actor()).startsWith("verification-failure:");
		// a flood of forgeries for the same order does not become a flood of queries
		for (int i = 0; i < 5; i++) {
			new Http(port).post("/notify/wechatpay-v2/wx2-md5", "text/xml", forged);
		}
		Thread.sleep(300);
		assertThat(provider.callsFor("query", order.outTradeNo())).isEqualTo(1);
	}

	private PaymentOrder awaitStatus(PaymentOrder order, OrderStatus status) throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			PaymentOrder now = orders.findById(order.id()).orElseThrow();
			if (now.status() == status) {
				return now;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("order " + order.outTradeNo() + " never became " + status);
	}

	@Test
	void theApiReQueriesAnOrderAndShowsTheProvidersAnswer() {
		PaymentOrder order = pending(900, null);
		String txn = TestData.transactionId();
		provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), txn, 900));

		var response = new Http(port).post("/api/orders/wx2-md5/" + order.outTradeNo() + "/requery", "application/json",
				new byte[0], java.util.Map.of("Authorization", "Bearer it-checkout-token-0123456789"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"PAID\"").contains("\"transactionId\":\"" + txn + "\"");
		assertThat(orders.events(order.id()).get(1).actor()).isEqualTo("checkout-it");
		assertThat(new Http(port).post("/api/orders/wx2-md5/NOPE/requery", "application/json", new byte[0],
				java.util.Map.of("Authorization", "Bearer it-checkout-token-0123456789")).statusCode()).isEqualTo(404);
	}

	@Autowired
	StalePendingSweep sweep;

	@Test
	void theSweepRepairsPaidOrdersAndAsksNoOrderMoreOftenThanItsBackoffAllows() {
		Instant t0 = Instant.now().minus(Duration.ofHours(1));
		clock.set(t0);
		List<PaymentOrder> paid = new java.util.ArrayList<>();
		List<PaymentOrder> unpaid = new java.util.ArrayList<>();
		List<PaymentOrder> failing = new java.util.ArrayList<>();
		for (int i = 0; i < 10; i++) {
			PaymentOrder order = pending(100 + i, t0.plus(Duration.ofHours(2)));
			provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), TestData.transactionId(), 100 + i));
			paid.add(order);
		}
		for (int i = 0; i < 5; i++) {
			PaymentOrder order = pending(100, t0.plus(Duration.ofHours(2)));
			provider.onQuery(order.outTradeNo(), answer(Status.NOT_PAID, order.outTradeNo(), null, 100));
			unpaid.add(order);
			PaymentOrder broken = pending(100, t0.plus(Duration.ofHours(2)));
			provider.onQuery(broken.outTradeNo(), ProviderAnswer.error(broken.outTradeNo(), "SYSTEMERROR", "busy", null));
			failing.add(broken);
		}
		clock.set(t0.plus(Duration.ofMinutes(10)));
		PaymentOrder fresh = orderService.create(new CreateOrder("wx2-md5", TestData.outTradeNo(), Fen.of(1), "CNY", "new", null),
				Cause.api("test", "set-up")).order();
		var parameters = new StalePendingSweep.Parameters(Duration.ofMinutes(2), 4, 1000, java.util.Set.of("wx2-md5"));

		StalePendingSweep.Summary first = sweep.sweep(parameters, "stale-pending-sweep#1");
		StalePendingSweep.Summary again = sweep.sweep(parameters, "stale-pending-sweep#2");

		assertThat(paid).allSatisfy(o -> {
			assertThat(orders.findById(o.id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
			assertThat(orders.events(o.id()).get(1).actor()).isEqualTo("stale-pending-sweep#1");
		});
		assertThat(first.paid()).isGreaterThanOrEqualTo(10);
		assertThat(unpaid).allSatisfy(o -> assertThat(orders.findById(o.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING));
		// the second run at the same instant finds nothing due: every order was asked exactly once
		for (PaymentOrder o : java.util.stream.Stream.of(paid, unpaid, failing).flatMap(List::stream).toList()) {
			assertThat(provider.callsFor("query", o.outTradeNo())).as(o.outTradeNo()).isEqualTo(1);
		}
		assertThat(provider.callsFor("query", fresh.outTradeNo())).as("younger than staleAfter").isZero();

		clock.advance(Duration.ofMinutes(1)); // the first backoff step has passed
		sweep.sweep(parameters, "stale-pending-sweep#3");
		assertThat(unpaid).allSatisfy(o -> assertThat(provider.callsFor("query", o.outTradeNo())).isEqualTo(2));
		assertThat(failing).allSatisfy(o -> assertThat(provider.callsFor("query", o.outTradeNo())).isEqualTo(2));
		assertThat(paid).allSatisfy(o -> assertThat(provider.callsFor("query", o.outTradeNo())).isEqualTo(1));
		assertThat(again.asked()).isLessThanOrEqualTo(first.asked());
	}

	@Autowired
	com.payrecon.scheduling.JobOperations jobs;

	@Test
	void theSweepRunsAsAScheduledBatchJobAndRecordsItsCounts() throws Exception {
		clock.set(Instant.now().minus(Duration.ofMinutes(10)));
		PaymentOrder order = pending(321, null);
		clock.reset();
		provider.onQuery(order.outTradeNo(), answer(Status.PAID, order.outTradeNo(), TestData.transactionId(), 321));

		// wait for this request's own run: the latest run may be an earlier, COMPLETED one (another test's sweep) until
		// Quartz has fired this one, which under load takes longer than the first look
		com.payrecon.scheduling.JobRun run = com.payrecon.support.JobRuns.awaitRequest(jobs, "stale-pending-sweep",
				jobs.runNow("stale-pending-sweep"), Duration.ofSeconds(20));
		assertThat(run.status()).as(run.exitMessage()).isEqualTo("COMPLETED");
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		assertThat(orders.events(order.id()).get(1).actor()).isEqualTo("stale-pending-sweep#" + run.executionId());
		assertThat(run.step("stale-pending-sweep.sweep").writeCount()).isGreaterThanOrEqualTo(1);
	}

	@Autowired
	com.payrecon.checkout.MicropayAttempts micropayAttempts;

	@Test
	void theMicropayWatchdogCarriesOnChargesWhosePollerDied() throws Exception {
		Instant started = Instant.now().minusSeconds(40); // a charge started 40 s ago by a process that then died
		PaymentOrder stuck = pending(800, null);
		micropayAttempts.start(stuck, "checkout-it", started, started.plusSeconds(35));
		provider.onQuery(stuck.outTradeNo(), answer(Status.USER_PAYING, stuck.outTradeNo(), null, 800));
		provider.onReverse(stuck.outTradeNo(), answer(Status.REVERSED, stuck.outTradeNo(), null, 800));
		PaymentOrder paidMeanwhile = pending(900, null);
		micropayAttempts.start(paidMeanwhile, "checkout-it", started, started.plusSeconds(35));
		provider.onQuery(paidMeanwhile.outTradeNo(), answer(Status.PAID, paidMeanwhile.outTradeNo(), TestData.transactionId(), 900));
		PaymentOrder young = pending(700, null); // still being polled in memory: left alone
		// (its poller marks it polled; "just now" would age past the IT's 2 x 200 ms quiet time while the job starts)
		micropayAttempts.start(young, "checkout-it", Instant.now().plusSeconds(30), Instant.now().plusSeconds(65));

		jobs.runNow("micropay-watchdog");
		awaitStatus(stuck, OrderStatus.REVERSED);

		assertThat(awaitStatus(paidMeanwhile, OrderStatus.PAID).providerTxnId()).isNotNull();
		assertThat(micropayAttempts.state(stuck.id())).isEqualTo("DONE");
		assertThat(micropayAttempts.state(young.id())).isEqualTo("POLLING");
		assertThat(provider.callsFor("query", young.outTradeNo())).isZero();
		assertThat(provider.callsFor("reverse", stuck.outTradeNo())).isEqualTo(1);
		assertThat(orders.events(stuck.id()).get(1).reason()).startsWith("reversed: payer did not confirm");
	}

	@Autowired
	org.jooq.DSLContext dsl;

	/**
	 * Issue 12: the watchdog's tasklet ran in the step's transaction, so its claims and every settled attempt were
	 * committed only when the whole run ended, the provider was called inside that transaction, and one attempt whose
	 * transaction failed marked the run rollback-only and undid every other attempt. Here the second attempt fails
	 * inside its transaction (its order number no longer resolves, so OrderService throws).
	 */
	@Test
	void theWatchdogSettlesEachAttemptInItsOwnTransactionAndOneFailureUndoesNothingElse() throws Exception {
		Instant started = Instant.now().minusSeconds(40);
		PaymentOrder reversed = pending(810, null);
		micropayAttempts.start(reversed, "checkout-it", started, started.plusSeconds(35));
		provider.onQuery(reversed.outTradeNo(), answer(Status.USER_PAYING, reversed.outTradeNo(), null, 810));
		provider.onReverse(reversed.outTradeNo(), answer(Status.REVERSED, reversed.outTradeNo(), null, 810));
		PaymentOrder brokenOrder = pending(820, null);
		String gone = TestData.outTradeNo();
		dsl.insertInto(com.payrecon.db.Tables.MICROPAY_ATTEMPT)
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.ORDER_ID, brokenOrder.id())
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.ACCOUNT_ID, "wx2-md5")
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.OUT_TRADE_NO, gone)
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.ACTOR, "checkout-it")
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.STATE, "POLLING")
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.STARTED_AT, started)
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.DEADLINE_AT, started.plusSeconds(35))
			.set(com.payrecon.db.Tables.MICROPAY_ATTEMPT.LAST_POLLED_AT, started)
			.execute();
		provider.onQuery(gone, answer(Status.REVERSED, gone, null, 820));
		PaymentOrder paid = pending(830, null);
		micropayAttempts.start(paid, "checkout-it", started, started.plusSeconds(35));
		provider.onQuery(paid.outTradeNo(), answer(Status.PAID, paid.outTradeNo(), TestData.transactionId(), 830));
		// while the last attempt is polled, another connection already sees the first one settled
		java.util.concurrent.atomic.AtomicReference<String> seenFromOutside = new java.util.concurrent.atomic.AtomicReference<>();
		provider.beforeQuery(paid.outTradeNo(), () -> seenFromOutside.set(java.util.concurrent.CompletableFuture
			.supplyAsync(() -> micropayAttempts.state(reversed.id()) + " "
					+ orders.findById(reversed.id()).orElseThrow().status())
			.join()));

		com.payrecon.scheduling.JobRun run = com.payrecon.support.JobRuns.runNowAndWait(jobs, "micropay-watchdog");

		assertThat(run.status()).as(run.exitMessage()).isEqualTo("COMPLETED");
		assertThat(seenFromOutside.get()).isEqualTo("DONE REVERSED");
		assertThat(orders.findById(reversed.id()).orElseThrow().status()).isEqualTo(OrderStatus.REVERSED);
		assertThat(orders.findById(paid.id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		assertThat(micropayAttempts.state(paid.id())).isEqualTo("DONE");
		assertThat(micropayAttempts.state(brokenOrder.id())).as("the failed attempt stays open for the next run").isEqualTo("POLLING");
		assertThat(run.step("micropay-watchdog.adopt").skipCount()).isGreaterThanOrEqualTo(1);
		assertThat(provider.callsInTransaction).as("provider calls made inside a database transaction").isEmpty();
	}

	@Autowired
	com.payrecon.checkout.MicropayCashier cashier;

	@Autowired
	com.payrecon.account.AccountRegistry accounts;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	@Autowired
	com.payrecon.console.ConsoleTestUsers consoleUsers;

	@Test
	void aReverseThatNeverSucceedsIsGivenUpAfterItsAttemptsAndShownToAPerson() {
		Instant started = Instant.now().minusSeconds(60);
		PaymentOrder stuck = pending(600, null);
		micropayAttempts.start(stuck, "checkout-it", started, started.plusSeconds(35)); // past its deadline
		provider.onQuery(stuck.outTradeNo(), answer(Status.USER_PAYING, stuck.outTradeNo(), null, 600));
		// e.g. no client certificate for /secapi/pay/reverse: the provider refuses every time
		provider.onReverse(stuck.outTradeNo(), ProviderAnswer.error(stuck.outTradeNo(), "CERT_ERROR", "certificate required", null));
		var account = accounts.find("wx2-md5").orElseThrow();
		double givenUpBefore = givenUp();
		double needsPersonBefore = needsPerson();

		int polls = 0;
		while (polls < 20 && !cashier.pollOnce(account, stuck.outTradeNo(), "checkout-it", started.plusSeconds(35))) {
			polls++;
		}

		assertThat(provider.callsFor("reverse", stuck.outTradeNo())).as("capped, not retried forever").isEqualTo(5);
		assertThat(micropayAttempts.state(stuck.id())).isEqualTo("NEEDS_PERSON");
		assertThat(orders.findById(stuck.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(givenUp() - givenUpBefore).isEqualTo(1.0);
		clock.set(Instant.now().plusSeconds(10)); // past the gauges' cache
		assertThat(needsPerson() - needsPersonBefore).as("gauge payrecon.micropay.needs.person").isEqualTo(1.0);
		var support = consoleUsers.create(com.payrecon.security.Role.SUPPORT);
		String page = new com.payrecon.console.ConsoleSession(port).loggedInAs(support)
			.get("/orders/micropay").body();
		assertThat(page.indexOf("id=\"micropay-" + stuck.id() + "\"")).as("in the table for a person")
			.isGreaterThan(page.indexOf("id=\"micropay-needs-person\""));
		assertThat(page).contains("CERT_ERROR");
	}

	private double needsPerson() {
		return meters.get("payrecon.micropay.needs.person").tag("account", "wx2-md5").gauge().value();
	}

	private double givenUp() {
		var counter = meters.find("payrecon.micropay.reverse.given.up").tag("account", "wx2-md5").counter();
		return counter == null ? 0 : counter.count();
	}
}
