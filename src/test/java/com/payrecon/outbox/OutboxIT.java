package com.payrecon.outbox;

import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.OUTBOX_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.REFUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.Refund;
import com.payrecon.refund.RefundService;
import com.payrecon.refund.RefundService.Created;
import com.payrecon.refund.RefundService.RequestRefund;
import com.payrecon.refund.RefundSource;
import com.payrecon.refund.RefundStatus;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Threat case D8: every order change writes its outbound event in its own transaction, with the account's gap-free
 * sequence number; a refused or rolled-back change writes none. (Across SIGKILL: {@code ChaosRunIT}.)
 */
@PayReconIT
class OutboxIT {

	static final String ACCOUNT = "outbox-a";
	static final String CONCURRENT = "outbox-b";
	static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired OrderService orderService;
	@Autowired OutboxRepository events;
	@Autowired Outbox outbox;
	@Autowired TransactionRetry retry;
	@Autowired PlatformTransactionManager transactionManager;
	@Autowired DSLContext dsl;
	@Autowired MeterRegistry meters;
	@Autowired RefundService refundService;

	@Test
	void everyKindOfOrderChangeWritesItsEventWithTheOrderAndTheCauseButNoNames() {
		PaymentOrder paid = order(ACCOUNT, 1250);
		orderService.applyPayment(ACCOUNT, payment(paid, "4200P1"), Cause.notification(77, "wechatpay-v2 notification"));
		refunded(paid, 1250, new Cause(EventSource.OPERATOR, "finance-secret-login", null, "refunded, note by alice"));

		PaymentOrder closed = order(ACCOUNT, 300);
		orderService.transition(ACCOUNT, closed.outTradeNo(), OrderStatus.CLOSED,
				new Cause(EventSource.QUERY, "stale-pending-sweep#12", null, "expired unpaid"));
		orderService.applyPayment(ACCOUNT, payment(closed, "4200L1"), Cause.notification(78, "late"));
		orderService.reopenForLatePayment(ACCOUNT, payment(closed, "4200L1"),
				new Cause(EventSource.OPERATOR, "approver-login", null, "maker-checker proposal 1"));

		PaymentOrder failed = order(ACCOUNT, 100);
		orderService.transition(ACCOUNT, failed.outTradeNo(), OrderStatus.FAILED, Cause.query("micropay", "refused"));
		PaymentOrder reversed = order(ACCOUNT, 100);
		orderService.transition(ACCOUNT, reversed.outTradeNo(), OrderStatus.REVERSED, Cause.query("micropay", "timeout"));
		PaymentOrder conflict = order(ACCOUNT, 900);
		orderService.applyPayment(ACCOUNT, payment(conflict, "4200C1"), Cause.query("reconciliation#5", "in the bill"));
		orderService.applyPayment(ACCOUNT, payment(conflict, "4200C2"), Cause.notification(79, "second payment"));

		assertThat(types(paid)).containsExactly("order.paid", "order.refunded");
		assertThat(types(closed)).containsExactly("order.closed", "order.paid_late", "order.paid");
		assertThat(types(failed)).containsExactly("order.failed");
		assertThat(types(reversed)).containsExactly("order.reversed");
		orderService.clearReview(conflict.id(), new Cause(EventSource.OPERATOR, "finance-1", null, "second payment refunded"));
		assertThat(types(conflict)).containsExactly("order.paid", "order.payment_conflict", "order.review_cleared");

		JsonNode first = body(events.ofOrder(paid.id()).getFirst());
		assertThat(first.get("id").asString()).startsWith("evt_").hasSize(30).doesNotContain(".");
		assertThat(first.get("account").asString()).isEqualTo(ACCOUNT);
		assertThat(first.get("data").get("order").get("outTradeNo").asString()).isEqualTo(paid.outTradeNo());
		assertThat(first.get("data").get("order").get("amount").asLong()).isEqualTo(1250);
		assertThat(first.get("data").get("order").get("status").asString()).isEqualTo("PAID");
		assertThat(first.get("data").get("order").get("previousStatus").asString()).isEqualTo("PENDING");
		assertThat(first.get("data").get("order").get("providerTxnId").asString()).isEqualTo("4200P1");
		assertThat(first.get("data").get("cause").get("type").asString()).isEqualTo("notification");
		JsonNode refunded = body(events.ofOrder(paid.id()).get(1));
		assertThat(refunded.get("data").get("cause").get("type").asString()).isEqualTo("operator");
		assertThat(refunded.toString()).doesNotContain("finance-secret-login", "alice");

		List<OutboxEvent> ofClosed = events.ofOrder(closed.id());
		assertThat(body(ofClosed.get(0)).get("data").get("cause").get("trigger").asString()).isEqualTo("stale-pending-sweep");
		assertThat(body(ofClosed.get(1)).get("data").get("payment").get("providerTxnId").asString()).isEqualTo("4200L1");
		assertThat(body(ofClosed.get(1)).get("data").get("order").get("status").asString()).isEqualTo("CLOSED");
		assertThat(body(ofClosed.get(2)).get("data").get("late").asBoolean()).isTrue();
		assertThat(body(events.ofOrder(conflict.id()).getFirst()).get("data").get("cause").get("trigger").asString())
			.isEqualTo("reconciliation");

		// no change without its event, no event without its change: one event per history line, linked to it
		for (PaymentOrder o : List.of(paid, closed, failed, reversed, conflict)) {
			List<Long> changes = dsl.select(ORDER_EVENT.ID).from(ORDER_EVENT)
				.where(ORDER_EVENT.ORDER_ID.eq(o.id()), ORDER_EVENT.EVENT_TYPE.ne("CREATED"))
				.orderBy(ORDER_EVENT.ID)
				.fetch(ORDER_EVENT.ID);
			assertThat(events.ofOrder(o.id())).extracting(e -> dsl.select(OUTBOX_EVENT.ORDER_EVENT_ID).from(OUTBOX_EVENT)
				.where(OUTBOX_EVENT.ID.eq(e.id())).fetchSingle().value1()).containsExactlyElementsOf(changes);
		}
	}

