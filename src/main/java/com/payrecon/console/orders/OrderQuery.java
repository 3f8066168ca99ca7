package com.payrecon.console.orders;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.PROVIDER_QUERY;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.REFUND;
import static com.payrecon.db.Tables.REFUND_EVENT;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.payrecon.console.ConsoleFormat;
import com.payrecon.console.Keyset;
import com.payrecon.db.tables.records.PaymentOrderRecord;
import com.payrecon.db.tables.records.ProviderQueryRecord;
import com.payrecon.order.OrderStatus;
import com.payrecon.refund.RefundEvent;
import com.payrecon.support.i18n.Refusal;
import com.payrecon.support.i18n.Text;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Orders for the console (read only: a {@code *Query} may read order rows, only the order package writes them).
 * Newest first, keyset-paginated on (created_at, id); the detail merges the order's events, the notifications that
 * named it and the questions asked at the provider into one timeline, oldest first.
 */
@Component
@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN')")
public class OrderQuery {


	private final DSLContext dsl;
	private final ConsoleFormat fmt;

	OrderQuery(DSLContext dsl, ConsoleFormat fmt) {
		this.dsl = dsl;
		this.fmt = fmt;
	}

	/** @param refunded the sum of the order's SUCCESS refunds */
	public record Row(long id, String accountId, String outTradeNo, Fen amount, String currency, String status,
			String providerTxnId, Instant createdAt, Instant paidAt, boolean needsReview, String reviewReason,
			String description, Fen refunded) {
	}

	/**
	 * One line of an order's history, whatever its source: a title in the reader's language, the sentence recorded
	 * with it (a reason, an outcome: shown as recorded) and the provider's facts when a query answered some.
	 */
	public record TimelineEntry(Instant at, String kind, Text title, String source, String actor, String detail,
			List<Text> facts, Long notificationId) {
	}

	public record Detail(Row order, List<TimelineEntry> timeline) {

		/** Whether any notification (callback or browser return) named the order. */
		public boolean hasNotification() {
			return timeline.stream().anyMatch(e -> "notification".equals(e.kind()));
		}
	}

	/** The amount field could not be read as yuan. */
	public static class BadAmount extends Refusal {
		BadAmount() {
			super("orders.amount.invalid");
		}
	}

	/** How many orders a search finds in all, and their sum. */
	public record Totals(long count, Fen sum) {
	}

	@Transactional(readOnly = true)
	public Keyset.Page<Row> search(OrderFilter filter) {
		List<Condition> where = conditions(filter);
		var query = dsl.selectFrom(PAYMENT_ORDER)
			.where(where)
			.orderBy(PAYMENT_ORDER.CREATED_AT.desc(), PAYMENT_ORDER.ID.desc());
		Optional<Keyset.Position> before = Keyset.parse(filter.before());
		int size = filter.pageSize();
		List<Row> rows = (before.isPresent() ? query.seek(before.get().at(), before.get().id()).limit(size + 1)
				: query.limit(size + 1))
			.fetch(OrderQuery::toRow);
		if (rows.size() <= size) {
			return new Keyset.Page<>(rows, null);
		}
		List<Row> page = List.copyOf(rows.subList(0, size));
		Row last = page.get(size - 1);
		return new Keyset.Page<>(page, new Keyset.Position(last.createdAt(), last.id()).token());
	}

	/** Count and sum of everything the search finds (not only the page); for time-bounded searches. */
	@Transactional(readOnly = true)
	public Totals totals(OrderFilter filter) {
		var r = dsl.select(DSL.count(), DSL.coalesce(DSL.sum(PAYMENT_ORDER.AMOUNT_MINOR), DSL.inline(java.math.BigDecimal.ZERO)))
			.from(PAYMENT_ORDER)
			.where(conditions(filter))
			.fetchSingle();
		return new Totals(r.value1(), Fen.of(r.value2().longValueExact()));
	}

