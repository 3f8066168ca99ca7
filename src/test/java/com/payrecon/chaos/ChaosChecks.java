package com.payrecon.chaos;

import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.OUTBOX_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.PROVIDER_QUERY;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.REFUND;
import static com.payrecon.db.Tables.REFUND_EVENT;
import static com.payrecon.db.Tables.SANDBOX_DELIVERY;
import static com.payrecon.db.Tables.SANDBOX_DELIVERY_ATTEMPT;
import static com.payrecon.db.Tables.SANDBOX_ORDER;
import static com.payrecon.db.Tables.SANDBOX_REFUND;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.payrecon.order.EventSource;
import com.payrecon.support.WebhookReceiver;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The end of a chaos run: the provider's ledger (what it considers paid, every notification request it sent, which
 * ones were forged) against PayRecon's database. Each check prints PASS or FAIL with its figures; the report ends
 * with {@code N passed, M failed}.
 *
 * <p>
 * <b>"Sent"</b>: a notification request the sandbox got an HTTP response for (any status). Only then did PayRecon
 * certainly receive the whole request. An attempt that ended in a connection error (PayRecon down, or killed while
 * answering) is not "sent": it may or may not have a row (stored, then killed before answering), and is counted
 * apart. One exception is allowed and listed: while PayRecon's database is away, PayRecon cannot store anything and
 * answers the provider's failure reply ("retry later") without a row; such a response must be a failure answer given
 * during a database outage, and the provider delivers it again later.
 */
final class ChaosChecks {

	/** The slack between the sandbox's and PayRecon's clocks and their rounding (same machine). */
	static final Duration SLACK = Duration.ofSeconds(2);
	/** After the database is back, PayRecon's connection pool needs a few seconds to replace its dead connections. */
	static final Duration RECONNECT = Duration.ofSeconds(15);
	static final Set<String> FORGED = Set.of("TAMPERED_AMOUNT", "BAD_SIGNATURE");
	static final Set<String> GENUINE = Set.of("NONE", "DUPLICATE");
	/** The provider's trade states of a paid trade (refunded ones too). */
	static final Set<String> PAID_THERE = Set.of("SUCCESS", "REFUND");
	/** PayRecon's statuses of a paid order (refunded ones too). */
	static final Set<String> PAID_HERE = Set.of("PAID", "PARTIALLY_REFUNDED", "REFUNDED");
	/** Verdicts of a notification that changed something. */
	static final Set<String> APPLYING = Set.of("APPLIED", "REFUND_APPLIED", "REFUND_RECORDED");