	@Test
	void aRefusedChangeWritesNoEventAndARolledBackOneNeitherChangesTheOrderNorTakesANumber() {
		PaymentOrder order = order(ACCOUNT, 100);
		Cause operator = new Cause(EventSource.OPERATOR, "support-1", null, "try");
		assertThat(orderService.transition(ACCOUNT, order.outTradeNo(), OrderStatus.REFUNDED, operator)).isEmpty();
		assertThat(events.ofOrder(order.id())).isEmpty();

		long before = events.lastSeq(List.of(ACCOUNT)).get(ACCOUNT);
		TransactionTemplate tx = new TransactionTemplate(transactionManager);
		assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
			orderService.transition(ACCOUNT, order.outTradeNo(), OrderStatus.CLOSED, operator);
			throw new IllegalStateException("the use case failed after the change");
		})).hasMessageContaining("failed after the change");
		assertThat(events.ofOrder(order.id())).isEmpty();
		assertThat(events.lastSeq(List.of(ACCOUNT)).get(ACCOUNT)).isEqualTo(before);

		orderService.transition(ACCOUNT, order.outTradeNo(), OrderStatus.CLOSED, operator);
		assertThat(events.ofOrder(order.id())).singleElement().satisfies(e -> assertThat(e.seq()).isEqualTo(before + 1));
	}

	/** One kind of order change: how to bring an order before it, the change itself, and the event it writes. */
	record Change(String name, java.util.function.Function<PaymentOrder, PaymentOrder> before,
			java.util.function.Consumer<PaymentOrder> change, String event) {
	}

	/**
	 * For every kind of order change (the brief for refunds: "every order state change writes its event in the same
	 * transaction"): inside a transaction that then fails, neither the order's row nor its events nor the account's
	 * sequence move; the same change committed writes exactly its event.
	 */
	@Test
	void everyKindOfOrderChangeRollsBackTogetherWithItsEvent() {
		Cause operator = new Cause(EventSource.OPERATOR, "finance-1", null, "checked");
		List<Change> changes = List.of(
				new Change("paid", o -> o, o -> orderService.applyPayment(ACCOUNT, payment(o, "4200R" + o.id()), Cause.notification(1, "x")), "order.paid"),
				new Change("closed", o -> o, o -> orderService.transition(ACCOUNT, o.outTradeNo(), OrderStatus.CLOSED, operator), "order.closed"),
				new Change("failed", o -> o, o -> orderService.transition(ACCOUNT, o.outTradeNo(), OrderStatus.FAILED, Cause.query("micropay", "refused")), "order.failed"),
				new Change("reversed", o -> o, o -> orderService.transition(ACCOUNT, o.outTradeNo(), OrderStatus.REVERSED, Cause.query("micropay", "timeout")), "order.reversed"),
				new Change("partially refunded", this::paid, o -> refunded(o, 300, operator), "order.partially_refunded"),
				new Change("more refunded", o -> refunded(paid(o), 300, operator), o -> refunded(o, 500, operator), "order.partially_refunded"),
				new Change("refunded", o -> refunded(paid(o), 300, operator), o -> refunded(o, 700, operator), "order.refunded"),
				new Change("paid late", this::closed, o -> orderService.applyPayment(ACCOUNT, payment(o, "4200L" + o.id()), Cause.notification(2, "late")), "order.paid_late"),
				new Change("late payment applied", o -> held(closed(o)), o -> orderService.reopenForLatePayment(ACCOUNT, payment(o, "4200L" + o.id()), operator), "order.paid"),
				new Change("payment conflict", this::paid, o -> orderService.applyPayment(ACCOUNT, payment(o, "4200X" + o.id()), Cause.notification(3, "second")), "order.payment_conflict"),
				new Change("review cleared", o -> conflict(paid(o)), o -> orderService.clearReview(o.id(), operator), "order.review_cleared"));
		TransactionTemplate tx = new TransactionTemplate(transactionManager);
		for (Change c : changes) {
			PaymentOrder o = c.before().apply(order(ACCOUNT, 700));
			Map<String, Object> row = dsl.fetchSingle(PAYMENT_ORDER, PAYMENT_ORDER.ID.eq(o.id())).intoMap();
			List<String> types = types(o);
			long seq = events.lastSeq(List.of(ACCOUNT)).get(ACCOUNT);
			assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
				c.change().accept(o);
				throw new IllegalStateException("the use case failed after the change");
			})).as(c.name()).hasMessageContaining("failed after the change");
			assertThat(dsl.fetchSingle(PAYMENT_ORDER, PAYMENT_ORDER.ID.eq(o.id())).intoMap()).as(c.name() + ": order row").isEqualTo(row);
			assertThat(types(o)).as(c.name() + ": events").isEqualTo(types);
			assertThat(events.lastSeq(List.of(ACCOUNT)).get(ACCOUNT)).as(c.name() + ": sequence").isEqualTo(seq);

			c.change().accept(o);
			List<String> after = new ArrayList<>(types);
			after.add(c.event());
			assertThat(types(o)).as(c.name() + ": committed").isEqualTo(after);
		}
	}

	/** The order's refunded amount becomes {@code fen}, as the refund module sets it (issue 14). */
	private PaymentOrder refunded(PaymentOrder o, long fen, Cause cause) {
		new TransactionTemplate(transactionManager).executeWithoutResult(status -> orderService
			.applyRefunds(orderService.lockForRefund(o.id()).orElseThrow(), Fen.of(fen), cause, "refund test"));
		return o;
	}

	// ------------------------------------------------------------------------------------------ refunds (issue 14)

	/** One kind of refund change: how to bring the order's refund before it, the change, and the events it writes. */
	record RefundChange(String name, java.util.function.Function<PaymentOrder, Refund> before,
			java.util.function.Consumer<Refund> change, List<String> events) {
	}

	/**
	 * Every change of a refund's state (RefundService's table: created REQUESTED, sent, SUCCESS, ABNORMAL, CLOSED by
	 * the checker or the provider, and a refund made elsewhere recorded) writes its refund.* event in its
	 * transaction: rolled back, neither the refund, nor the order, nor the events, nor the sequence move; committed,
	 * exactly its events (a SUCCESS refund also its order's).
	 */
	@Test
	void everyKindOfRefundChangeRollsBackTogetherWithItsEvent() {
		Cause notify = Cause.notification(9, "refund notification");
		List<RefundChange> changes = List.of(
				new RefundChange("requested", o -> null, r -> { }, List.of("refund.requested")),
				new RefundChange("sent", o -> requested(o, 300, false), r -> refundService.submit(r.id(), Cause.api("checkout-it", "send")), List.of("refund.processing")),
				new RefundChange("succeeded", o -> sent(requested(o, 300, false)), r -> refundService.providerSays(r.id(), word(r, RefundStatus.SUCCESS), notify), List.of("refund.succeeded", "order.partially_refunded")),
				new RefundChange("succeeded in full", o -> sent(requested(o, 700, false)), r -> refundService.providerSays(r.id(), word(r, RefundStatus.SUCCESS), notify), List.of("refund.succeeded", "order.refunded")),
				new RefundChange("abnormal", o -> sent(requested(o, 300, false)), r -> refundService.providerSays(r.id(), word(r, RefundStatus.ABNORMAL), notify), List.of("refund.abnormal")),
				new RefundChange("closed by the provider", o -> sent(requested(o, 300, false)), r -> refundService.refused(r.id(), "NOTENOUGH", Cause.query("refund-sweep#1", "refused"), "refused"), List.of("refund.closed")),
				new RefundChange("rejected by the checker", o -> requested(o, 300, true), r -> refundService.reject(r.id(), "checker-login", new Cause(EventSource.OPERATOR, "checker-login", null, "no")), List.of("refund.closed")));
		TransactionTemplate tx = new TransactionTemplate(transactionManager);
		for (RefundChange c : changes) {
			PaymentOrder o = paid(order(ACCOUNT, 700));
			Refund before = c.before().apply(o);
			java.util.function.Consumer<Refund> change = before == null ? r -> requested(o, 300, false) : c.change();
			Map<String, Object> row = dsl.fetchSingle(PAYMENT_ORDER, PAYMENT_ORDER.ID.eq(o.id())).intoMap();
			List<Map<String, Object>> refundRows = refundRows(o);
			List<String> types = types(o);
			long seq = events.lastSeq(List.of(ACCOUNT)).get(ACCOUNT);
			assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
				change.accept(before);
				throw new IllegalStateException("the use case failed after the change");
			})).as(c.name()).hasMessageContaining("failed after the change");
			assertThat(dsl.fetchSingle(PAYMENT_ORDER, PAYMENT_ORDER.ID.eq(o.id())).intoMap()).as(c.name() + ": order row").isEqualTo(row);
			assertThat(refundRows(o)).as(c.name() + ": refund rows").isEqualTo(refundRows);
			assertThat(types(o)).as(c.name() + ": events").isEqualTo(types);
			assertThat(events.lastSeq(List.of(ACCOUNT)).get(ACCOUNT)).as(c.name() + ": sequence").isEqualTo(seq);

			change.accept(before);
			List<String> after = new ArrayList<>(types);
			after.addAll(c.events());
			assertThat(types(o)).as(c.name() + ": committed").isEqualTo(after);
			assertThat(refundRows(o)).as(c.name() + ": changed").isNotEqualTo(refundRows);
		}
	}

	/**
	 * A refund's events, committed: asked for by one person, approved by another, sent, refunded at the provider.
	 * Each carries the refund's and the order's ids and amounts in fen, never the logins or the account's key.
	 */
	@Test
	void aRefundsEventsCarryItsAmountsInFenAndItsIdsButNoNames() {
		PaymentOrder o = paid(order(ACCOUNT, 1999));
		Refund asked = ((Created) refundService.request(new RequestRefund(ACCOUNT, o.outTradeNo(), "RF" + o.id(),
				Fen.of(1234), "damaged", RefundSource.CONSOLE, "maker-secret-login", true),
				new Cause(EventSource.OPERATOR, "maker-secret-login", null, "asked by bob"))).refund();
		refundService.approve(asked.id(), "checker-secret-login",
				new Cause(EventSource.OPERATOR, "checker-secret-login", null, "approved by carol"));
		Refund sent = sent(asked);
		refundService.providerSays(sent.id(), word(sent, RefundStatus.SUCCESS), Cause.notification(11, "refund notice"));

		List<OutboxEvent> all = events.ofOrder(o.id());
		assertThat(all).extracting(OutboxEvent::type)
			.containsExactly("order.paid", "refund.requested", "refund.processing", "refund.succeeded", "order.partially_refunded");
		assertThat(all.subList(1, 4)).allSatisfy(e -> {
			assertThat(e.refundId()).isEqualTo(asked.id());
			assertThat(e.orderId()).isEqualTo(o.id());
			assertThat(e.outTradeNo()).isEqualTo(o.outTradeNo());
		});
		assertThat(all).allSatisfy(e -> assertThat(e.body()).doesNotContain("secret-login", "bob", "carol",
				"2b3c4d5e6f708192a3b4c5d6e7f80912"));
		JsonNode succeeded = body(all.get(3));
		JsonNode refund = succeeded.get("data").get("refund");
		assertThat(refund.get("outRefundNo").asString()).isEqualTo("RF" + o.id());
		assertThat(refund.get("status").asString()).isEqualTo("SUCCESS");
		assertThat(refund.get("previousStatus").asString()).isEqualTo("PROCESSING");
		assertThat(refund.get("amount").asLong()).isEqualTo(1234);
		assertThat(refund.get("providerRefundId").asString()).isEqualTo("50300" + sent.id());
		JsonNode order = succeeded.get("data").get("order");
		assertThat(order.get("outTradeNo").asString()).isEqualTo(o.outTradeNo());
		assertThat(order.get("amount").asLong()).isEqualTo(1999);
		assertThat(order.get("refunded").asLong()).isEqualTo(1234);
		assertThat(order.get("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		assertThat(succeeded.get("data").get("cause").get("type").asString()).isEqualTo("notification");
		assertThat(body(all.get(4)).get("data").get("order").get("refunded").asLong()).isEqualTo(1234);
		assertThat(body(all.get(1)).get("data").get("cause").get("type").asString()).isEqualTo("operator");
	}

	private Refund requested(PaymentOrder o, long fen, boolean approvalRequired) {
		return ((Created) refundService.request(new RequestRefund(ACCOUNT, o.outTradeNo(), "R" + o.id() + "-" + fen,
				Fen.of(fen), null, approvalRequired ? RefundSource.CONSOLE : RefundSource.API, "finance-1", approvalRequired),
				Cause.api("checkout-it", "refund"))).refund();
	}

	private Refund sent(Refund r) {
		return refundService.submit(r.id(), Cause.api("checkout-it", "send")).orElseThrow().refund();
	}

	private static ProviderRefund word(Refund r, RefundStatus status) {
		return new ProviderRefund(r.outTradeNo(), null, r.outRefundNo(), "50300" + r.id(), r.amount(), null, null, status,
				status == RefundStatus.SUCCESS ? Instant.now() : null, status.name());
	}

	private List<Map<String, Object>> refundRows(PaymentOrder o) {
		return dsl.selectFrom(REFUND).where(REFUND.ORDER_ID.eq(o.id())).orderBy(REFUND.ID).fetchMaps();
	}

	private PaymentOrder paid(PaymentOrder o) {
		orderService.applyPayment(ACCOUNT, payment(o, "4200P" + o.id()), Cause.notification(4, "paid"));
		return o;
	}

	private PaymentOrder closed(PaymentOrder o) {
		orderService.transition(ACCOUNT, o.outTradeNo(), OrderStatus.CLOSED, Cause.query("stale-pending-sweep#1", "expired"));
		return o;
	}

	private PaymentOrder held(PaymentOrder closedOrder) {
		orderService.applyPayment(ACCOUNT, payment(closedOrder, "4200L" + closedOrder.id()), Cause.notification(5, "late"));
		return closedOrder;
	}

	private PaymentOrder conflict(PaymentOrder paidOrder) {
		orderService.applyPayment(ACCOUNT, payment(paidOrder, "4200X" + paidOrder.id()), Cause.notification(6, "second"));
		return paidOrder;
	}

	@Test
	void theEventsWrittenCounterCountsCommittedEventsOnly() {
		PaymentOrder rolledBack = order(ACCOUNT, 100);
		double before = closedCount();
		TransactionTemplate tx = new TransactionTemplate(transactionManager);
		assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
			orderService.transition(ACCOUNT, rolledBack.outTradeNo(), OrderStatus.CLOSED, Cause.query("x", "expired"));
			throw new IllegalStateException("rolled back");
		})).hasMessage("rolled back");
		assertThat(closedCount()).as("nothing counted for a rolled-back change").isEqualTo(before);

		PaymentOrder committed = order(ACCOUNT, 100);
		orderService.transition(ACCOUNT, committed.outTradeNo(), OrderStatus.CLOSED, Cause.query("x", "expired"));
		assertThat(closedCount()).isEqualTo(before + 1);
	}

	private double closedCount() {
		Counter c = meters.find(Outbox.WRITTEN_METRIC).tag("account", ACCOUNT).tag("type", "order.closed").counter();
		return c == null ? 0 : c.count();
	}

	@Test
	void anEventIsRefusedOutsideATransaction() {
		assertThatThrownBy(() -> outbox.append(new NewEvent(EventType.ORDER_PAID, ACCOUNT, null, null, null, null,
				EventCause.API, null, Instant.now(), Map.of())))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("transaction of its change");
	}

	/**
	 * 16 writers pay 300 orders of one account at once, a fifth of them in transactions that roll back after the
	 * change; a reader pages through the account's events meanwhile. The numbers are 1..n without a gap or a repeat,
	 * n is the number of committed changes, and the reader never saw a number before all smaller ones were visible
	 * (numbers are taken in commit order, so paging by number never skips a late commit).
	 */
	@Test
	void theAccountSequenceHasNoGapNoRepeatAndAppearsInOrderUnderConcurrentWriters() throws Exception {
		int orders = 300;
		List<PaymentOrder> pending = new ArrayList<>();
		for (int i = 0; i < orders; i++) {
			pending.add(order(CONCURRENT, 100 + i));
		}
		long start = events.lastSeq(List.of(CONCURRENT)).get(CONCURRENT);
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicReference<String> readerSaw = new AtomicReference<>();
		List<Long> read = Collections.synchronizedList(new ArrayList<>());
		Thread reader = Thread.ofPlatform().start(() -> {
			long last = start;
			boolean done = false;
			while (!done) {
				done = !writing.get(); // one more pass after the writers finished
				for (OutboxEvent e : events.after(CONCURRENT, last, 50)) {
					if (e.seq() != last + 1) {
						readerSaw.compareAndSet(null, "after " + last + " came " + e.seq());
					}
					last = e.seq();
					read.add(e.seq());
				}
			}
		});
		AtomicInteger committed = new AtomicInteger();
		TransactionTemplate tx = new TransactionTemplate(transactionManager);
		try (ExecutorService writers = Executors.newFixedThreadPool(16)) {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < orders; i++) {
				PaymentOrder o = pending.get(i);
				boolean rollBack = i % 5 == 3;
				futures.add(writers.submit(() -> {
					if (rollBack) {
						try {
							tx.executeWithoutResult(status -> {
								orderService.applyPayment(CONCURRENT, payment(o, "4200R" + o.id()), Cause.notification(1, "x"));
								throw new IllegalStateException("rolled back");
							});
						}
						catch (IllegalStateException expected) {
							// the change and its event are gone
						}
					}
					else {
						retry.inTransaction(() -> orderService.applyPayment(CONCURRENT, payment(o, "4200S" + o.id()),
								Cause.notification(1, "x")));
						committed.incrementAndGet();
					}
					return null;
				}));
			}
			for (Future<?> f : futures) {
				f.get();
			}
		}
		writing.set(false);
		reader.join();

		List<Long> seqs = dsl.select(OUTBOX_EVENT.SEQ).from(OUTBOX_EVENT)
			.where(OUTBOX_EVENT.ACCOUNT_ID.eq(CONCURRENT), OUTBOX_EVENT.SEQ.gt(start))
			.orderBy(OUTBOX_EVENT.SEQ)
			.fetch(OUTBOX_EVENT.SEQ);
		assertThat(committed.get()).isEqualTo(orders - orders / 5);
		assertThat(seqs).hasSize(committed.get());
		for (int i = 0; i < seqs.size(); i++) {
			assertThat(seqs.get(i)).isEqualTo(start + 1 + i);
		}
		assertThat(readerSaw.get()).as("the reader paging by number met a gap").isNull();
		assertThat(read).containsExactlyElementsOf(seqs);
	}

	private PaymentOrder order(String account, long fen) {
		return orderService.create(new CreateOrder(account, TestData.outTradeNo(), Fen.of(fen), "CNY", "tea", null),
				Cause.api("checkout-it", "order created")).order();
	}

	private static ProviderPayment payment(PaymentOrder order, String txn) {
		return new ProviderPayment(order.outTradeNo(), txn, order.amount(), order.currency(), Instant.now());
	}

	private List<String> types(PaymentOrder order) {
		return events.ofOrder(order.id()).stream().map(OutboxEvent::type).toList();
	}

	private static JsonNode body(OutboxEvent event) {
		return JSON.readTree(event.body());
	}
}