	private List<Condition> conditions(OrderFilter filter) {
		List<Condition> where = new ArrayList<>();
		String account = OrderFilter.blankToNull(filter.account());
		ZoneId zone = fmt.zone(account);
		if (account != null) {
			where.add(PAYMENT_ORDER.ACCOUNT_ID.eq(account));
		}
		String outTradeNo = OrderFilter.blankToNull(filter.outTradeNo());
		if (outTradeNo != null) {
			where.add(exactOrPrefix(PAYMENT_ORDER.OUT_TRADE_NO, outTradeNo));
		}
		String txn = OrderFilter.blankToNull(filter.transactionId());
		if (txn != null) {
			where.add(exactOrPrefix(PAYMENT_ORDER.PROVIDER_TXN_ID, txn));
		}
		String amount = OrderFilter.blankToNull(filter.amount());
		if (amount != null) {
			where.add(PAYMENT_ORDER.AMOUNT_MINOR.eq(yuan(amount).value()));
		}
		String status = OrderFilter.blankToNull(filter.status());
		if (status != null) {
			where.add(PAYMENT_ORDER.STATUS.in(java.util.Arrays.stream(status.split(",")).map(String::strip).toList()));
		}
		if (filter.from() != null) {
			where.add(PAYMENT_ORDER.CREATED_AT.ge(filter.from().atZone(zone).toInstant()));
		}
		if (filter.to() != null) {
			where.add(PAYMENT_ORDER.CREATED_AT.lt(filter.to().atZone(zone).toInstant()));
		}
		if (filter.paidFrom() != null) {
			where.add(PAYMENT_ORDER.PAID_AT.ge(filter.paidFrom().atZone(zone).toInstant()));
		}
		if (filter.paidTo() != null) {
			where.add(PAYMENT_ORDER.PAID_AT.lt(filter.paidTo().atZone(zone).toInstant()));
		}
		if (Boolean.TRUE.equals(filter.review())) {
			where.add(PAYMENT_ORDER.NEEDS_REVIEW.isTrue());
		}
		return where;
	}

	@Transactional(readOnly = true)
	public Optional<Detail> find(long id) {
		return dsl.selectFrom(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ID.eq(id))
			.fetchOptional(OrderQuery::toRow)
			.map(order -> new Detail(order, timeline(order)));
	}