	/**
	 * Refunds made in the provider's merchant platform that no genuine notification brought to PayRecon: every
	 * notification was dropped or forged, or the provider gave up on it with none of its requests stored by PayRecon
	 * (sent only while PayRecon was down: with retries 6000 times faster, the schedule is spent in about 2.5 s of a
	 * 7.8-s kill). Nothing but the day's bill tells PayRecon about them (the reconciliation's REFUND_UNKNOWN,
	 * RefundReconciliationIT), and the chaos run does not reconcile (the sandbox bills only past days). PayRecon may
	 * know them (a forged notice made it ask), but need not. A notification PayRecon stored but could not decide on
	 * (killed in between) does not count here: the stale-pending sweep decides on it (StrandedNotificationsIT).
	 */
	static Set<String> billOnlyRefunds(DSLContext provider, DSLContext payrecon, String prefix) {
		// per platform refund: its genuine deliveries' attempts (none: a null row), each with its delivery's status
		record Sent(String refundNo, Long deliveryId, String status, String sha256) {
		}
		List<Sent> sent = provider
			.select(SANDBOX_REFUND.OUT_REFUND_NO, SANDBOX_DELIVERY.ID, SANDBOX_DELIVERY.STATUS, SANDBOX_DELIVERY_ATTEMPT.REQUEST_SHA256)
			.from(SANDBOX_REFUND)
			.join(SANDBOX_ORDER).on(SANDBOX_ORDER.ID.eq(SANDBOX_REFUND.ORDER_ID))
			.leftJoin(SANDBOX_DELIVERY).on(SANDBOX_DELIVERY.SANDBOX_REFUND_ID.eq(SANDBOX_REFUND.ID), SANDBOX_DELIVERY.FAULT.in(GENUINE))
			.leftJoin(SANDBOX_DELIVERY_ATTEMPT).on(SANDBOX_DELIVERY_ATTEMPT.DELIVERY_ID.eq(SANDBOX_DELIVERY.ID))
			.where(SANDBOX_ORDER.OUT_TRADE_NO.startsWith(prefix), SANDBOX_REFUND.SOURCE.eq("PLATFORM"))
			.fetch(r -> new Sent(r.value1(), r.value2(), r.value3(), r.value4()));
		Set<String> hashes = sent.stream().map(Sent::sha256).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
		Set<String> stored = hashes.isEmpty() ? Set.of() : new HashSet<>(payrecon.select(RAW_NOTIFICATION.BODY_SHA256)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.BODY_SHA256.in(hashes))
			.fetch(RAW_NOTIFICATION.BODY_SHA256));
		// reached: a genuine delivery still under way or delivered, or one whose request PayRecon stored
		Set<String> reached = sent.stream()
			.filter(x -> x.deliveryId() != null && (!"GAVE_UP".equals(x.status()) || (x.sha256() != null && stored.contains(x.sha256()))))
			.map(Sent::refundNo)
			.collect(Collectors.toSet());
		Set<String> billOnly = sent.stream().map(Sent::refundNo).filter(no -> !reached.contains(no)).collect(Collectors.toSet());
		return billOnly;
	}

	/** A time range in which something was down. */
	record Window(Instant from, Instant to) {

		boolean contains(Instant t, Duration slack) {
			return !t.isBefore(from.minus(slack)) && !t.isAfter(to.plus(slack));
		}
	}

	private final DSLContext payrecon;
	private final DSLContext provider;
	private final String prefix;
	private final List<Window> dbDown;
	private final List<String> unconfirmed;
	private final Receiver receiver;

	/**
	 * What the merchant's webhook receiver saw (issue 15): every request, the event ids it verified and answered 2xx,
	 * how many requests it answered 2xx, and ids that had two requests in flight at once.
	 */
	record Receiver(List<WebhookReceiver.Received> requests, Set<String> acknowledged, long okAnswers,
			List<String> overlaps) {
	}

	ChaosChecks(DSLContext payrecon, DSLContext provider, String prefix, List<Window> dbDown, List<String> unconfirmed,
			Receiver receiver) {
		this.unconfirmed = unconfirmed;
		this.receiver = receiver;
		this.payrecon = payrecon;
		this.provider = provider;
		this.prefix = prefix;
		this.dbDown = dbDown;
	}

	// ---- what the two sides say ---------------------------------------------------------------------------------

	record LedgerOrder(String merchant, String outTradeNo, String status, long amount, String tradeNo) {
	}

	/** @param refundId the provider's refund a refund notification is about; null for a payment notification */
	record Delivery(long id, String outTradeNo, String fault, String status, Long refundId) {

		boolean payment() {
			return refundId == null;
		}
	}

	/** A refund as the provider has it: status SUCCESS, PROCESSING, CHANGE, REFUNDCLOSE; how often it was asked for. */
	record ProviderRefund(String outRefundNo, String outTradeNo, long amount, String status, int requestCount) {
	}

	record Refund(long id, String outTradeNo, String outRefundNo, long amount, String status, String source) {
	}

	record RefundEvent(long refundId, String type, String fromStatus, String toStatus, String source, Long rawId) {
	}

	record Attempt(long deliveryId, Instant at, long millis, Integer status, String body, String error, boolean success,
			String sha256) {

		Instant end() {
			return at.plusMillis(millis);
		}
	}

	record Order(long id, String account, String outTradeNo, String status, long amount, String txnId) {
	}

	record Event(long orderId, String toStatus, String source, String actor, Long rawId) {
	}

	record Raw(long id, String sha256, Instant receivedAt, String verdict, Integer responseStatus) {
	}

	/** The report: lines, and how many checks passed and failed. */
	record Report(List<String> lines, int passed, int failed) {

		String text() {
			return String.join("\n", lines) + "\n";
		}

		void print(PrintStream out) {
			lines.forEach(out::println);
		}
	}

	Report run(List<String> timeline) {
		List<LedgerOrder> ledger = provider.selectFrom(SANDBOX_ORDER)
			.where(SANDBOX_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new LedgerOrder(r.getMerchantId(), r.getOutTradeNo(), r.getStatus(), r.getAmountMinor(),
					r.getProviderTradeNo()));
		List<Delivery> deliveries = provider.selectFrom(SANDBOX_DELIVERY)
			.where(SANDBOX_DELIVERY.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new Delivery(r.getId(), r.getOutTradeNo(), r.getFault(), r.getStatus(), r.getSandboxRefundId()));
		List<Attempt> attempts = provider.select(SANDBOX_DELIVERY_ATTEMPT.fields())
			.from(SANDBOX_DELIVERY_ATTEMPT)
			.join(SANDBOX_DELIVERY).on(SANDBOX_DELIVERY.ID.eq(SANDBOX_DELIVERY_ATTEMPT.DELIVERY_ID))
			.where(SANDBOX_DELIVERY.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new Attempt(r.get(SANDBOX_DELIVERY_ATTEMPT.DELIVERY_ID), r.get(SANDBOX_DELIVERY_ATTEMPT.ATTEMPTED_AT),
					r.get(SANDBOX_DELIVERY_ATTEMPT.DURATION_MS), r.get(SANDBOX_DELIVERY_ATTEMPT.HTTP_STATUS),
					r.get(SANDBOX_DELIVERY_ATTEMPT.RESPONSE_BODY), r.get(SANDBOX_DELIVERY_ATTEMPT.ERROR),
					r.get(SANDBOX_DELIVERY_ATTEMPT.SUCCESS), r.get(SANDBOX_DELIVERY_ATTEMPT.REQUEST_SHA256)));
		Map<String, Order> orders = payrecon.selectFrom(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new Order(r.getId(), r.getAccountId(), r.getOutTradeNo(), r.getStatus(), r.getAmountMinor(),
					r.getProviderTxnId()))
			.stream()
			.collect(Collectors.toMap(Order::outTradeNo, Function.identity()));
		List<Event> events = payrecon.select(ORDER_EVENT.ORDER_ID, ORDER_EVENT.TO_STATUS, ORDER_EVENT.SOURCE,
				ORDER_EVENT.ACTOR, ORDER_EVENT.RAW_NOTIFICATION_ID)
			.from(ORDER_EVENT)
			.join(PAYMENT_ORDER).on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
			.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new Event(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
		// every row of the raw log: the run's database holds nothing else (forged rows may lack an out_trade_no)
		Map<Long, Raw> raws = payrecon.select(RAW_NOTIFICATION.ID, RAW_NOTIFICATION.BODY_SHA256, RAW_NOTIFICATION.RECEIVED_AT,
				RAW_NOTIFICATION.VERDICT, RAW_NOTIFICATION.RESPONSE_STATUS)
			.from(RAW_NOTIFICATION)
			.fetch(r -> new Raw(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()))
			.stream()
			.collect(Collectors.toMap(Raw::id, Function.identity()));
		List<ProviderRefund> refundsThere = provider.select(SANDBOX_REFUND.OUT_REFUND_NO, SANDBOX_ORDER.OUT_TRADE_NO,
				SANDBOX_REFUND.AMOUNT_MINOR, SANDBOX_REFUND.STATUS, SANDBOX_REFUND.REQUEST_COUNT)
			.from(SANDBOX_REFUND)
			.join(SANDBOX_ORDER).on(SANDBOX_ORDER.ID.eq(SANDBOX_REFUND.ORDER_ID))
			.where(SANDBOX_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new ProviderRefund(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
		List<Refund> refundsHere = payrecon.select(REFUND.ID, REFUND.OUT_TRADE_NO, REFUND.OUT_REFUND_NO, REFUND.AMOUNT_MINOR,
				REFUND.STATUS, REFUND.SOURCE)
			.from(REFUND)
			.where(REFUND.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new Refund(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
		List<RefundEvent> refundEvents = payrecon.select(REFUND_EVENT.REFUND_ID, REFUND_EVENT.EVENT_TYPE,
				REFUND_EVENT.FROM_STATUS, REFUND_EVENT.TO_STATUS, REFUND_EVENT.SOURCE, REFUND_EVENT.RAW_NOTIFICATION_ID)
			.from(REFUND_EVENT)
			.join(REFUND).on(REFUND.ID.eq(REFUND_EVENT.REFUND_ID))
			.where(REFUND.OUT_TRADE_NO.startsWith(prefix))
			.fetch(r -> new RefundEvent(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
		Set<Long> queried = new HashSet<>(payrecon.selectDistinct(PROVIDER_QUERY.ORDER_ID)
			.from(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.OUT_TRADE_NO.startsWith(prefix))
			.fetch(PROVIDER_QUERY.ORDER_ID));

		List<String> lines = new ArrayList<>(timeline);
		lines.add("");
		Map<Long, Delivery> deliveryById = deliveries.stream().collect(Collectors.toMap(Delivery::id, Function.identity()));
		Map<String, Long> byFault = deliveries.stream().collect(Collectors.groupingBy(Delivery::fault, TreeMap::new, Collectors.counting()));
		Map<String, Long> byStatus = deliveries.stream().collect(Collectors.groupingBy(Delivery::status, TreeMap::new, Collectors.counting()));
		lines.add("provider: %d orders, %d paid; %d notifications by fault %s, by end state %s; %d requests attempted; "
				.formatted(ledger.size(), ledger.stream().filter(o -> PAID_THERE.contains(o.status())).count(), deliveries.size(),
						byFault, byStatus, attempts.size())
				+ "%d refunds by status %s".formatted(refundsThere.size(), refundsThere.stream()
					.collect(Collectors.groupingBy(ProviderRefund::status, TreeMap::new, Collectors.counting()))));
		lines.add("PayRecon: %d orders, %d paid; %d raw notifications; %d order events; %d orders asked about at the provider; "
				.formatted(orders.size(), orders.values().stream().filter(o -> PAID_HERE.contains(o.status())).count(), raws.size(),
						events.size(), queried.size())
				+ "%d refunds by source and status %s".formatted(refundsHere.size(), refundsHere.stream()
					.collect(Collectors.groupingBy(r -> r.source() + " " + r.status(), TreeMap::new, Collectors.counting()))));

		// issue 15: the outbox's events (the run's database holds no others)
		List<OutboxRow> outbox = payrecon.select(OUTBOX_EVENT.EVENT_ID, OUTBOX_EVENT.EVENT_TYPE, OUTBOX_EVENT.ORDER_ID,
					OUTBOX_EVENT.REFUND_ID)
			.from(OUTBOX_EVENT)
			.fetch(r -> new OutboxRow(r.value1(), r.value2(), r.value3(), r.value4()));
		lines.add("outbox: %d events by type %s; webhook receiver: %d requests, %d answered failure on purpose, %d events acknowledged"
			.formatted(outbox.size(), outbox.stream().collect(Collectors.groupingBy(OutboxRow::type, TreeMap::new, Collectors.counting())),
					receiver.requests().size(), receiver.requests().size() - acknowledgedRequests(), receiver.acknowledged().size()));

		Matching matching = match(attempts, raws);
		Set<Long> refundQueried = refundEvents.stream().filter(e -> "QUERY".equals(e.source()))
			.map(RefundEvent::refundId)
			.collect(Collectors.toSet());
		Map<String, Long> orderIdByNo = orders.values().stream().collect(Collectors.toMap(Order::outTradeNo, Order::id));
		Set<Long> ordersWithRefundQueries = refundsHere.stream().filter(r -> refundQueried.contains(r.id()))
			.map(r -> orderIdByNo.get(r.outTradeNo()))
			.collect(Collectors.toSet());
		List<Check> checks = List.of(paidExactlyOnce(ledger, orders, events), unpaidStayUnpaid(ledger, orders),
				forgedChangedNothing(attempts, deliveryById, matching, raws, events, refundEvents),
				everyRequestSentHasARow(attempts, matching, deliveryById),
				everyEventHasItsSource(events, raws, queried, ordersWithRefundQueries),
				repairsMatchLostNotifications(ledger, orders, events, attempts, deliveryById),
				refundsSucceededOnceEach(refundsThere, refundsHere, refundEvents, billOnlyRefunds(provider, payrecon, prefix)),
				noRefundAskedTwice(refundsThere, refundsHere),
				new Check("every order the API confirmed (2xx) was placed with the provider", unconfirmed.isEmpty(),
						"%d confirmed but unknown to the provider when the payer came (the client created them again)%s"
							.formatted(unconfirmed.size(), sample(unconfirmed))),
				onePaidEventPerPaidOrder(orders, outbox), oneSucceededEventPerSuccessRefund(refundsHere, outbox),
				everyEventReachedTheReceiver(outbox));
		int passed = 0;
		for (Check c : checks) {
			lines.add((c.ok() ? "PASS " : "FAIL ") + c.name() + ": " + c.detail());
			passed += c.ok() ? 1 : 0;
		}
		lines.add("%d passed, %d failed".formatted(passed, checks.size() - passed));
		return new Report(lines, passed, checks.size() - passed);
	}

	record OutboxRow(String eventId, String type, Long orderId, Long refundId) {
	}

	/**
	 * Issue 15: a paid order (PAID, or PARTIALLY_REFUNDED / REFUNDED since) wrote exactly one order.paid event (in its
	 * transaction, across SIGKILLs); others none. Refund events and the refund-caused order events sit beside it.
	 */
	private Check onePaidEventPerPaidOrder(Map<String, Order> orders, List<OutboxRow> outbox) {
		return oneEventEach("every paid order (PAID, or refunded since) produced exactly one order.paid event (and no "
				+ "other order one)", "paid orders", "order.paid", outbox, OutboxRow::orderId, orders.values(), Order::id,
				o -> PAID_HERE.contains(o.status()), o -> o.outTradeNo() + " " + o.status());
	}

	/**
	 * Issues 14 and 15: a SUCCESS refund wrote exactly one refund.succeeded event (with its refund's state change, in
	 * one transaction, across SIGKILLs); a refund in any other state none.
	 */
	private Check oneSucceededEventPerSuccessRefund(List<Refund> refunds, List<OutboxRow> outbox) {
		return oneEventEach("every SUCCESS refund produced exactly one refund.succeeded event (and no other refund one)",
				"SUCCESS refunds", "refund.succeeded", outbox, OutboxRow::refundId, refunds, Refund::id,
				r -> r.status().equals("SUCCESS"), r -> r.outRefundNo() + " " + r.status());
	}

	/** Exactly one {@code type} event for each of {@code things} that {@code should} have one, none for the others. */
	private static <T> Check oneEventEach(String name, String what, String type, List<OutboxRow> outbox,
			Function<OutboxRow, Long> eventKey, java.util.Collection<T> things, Function<T, Long> key,
			java.util.function.Predicate<T> should, Function<T, String> label) {
		Map<Long, Long> counts = outbox.stream()
			.filter(e -> e.type().equals(type) && eventKey.apply(e) != null)
			.collect(Collectors.groupingBy(eventKey, Collectors.counting()));
		List<String> wrong = new ArrayList<>();
		long expected = 0;
		for (T t : things) {
			long n = counts.getOrDefault(key.apply(t), 0L);
			boolean one = should.test(t);
			expected += one ? 1 : 0;
			if (n != (one ? 1 : 0)) {
				wrong.add("%s with %d %s events".formatted(label.apply(t), n, type));
			}
		}
		return new Check(name, wrong.isEmpty(), "%d %s, %d %s events%s".formatted(expected, what,
				counts.values().stream().mapToLong(Long::longValue).sum(), type, sample(wrong)));
	}

	/**
	 * Issue 15: the receiver, failing 20 % of requests on purpose, got every event at least once with a valid
	 * signature (the official library's verifier) and acknowledged it; no request failed verification, and no event
	 * was in flight twice at once.
	 */
	private Check everyEventReachedTheReceiver(List<OutboxRow> outbox) {
		List<String> wrong = new ArrayList<>();
		outbox.stream()
			.filter(e -> !receiver.acknowledged().contains(e.eventId()))
			.forEach(e -> wrong.add(e.eventId() + " (" + e.type() + ") never acknowledged"));
		receiver.requests().stream()
			.filter(r -> !r.verified())
			.forEach(r -> wrong.add("a request for " + r.id() + " failed verification"));
		receiver.overlaps().forEach(id -> wrong.add(id + " in flight twice at once"));
		long failedOnPurpose = receiver.requests().size() - acknowledgedRequests();
		return new Check("the webhook receiver got every event at least once with a valid signature", wrong.isEmpty(),
				"%d events, %d requests (%d answered failure, %.0f %%)%s".formatted(outbox.size(), receiver.requests().size(),
						failedOnPurpose, receiver.requests().isEmpty() ? 0.0 : 100.0 * failedOnPurpose / receiver.requests().size(),
						sample(wrong)));
	}

	private long acknowledgedRequests() {
		return receiver.okAnswers();
	}

	record Check(String name, boolean ok, String detail) {
	}

	// ---- the checks -----------------------------------------------------------------------------------------------

	private Check paidExactlyOnce(List<LedgerOrder> ledger, Map<String, Order> orders, List<Event> events) {
		Map<Long, Long> paidEvents = events.stream().filter(e -> "PAID".equals(e.toStatus()))
			.collect(Collectors.groupingBy(Event::orderId, Collectors.counting()));
		List<String> wrong = new ArrayList<>();
		int paid = 0;
		for (LedgerOrder l : ledger) {
			if (!PAID_THERE.contains(l.status())) {
				continue;
			}
			paid++;
			Order o = orders.get(l.outTradeNo());
			if (o == null) {
				wrong.add(l.outTradeNo() + " unknown to PayRecon");
			}
			else if (!PAID_HERE.contains(o.status()) || paidEvents.getOrDefault(o.id(), 0L) != 1
					|| !l.tradeNo().equals(o.txnId()) || l.amount() != o.amount()) {
				wrong.add("%s %s with %d PAID events, txn %s (provider %s)".formatted(l.outTradeNo(), o.status(),
						paidEvents.getOrDefault(o.id(), 0L), o.txnId(), l.tradeNo()));
			}
		}
		return new Check("every order the provider considers paid is paid in PayRecon exactly once (one PAID event, "
				+ "the provider's transaction id and amount; refunded since or not)", wrong.isEmpty() && paid > 0,
				"%d paid at the provider, %d wrong%s".formatted(paid, wrong.size(), sample(wrong)));
	}

	private Check unpaidStayUnpaid(List<LedgerOrder> ledger, Map<String, Order> orders) {
		List<String> wrong = new ArrayList<>();
		int unpaid = 0;
		for (LedgerOrder l : ledger) {
			if (!PAID_THERE.contains(l.status())) {
				unpaid++;
				Order o = orders.get(l.outTradeNo());
				if (o != null && PAID_HERE.contains(o.status())) {
					wrong.add(l.outTradeNo() + " is PAID although the provider says " + l.status());
				}
			}
		}
		return new Check("no order the provider considers unpaid is paid here", wrong.isEmpty(),
				"%d unpaid at the provider, %d paid here%s".formatted(unpaid, wrong.size(), sample(wrong)));
	}

	private Check forgedChangedNothing(List<Attempt> attempts, Map<Long, Delivery> deliveries, Matching matching,
			Map<Long, Raw> raws, List<Event> events, List<RefundEvent> refundEvents) {
		Set<String> forgedBodies = attempts.stream()
			.filter(a -> a.sha256() != null && FORGED.contains(deliveries.get(a.deliveryId()).fault()))
			.map(Attempt::sha256)
			.collect(Collectors.toSet());
		List<Raw> forgedRows = raws.values().stream().filter(r -> forgedBodies.contains(r.sha256())).toList();
		Set<Long> forgedIds = forgedRows.stream().map(Raw::id).collect(Collectors.toSet());
		Map<String, Long> verdicts = forgedRows.stream()
			.collect(Collectors.groupingBy(r -> String.valueOf(r.verdict()), TreeMap::new, Collectors.counting()));
		List<String> wrong = new ArrayList<>();
		forgedRows.stream().filter(r -> r.verdict() != null
				&& Set.of("APPLIED", "DUPLICATE", "LATE_PAYMENT", "REFUND_APPLIED", "REFUND_RECORDED").contains(r.verdict()))
			.forEach(r -> wrong.add("raw " + r.id() + " accepted as " + r.verdict()));
		events.stream().filter(e -> "NOTIFY".equals(e.source()) && e.rawId() != null && forgedIds.contains(e.rawId()))
			.forEach(e -> wrong.add("order " + e.orderId() + " changed by forged raw " + e.rawId()));
		// a tampered refund notice that authenticates is kept for review: a MISMATCH line in the refund's history,
		// which changes nothing (the refund's status and ids stay); any other event from a forged row is a change
		long keptForReview = refundEvents.stream().filter(e -> fromForged(e, forgedIds) && MISMATCH.equals(e.type())).count();
		refundEvents.stream().filter(e -> fromForged(e, forgedIds) && !MISMATCH.equals(e.type()))
			.forEach(e -> wrong.add("refund " + e.refundId() + " changed by forged raw " + e.rawId() + " (" + e.type() + ")"));
		long forgedDeliveries = deliveries.values().stream().filter(d -> FORGED.contains(d.fault())).count();
		long forgedRefundNotices = deliveries.values().stream().filter(d -> FORGED.contains(d.fault()) && !d.payment()).count();
		// a forged notification for a pending order makes PayRecon ask the provider at once; the provider's signed
		// answer (source QUERY, the event names the raw row that prompted it) is what changes the order, not the body
		long followUps = events.stream().filter(e -> "QUERY".equals(e.source()) && e.rawId() != null && forgedIds.contains(e.rawId()))
			.count();
		return new Check("no forged notification (payment or refund) changed anything", wrong.isEmpty(),
				("%d forged notifications (%d of refunds), %d forged requests received, verdicts %s, 0 NOTIFY order or refund "
						+ "events allowed from them (%d refund mismatches kept for review), %d orders paid by the query they "
						+ "prompted%s").formatted(forgedDeliveries, forgedRefundNotices, forgedRows.size(), verdicts,
						keptForReview, followUps, sample(wrong)));
	}

	private static final String MISMATCH = com.payrecon.refund.RefundEvent.MISMATCH;

	private static boolean fromForged(RefundEvent e, Set<Long> forgedIds) {
		return "NOTIFY".equals(e.source()) && e.rawId() != null && forgedIds.contains(e.rawId());
	}

	private Check everyRequestSentHasARow(List<Attempt> attempts, Matching matching, Map<Long, Delivery> deliveries) {
		List<Attempt> sent = attempts.stream().filter(a -> a.status() != null).toList();
		List<String> wrong = new ArrayList<>();
		int dbAwayAnswers = 0;
		for (Attempt a : sent) {
			if (matching.rowOf().containsKey(a)) {
				continue;
			}
			boolean failureAnswer = !a.success();
			boolean duringOutage = dbDown.stream().anyMatch(w -> new Window(w.from().minus(SLACK), w.to().plus(RECONNECT)).contains(a.at(), Duration.ZERO));
			boolean deliveredLater = attempts.stream().anyMatch(b -> b.deliveryId() == a.deliveryId() && b.at().isAfter(a.at())
					&& matching.rowOf().containsKey(b));
			if (failureAnswer && duringOutage && deliveredLater) {
				dbAwayAnswers++;
			}
			else {
				wrong.add("delivery %d (%s, %s) at %s answered %d (%s%s%s), no raw row".formatted(a.deliveryId(),
						deliveries.get(a.deliveryId()).outTradeNo(), deliveries.get(a.deliveryId()).fault(), a.at(), a.status(),
						a.success() ? "success" : "failure", duringOutage ? ", during the outage" : "",
						deliveredLater ? ", stored later" : ", never stored later"));
			}
		}
		List<Attempt> unanswered = attempts.stream().filter(a -> a.status() == null && a.sha256() != null).toList();
		long refused = unanswered.stream().filter(a -> a.error() != null && a.error().startsWith("ConnectException")).count();
		long storedThenLost = unanswered.stream().filter(a -> matching.rowOf().containsKey(a)).count();
		return new Check("every notification request the provider sent (got a response for) has a raw_notification row",
				wrong.isEmpty() && !sent.isEmpty(),
				("%d sent, %d matched to their row by body SHA-256 and time, %d answered 'retry later' without a row while the "
						+ "database was away or the pool reconnecting (each delivered again later); not sent: %d refused connections, %d other errors "
						+ "(killed mid-request or timed out; %d of them had been stored)%s").formatted(sent.size(),
						sent.size() - wrong.size() - dbAwayAnswers, dbAwayAnswers, refused, unanswered.size() - refused,
						storedThenLost, sample(wrong)));
	}

	private Check everyEventHasItsSource(List<Event> events, Map<Long, Raw> raws, Set<Long> queried,
			Set<Long> ordersWithRefundQueries) {
		Set<String> sources = Arrays.stream(EventSource.values()).map(Enum::name).collect(Collectors.toSet());
		List<String> wrong = new ArrayList<>();
		for (Event e : events) {
			if (e.source() == null || !sources.contains(e.source()) || e.actor() == null || e.actor().isBlank()) {
				wrong.add("order %d → %s: source %s, actor %s".formatted(e.orderId(), e.toStatus(), e.source(), e.actor()));
			}
			else if (e.source().equals("NOTIFY") && (e.rawId() == null || !raws.containsKey(e.rawId())
					|| !APPLYING.contains(raws.get(e.rawId()).verdict()))) {
				wrong.add("order %d → %s by NOTIFY without an applying raw notification (%s)".formatted(e.orderId(), e.toStatus(), e.rawId()));
			}
			else if (e.source().equals("QUERY") && !queried.contains(e.orderId())
					&& !(refundStatus(e.toStatus()) && ordersWithRefundQueries.contains(e.orderId()))) {
				wrong.add("order %d → %s by QUERY without a recorded query".formatted(e.orderId(), e.toStatus()));
			}
		}
		Map<String, Long> bySource = events.stream()
			.collect(Collectors.groupingBy(e -> e.source() + (e.toStatus() == null ? "" : "→" + e.toStatus()), TreeMap::new,
					Collectors.counting()));
		return new Check("every order event has its source (NOTIFY: its applying raw notification; QUERY: its recorded "
				+ "order query, or for a refund's effect its refund's QUERY event)",
				wrong.isEmpty() && !events.isEmpty(), "%d events %s%s".formatted(events.size(), bySource, sample(wrong)));
	}

	/**
	 * Repairs by query are exactly the orders that needed one: paid at the provider, and none of their genuine (not
	 * forged) notifications was ever acknowledged by PayRecon, because the provider dropped it, or its attempts ran
	 * out while PayRecon or its database was down; except those whose notification PayRecon stored and applied
	 * although no answer reached the provider: applied just before a crash swallowed its answer, or stored just before
	 * the crash and decided later by the sweep's first step (received, so no repair was needed).
	 */
	private Check repairsMatchLostNotifications(List<LedgerOrder> ledger, Map<String, Order> orders, List<Event> events,
			List<Attempt> attempts, Map<Long, Delivery> deliveries) {
		Map<Long, String> noById = orders.values().stream().collect(Collectors.toMap(Order::id, Order::outTradeNo));
		Set<String> repaired = events.stream().filter(e -> "PAID".equals(e.toStatus()) && "QUERY".equals(e.source()))
			.map(e -> noById.get(e.orderId()))
			.collect(Collectors.toSet());
		Set<String> acknowledged = attempts.stream()
			.filter(a -> a.success() && GENUINE.contains(deliveries.get(a.deliveryId()).fault())
					&& deliveries.get(a.deliveryId()).payment())
			.map(a -> deliveries.get(a.deliveryId()).outTradeNo())
			.collect(Collectors.toSet());
		// a notification PayRecon stored and applied but whose answer the crash (or the database restart) swallowed did
		// reach PayRecon: its order is paid by NOTIFY (the events check ties that event to its APPLIED genuine raw row)
		Set<String> appliedUnanswered = events.stream().filter(e -> "PAID".equals(e.toStatus()) && "NOTIFY".equals(e.source()))
			.map(e -> noById.get(e.orderId()))
			.filter(no -> !acknowledged.contains(no))
			.collect(Collectors.toSet());
		Set<String> needed = ledger.stream()
			.filter(l -> PAID_THERE.contains(l.status()) && !acknowledged.contains(l.outTradeNo())
					&& !appliedUnanswered.contains(l.outTradeNo()))
			.map(LedgerOrder::outTradeNo)
			.collect(Collectors.toSet());
		Map<String, List<Delivery>> byOrder = deliveries.values().stream().filter(Delivery::payment)
			.collect(Collectors.groupingBy(Delivery::outTradeNo));
		Map<String, Long> why = needed.stream().collect(Collectors.groupingBy(no -> reason(byOrder.getOrDefault(no, List.of())),
				TreeMap::new, Collectors.counting()));
		Set<String> extra = new HashSet<>(repaired);
		extra.removeAll(needed);
		Set<String> missing = new HashSet<>(needed);
		missing.removeAll(repaired);
		List<String> wrong = new ArrayList<>();
		extra.forEach(no -> wrong.add(no + " repaired by query although a notification was acknowledged"));
		missing.forEach(no -> wrong.add(no + " needed a repair but was settled by " + orders.get(no).status()));
		return new Check("repairs by query (%d) = orders whose notifications were all dropped, forged or lost in a crash (%d)"
			.formatted(repaired.size(), needed.size()), repaired.equals(needed),
				"needed because %s; applied from a stored notification whose answer was lost: %d%s".formatted(why,
						appliedUnanswered.size(), sample(wrong)));
	}

	private static boolean refundStatus(String status) {
		return "PARTIALLY_REFUNDED".equals(status) || "REFUNDED".equals(status);
	}

	/**
	 * Every refund the provider considers successful is SUCCESS in PayRecon exactly once (one event to SUCCESS, the
	 * provider's amount), the provider's abnormal ones are ABNORMAL, nothing is SUCCESS here that the provider did not
	 * pay back, and each order's refunded amount is the sum of its refunds the provider paid back (to the fen).
	 */
	private Check refundsSucceededOnceEach(List<ProviderRefund> there, List<Refund> here, List<RefundEvent> events,
			Set<String> billOnly) {
		Map<String, Refund> byNo = here.stream().collect(Collectors.toMap(Refund::outRefundNo, Function.identity()));
		// events that moved a refund to SUCCESS: a later event of a SUCCESS refund (a PROCESSING notice arriving late,
		// kept for review as MISMATCH) records SUCCESS → SUCCESS and is no second success
		Map<Long, Long> successEvents = events.stream()
			.filter(e -> "SUCCESS".equals(e.toStatus()) && !"SUCCESS".equals(e.fromStatus()))
			.collect(Collectors.groupingBy(RefundEvent::refundId, Collectors.counting()));
		List<String> wrong = new ArrayList<>();
		int succeeded = 0;
		Set<String> leftToTheBill = new HashSet<>();
		for (ProviderRefund p : there) {
			Refund r = byNo.get(p.outRefundNo());
			if (r == null && billOnly.contains(p.outRefundNo())) {
				leftToTheBill.add(p.outRefundNo());
				continue;
			}
			switch (p.status()) {
				case "SUCCESS" -> {
					succeeded++;
					if (r == null) {
						wrong.add(p.outRefundNo() + " unknown to PayRecon");
					}
					else if (!r.status().equals("SUCCESS") || successEvents.getOrDefault(r.id(), 0L) != 1 || r.amount() != p.amount()) {
						wrong.add("%s %s with %d SUCCESS events, %d fen (provider %d)".formatted(p.outRefundNo(), r.status(),
								successEvents.getOrDefault(r.id(), 0L), r.amount(), p.amount()));
					}
				}
				case "CHANGE" -> {
					if (r == null || !r.status().equals("ABNORMAL")) {
						wrong.add(p.outRefundNo() + " abnormal at the provider, " + (r == null ? "unknown" : r.status()) + " here");
					}
				}
				default -> {
					if (r != null && r.status().equals("SUCCESS")) {
						wrong.add(p.outRefundNo() + " SUCCESS here, " + p.status() + " at the provider");
					}
				}
			}
		}
		Set<String> knownThere = there.stream().map(ProviderRefund::outRefundNo).collect(Collectors.toSet());
		here.stream().filter(r -> r.status().equals("SUCCESS") && !knownThere.contains(r.outRefundNo()))
			.forEach(r -> wrong.add(r.outRefundNo() + " SUCCESS here, unknown to the provider"));
		Map<String, Long> paidBack = there.stream()
			.filter(p -> p.status().equals("SUCCESS") && !leftToTheBill.contains(p.outRefundNo()))
			.collect(Collectors.groupingBy(ProviderRefund::outTradeNo, Collectors.summingLong(ProviderRefund::amount)));
		Map<String, Long> refundedHere = payrecon.select(PAYMENT_ORDER.OUT_TRADE_NO, PAYMENT_ORDER.REFUNDED_MINOR)
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.REFUNDED_MINOR.gt(0L))
			.fetchMap(PAYMENT_ORDER.OUT_TRADE_NO, PAYMENT_ORDER.REFUNDED_MINOR);
		Set<String> refundedOrders = new HashSet<>(paidBack.keySet());
		refundedOrders.addAll(refundedHere.keySet());
		for (String no : refundedOrders) {
			if (!paidBack.getOrDefault(no, 0L).equals(refundedHere.getOrDefault(no, 0L))) {
				wrong.add("order %s refunded %d fen here, %d at the provider".formatted(no, refundedHere.getOrDefault(no, 0L),
						paidBack.getOrDefault(no, 0L)));
			}
		}
		long external = here.stream().filter(r -> r.source().equals("EXTERNAL")).count();
		return new Check("every refund the provider considers successful is SUCCESS in PayRecon exactly once, and each "
				+ "order's refunded amount is what the provider paid back, to the fen", wrong.isEmpty() && succeeded > 0,
				("%d refunds paid back at the provider (%d orders), %d of them made outside PayRecon and recorded as EXTERNAL; "
						+ "%d made in the provider's platform that no genuine notification reached (dropped, forged, or given up while PayRecon was down), left to the bill; %d wrong%s")
					.formatted(succeeded, paidBack.size(), external, leftToTheBill.size(), wrong.size(), sample(wrong)));
	}

	/** The provider received each refund's request once: an unknown answer was settled by a query, never sent again. */
	private Check noRefundAskedTwice(List<ProviderRefund> there, List<Refund> here) {
		List<String> wrong = there.stream().filter(p -> p.requestCount() != 1)
			.map(p -> p.outRefundNo() + " asked " + p.requestCount() + " times")
			.toList();
		long asked = here.stream().filter(r -> !r.source().equals("EXTERNAL")).count();
		return new Check("no refund was requested twice at the provider for one out_refund_no", wrong.isEmpty() && asked > 0,
				"%d refunds asked through PayRecon, %d refunds at the provider, every one asked for once%s".formatted(asked,
						there.size(), sample(wrong)));
	}

	private static String reason(List<Delivery> deliveries) {
		if (deliveries.stream().allMatch(d -> d.status().equals("DROPPED"))) {
			return "dropped";
		}
		if (deliveries.stream().allMatch(d -> FORGED.contains(d.fault()))) {
			return "forged";
		}
		return "lost while PayRecon or its database was down";
	}

	// ---- matching requests to rows --------------------------------------------------------------------------------

	/**
	 * Each attempt's raw row, one to one: same body SHA-256 (retries and duplicates of a notification may share a
	 * body), received while the attempt was under way. Attempts that got a success answer are matched first (PayRecon
	 * stored theirs for certain), then the other answered ones, then the unanswered; within each group by earliest end,
	 * each taking the earliest free row in its window (the greedy order that finds a maximum matching of intervals to
	 * points).
	 */
	record Matching(Map<Attempt, Raw> rowOf) {
	}

	static Matching match(List<Attempt> attempts, Map<Long, Raw> raws) {
		Map<String, List<Raw>> bySha = new HashMap<>();
		raws.values().stream().sorted(Comparator.comparing(Raw::receivedAt))
			.forEach(r -> bySha.computeIfAbsent(r.sha256(), k -> new ArrayList<>()).add(r));
		Map<Attempt, Raw> rowOf = new HashMap<>();
		Comparator<Attempt> order = Comparator.<Attempt>comparingInt(a -> a.success() ? 0 : a.status() != null ? 1 : 2)
			.thenComparing(Attempt::end);
		attempts.stream().filter(a -> a.sha256() != null).sorted(order).forEach(a -> {
			List<Raw> candidates = bySha.getOrDefault(a.sha256(), List.of());
			for (Raw r : candidates) {
				if (!r.receivedAt().isBefore(a.at().minus(SLACK)) && !r.receivedAt().isAfter(a.end().plus(SLACK))) {
					rowOf.put(a, r);
					candidates.remove(r);
					return;
				}
			}
		});
		return new Matching(rowOf);
	}

	private static String sample(List<String> wrong) {
		return wrong.isEmpty() ? "" : "; e.g. " + String.join("; ", wrong.subList(0, Math.min(5, wrong.size())));
	}
}