	private List<TimelineEntry> timeline(Row order) {
		List<TimelineEntry> entries = new ArrayList<>();
		dsl.selectFrom(ORDER_EVENT)
			.where(ORDER_EVENT.ORDER_ID.eq(order.id()))
			.orderBy(ORDER_EVENT.ID)
			.forEach(e -> entries.add(new TimelineEntry(e.getCreatedAt(), "event",
					eventTitle(e.getEventType(), e.getFromStatus(), e.getToStatus()), e.getSource(), e.getActor(),
					join(e.getReason(), e.getDetails()), List.of(), e.getRawNotificationId())));
		dsl.select(RAW_NOTIFICATION.ID, RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.CHANNEL, RAW_NOTIFICATION.KIND,
				RAW_NOTIFICATION.VERDICT, RAW_NOTIFICATION.VERDICT_REASON, RAW_NOTIFICATION.REMOTE_ADDR)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ORDER_ID.eq(order.id())
				.or(RAW_NOTIFICATION.ACCOUNT_ID.eq(order.accountId()).and(RAW_NOTIFICATION.OUT_TRADE_NO.eq(order.outTradeNo()))))
			.orderBy(RAW_NOTIFICATION.ID)
			.limit(500)
			.forEach(n -> entries.add(new TimelineEntry(n.get(RAW_NOTIFICATION.RECEIVED_AT), "notification",
					Text.of("timeline.notification", n.get(RAW_NOTIFICATION.CHANNEL),
							Text.of("notification.kind." + n.get(RAW_NOTIFICATION.KIND)),
							Text.of("verdict." + (n.get(RAW_NOTIFICATION.VERDICT) == null ? "NONE" : n.get(RAW_NOTIFICATION.VERDICT)))),
					"NOTIFY", n.get(RAW_NOTIFICATION.REMOTE_ADDR), n.get(RAW_NOTIFICATION.VERDICT_REASON), List.of(),
					n.get(RAW_NOTIFICATION.ID))));
		dsl.selectFrom(PROVIDER_QUERY)
			.where(PROVIDER_QUERY.ORDER_ID.eq(order.id()))
			.orderBy(PROVIDER_QUERY.ID)
			.limit(500)
			.forEach(q -> entries.add(new TimelineEntry(q.getAskedAt(), "query",
					Text.of(q.getErrorCode() == null ? "timeline.query" : "timeline.query.error",
							Text.of("query.operation." + q.getOperation()), q.getId(), Text.of("answer." + q.getAnswerStatus()),
							q.getErrorCode() == null ? "" : q.getErrorCode()),
					q.getSource(), q.getActor(), q.getOutcome(), answered(q), null)));
		// its refunds' histories (a refund's own events: asked, approved, sent, answered, notified)
		dsl.select(REFUND_EVENT.CREATED_AT, REFUND_EVENT.EVENT_TYPE, REFUND_EVENT.FROM_STATUS, REFUND_EVENT.TO_STATUS,
				REFUND_EVENT.SOURCE, REFUND_EVENT.ACTOR, REFUND_EVENT.REASON, REFUND_EVENT.DETAILS,
				REFUND_EVENT.RAW_NOTIFICATION_ID, REFUND.OUT_REFUND_NO, REFUND.AMOUNT_MINOR, REFUND.CURRENCY)
			.from(REFUND_EVENT)
			.join(REFUND)
			.on(REFUND.ID.eq(REFUND_EVENT.REFUND_ID))
			.where(REFUND.ORDER_ID.eq(order.id()))
			.orderBy(REFUND_EVENT.ID)
			.limit(500)
			.forEach(e -> entries.add(new TimelineEntry(e.get(REFUND_EVENT.CREATED_AT), "refund",
					Text.of("timeline.refund", e.get(REFUND.OUT_REFUND_NO), fmt.yuan(e.get(REFUND.AMOUNT_MINOR)),
							e.get(REFUND.CURRENCY), refundEventTitle(e.get(REFUND_EVENT.EVENT_TYPE),
									e.get(REFUND_EVENT.FROM_STATUS), e.get(REFUND_EVENT.TO_STATUS))),
					e.get(REFUND_EVENT.SOURCE), e.get(REFUND_EVENT.ACTOR),
					join(e.get(REFUND_EVENT.REASON), e.get(REFUND_EVENT.DETAILS)), List.of(),
					e.get(REFUND_EVENT.RAW_NOTIFICATION_ID))));
		// operator actions (re-query, close, refunds) recorded against the order
		dsl.selectFrom(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.TARGET.eq("order:" + order.id()))
			.orderBy(AUDIT_ENTRY.ID)
			.limit(500)
			.forEach(a -> entries.add(new TimelineEntry(a.getOccurredAt(), "operator",
					Text.of("timeline.operator", Text.of("audit.action." + a.getAction()),
							Text.of("audit.outcome." + a.getOutcome())),
					"OPERATOR", a.getActor(), a.getDetails(), List.of(), null)));
		// stable: same instant keeps event, notification, query, operator order
		entries.sort(Comparator.comparing(TimelineEntry::at));
		return entries;
	}

	/** "created", "PENDING → PAID", "late payment (CLOSED)"; an event type this page does not know is named as stored. */
	static Text eventTitle(String type, String from, String to) {
		return switch (type) {
			case "CREATED" -> Text.of("timeline.event.CREATED", status(to));
			case "STATUS_CHANGED" -> from == null ? Text.of("timeline.event.STATUS_SET", status(to))
					: Text.of("timeline.event.STATUS_CHANGED", status(from), status(to));
			case "LATE_PAYMENT", "CONFLICTING_PAYMENT" -> Text.of("timeline.event." + type, status(from), status(to));
			case "REFUNDED_AMOUNT", "PAID_TIME_SET", "REVIEW_CLEARED" -> Text.of("timeline.event." + type, status(to));
			default -> Text.of("timeline.event.other", type, to == null ? "" : status(to));
		};
	}

	/** "asked (REQUESTED)", "status REQUESTED → PROCESSING"; a refund event of another type is named as stored. */
	static Text refundEventTitle(String type, String from, String to) {
		Object event = REFUND_EVENTS.contains(type) ? Text.of("refund.event." + type) : type;
		if (to == null) {
			return Text.of("timeline.refund.event", event);
		}
		return from == null || from.equals(to) ? Text.of("timeline.refund.to", event, refundStatus(to))
				: Text.of("timeline.refund.move", event, refundStatus(from), refundStatus(to));
	}

	private static final java.util.Set<String> REFUND_EVENTS = java.util.Set.of(RefundEvent.CREATED,
			RefundEvent.APPROVED, RefundEvent.STATUS_CHANGED, RefundEvent.SUBMITTED, RefundEvent.RESUBMITTED,
			RefundEvent.ANSWER_UNKNOWN, RefundEvent.MISMATCH, RefundEvent.PROVIDER_ID);

	private static Text refundStatus(String status) {
		return Text.of("refund.status." + status);
	}

	private static Object status(String status) {
		return status == null ? "" : Text.of("order.status." + status);
	}

	/** Shorter beginnings than this match exactly only: a one-letter prefix would read half the table. */
	static final int MIN_PREFIX = 4;

	/**
	 * The number itself or any number starting with it ({@code LIKE 'x%'}, a range on the column's index), so that
	 * "20261122" finds every order of that day's numbering and a transaction id can be pasted shortened.
	 */
	static Condition exactOrPrefix(org.jooq.Field<String> field, String text) {
		if (text.length() < MIN_PREFIX) {
			return field.eq(text);
		}
		String escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
		return field.like(escaped + "%", '!');
	}

	static Fen yuan(String text) {
		if (!text.matches("(0|[1-9][0-9]{0,12})(\\.[0-9]{1,2})?")) {
			throw new BadAmount();
		}
		return Fen.of(new java.math.BigDecimal(text).movePointRight(2).longValueExact());
	}

	static List<String> statuses() {
		return java.util.Arrays.stream(OrderStatus.values()).map(Enum::name).toList();
	}

	/** The answer's own facts, when it had any (transaction, amount, paid time as the provider reported them). */
	private List<Text> answered(ProviderQueryRecord q) {
		List<Text> facts = new ArrayList<>();
		if (q.getAnswerTxnId() != null) {
			facts.add(Text.of("timeline.fact.transaction", q.getAnswerTxnId()));
		}
		if (q.getAnswerAmountMinor() != null) {
			facts.add(Text.of("timeline.fact.amount", fmt.yuan(q.getAnswerAmountMinor()),
					q.getAnswerCurrency() == null ? "" : q.getAnswerCurrency()));
		}
		if (q.getAnswerPaidAt() != null) {
			facts.add(Text.of("timeline.fact.paidAt", fmt.zoned(q.getAnswerPaidAt(), q.getAccountId())));
		}
		return facts;
	}

	private static String join(String reason, String details) {
		return details == null || details.isBlank() ? reason : reason + " — " + details;
	}

	private static Row toRow(PaymentOrderRecord r) {
		return new Row(r.getId(), r.getAccountId(), r.getOutTradeNo(), Fen.of(r.getAmountMinor()), r.getCurrency(),
				r.getStatus(), r.getProviderTxnId(), r.getCreatedAt(), r.getPaidAt(), r.getNeedsReview(),
				r.getReviewReason(), r.getDescription(), Fen.of(r.getRefundedMinor()));
	}
}
