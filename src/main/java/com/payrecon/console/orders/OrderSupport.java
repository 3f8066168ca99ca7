package com.payrecon.console.orders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.checkout.MicropayAttempts;
import com.payrecon.console.ConsoleFormat;
import com.payrecon.console.notifications.RawBodyFormatter;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.repair.OrderRequery;
import com.payrecon.repair.ProviderQueryLog;
import com.payrecon.support.i18n.Refusal;
import com.payrecon.support.i18n.Text;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Support work on one order (issue 5): <b>Re-query now</b> in two steps (ask the provider and show its answer next to
 * the local state; then, with a reason, ask again and act on that answer through {@link OrderRequery}, so the same
 * state machine and checks apply as for the sweep), <b>Close</b> an unpaid order (closed at the provider first) and
 * <b>Clear the review flag</b> of a late or conflicting payment once a person has dealt with it (with a reason).
 * The form never carries a value that is applied: only the order, the preview's query id and the reason.
 * Not one transaction with the audit entry: the re-query commits in its own retried transactions, so the entry is
 * written right after, with the outcome produced.
 */
@Service
public class OrderSupport {

	/** Longest reason accepted (the order event keeps 512 characters with the query ids). */
	static final int MAX_REASON = 400;

	private final OrderRepository orders;
	private final OrderRequery requery;
	private final ProviderQueryLog queries;
	private final MicropayAttempts micropay;
	private final AuditLog audit;
	private final ConsoleFormat fmt;
	private final OrderService orderService;
	private final TransactionRetry retry;

	OrderSupport(OrderRepository orders, OrderRequery requery, ProviderQueryLog queries, MicropayAttempts micropay,
			AuditLog audit, ConsoleFormat fmt, OrderService orderService, TransactionRetry retry) {
		this.orderService = orderService;
		this.retry = retry;
		this.orders = orders;
		this.requery = requery;
		this.queries = queries;
		this.micropay = micropay;
		this.audit = audit;
		this.fmt = fmt;
	}

	/** One line of the preview: a field as stored here and as the provider answered it. */
	public record DiffRow(String field, String local, String provider, boolean differs) {
	}

	/** A stored preview: the order as it is now, the provider's answer as it was, the raw answer pretty-printed. */
	public record Preview(PaymentOrder order, ProviderQueryLog.Entry answer, List<DiffRow> diff, String rawAnswer) {
		public boolean definite() {
			return !ProviderAnswer.Status.ERROR.name().equals(answer.answerStatus());
		}

		public boolean differs() {
			return diff.stream().anyMatch(DiffRow::differs);
		}
	}

	/**
	 * @param changedSincePreview how the apply-time answer differs from the previewed one; empty when it does not
	 */
	public record Applied(PaymentOrder after, String outcome, boolean definite, long queryId,
			List<String> changedSincePreview) {
	}

	public record Closed(PaymentOrder after, String outcome, boolean settled) {
	}

	/** A change needs the operator's reason. */
	public static class ReasonRequired extends Refusal {
		ReasonRequired(String code, Object... args) {
			super(code, args);
		}
	}

	/** The action does not apply to this order as it is. */
	public static class NotAllowed extends Refusal {
		NotAllowed(String code, Object... args) {
			super(code, args);
		}
	}

	/** Step 1: asks the provider; nothing changes but the question log. Empty when there is no such order. */
	@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN') and #operator == authentication.name")
	public Optional<Long> askForPreview(long orderId, String operator) {
		return orders.findById(orderId).map(order -> {
			Cause cause = new Cause(EventSource.OPERATOR, operator, null, "re-query now: preview");
			OrderRequery.Result result = requery.preview(order.accountId(), order.outTradeNo(), cause)
				.orElseThrow(() -> unconfigured(order));
			audit.record(operator, AuditAction.REQUERY_PREVIEW, target(order),
					result.answer().isDefinite() ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
					"query #" + result.queryId() + ": provider says " + describe(result.answer()) + "; nothing applied");
			return result.queryId();
		});
	}

	/** A stored preview of this order (empty when the query is not a question about it). */
	@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN')")
	public Optional<Preview> preview(long orderId, long queryId) {
		Optional<PaymentOrder> order = orders.findById(orderId);
		Optional<ProviderQueryLog.Entry> answer = previewQuery(orderId, queryId);
		if (order.isEmpty() || answer.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new Preview(order.get(), answer.get(), diff(order.get(), answer.get()), raw(answer.get())));
	}

	/**
	 * Step 2: asks the provider again and acts on that answer (never on the previewed one, never on anything from
	 * the form), with the operator's reason; says when the answer changed since the preview.
	 */
	@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN') and #operator == authentication.name")
	public Optional<Applied> apply(long orderId, long previewQueryId, String reason, String operator) {
		String why = reason(reason);
		Optional<PaymentOrder> order = orders.findById(orderId);
		Optional<ProviderQueryLog.Entry> previewed = previewQuery(orderId, previewQueryId);
		if (order.isEmpty() || previewed.isEmpty()) {
			return Optional.empty();
		}
		Cause cause = new Cause(EventSource.OPERATOR, operator, null,
				why + " (re-query now; previewed as query #" + previewQueryId + ")");
		OrderRequery.Result result = requery.requery(order.get().accountId(), order.get().outTradeNo(), cause)
			.orElseThrow(() -> unconfigured(order.get()));
		List<String> changed = changes(previewed.get(), result.answer());
		boolean definite = result.answer().isDefinite() && result.queryId() != null;
		audit.record(operator, AuditAction.REQUERY, target(order.get()), definite ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
				"reason: " + why + "; query #" + result.queryId() + ": provider says " + describe(result.answer()) + "; "
						+ result.outcome()
						+ (changed.isEmpty() ? "" : "; answer changed since preview #" + previewQueryId + ": " + String.join(", ", changed)));
		return Optional.of(new Applied(result.after(), result.outcome(), definite,
				result.queryId() == null ? 0 : result.queryId(), changed));
	}

	/** Closes an unpaid order, at the provider first; a close that finds it paid applies the payment instead. */
	@PreAuthorize("hasAnyRole('SUPPORT', 'ADMIN') and #operator == authentication.name")
	public Optional<Closed> close(long orderId, String reason, String operator) {
		String why = reason(reason);
		Optional<PaymentOrder> found = orders.findById(orderId);
		if (found.isEmpty()) {
			return Optional.empty();
		}
		PaymentOrder order = found.get();
		if (order.status() != OrderStatus.PENDING) {
			throw new NotAllowed("orders.close.notPending", Text.of("order.status." + order.status()));
		}
		if ("POLLING".equals(micropay.state(order.id()))) {
			throw new NotAllowed("orders.close.micropay");
		}
		OrderRequery.Result result = requery
			.close(order.accountId(), order.outTradeNo(), new Cause(EventSource.OPERATOR, operator, null, why))
			.orElseThrow(() -> unconfigured(order));
		boolean settled = result.after().status() != OrderStatus.PENDING;
		audit.record(operator, AuditAction.CLOSE, target(order), settled ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
				"reason: " + why + "; close answered " + describe(result.answer()) + "; " + result.outcome() + "; now "
						+ result.after().status());
		return Optional.of(new Closed(result.after(), result.outcome(), settled));
	}

	/**
	 * Clears the order's review flag with the operator's reason: the order event (REVIEW_CLEARED, source OPERATOR)
	 * and the audit entry commit together, retried whole on a lock race. A missing reason or an order that is not
	 * flagged is refused and the refusal audited. Empty when there is no such order.
	 */
	@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN') and #operator == authentication.name")
	public Optional<PaymentOrder> clearReview(long orderId, String reason, String operator) {
		Optional<PaymentOrder> found = orders.findById(orderId);
		if (found.isEmpty()) {
			return Optional.empty();
		}
		PaymentOrder order = found.get();
		try {
			String why = reason(reason);
			return Optional.of(retry.inTransaction(() -> {
				PaymentOrder cleared = orderService.clearReview(orderId, new Cause(EventSource.OPERATOR, operator, null, why))
					.orElseThrow(() -> new NotAllowed("orders.review.notFlagged"));
				audit.record(operator, AuditAction.ORDER_REVIEW_CLEARED, target(order), AuditOutcome.SUCCESS,
						"reason: " + why + "; was flagged: " + order.reviewReason());
				return cleared;
			}));
		}
		catch (ReasonRequired | NotAllowed ex) {
			audit.record(operator, AuditAction.ORDER_REVIEW_CLEARED, target(order), AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	private Optional<ProviderQueryLog.Entry> previewQuery(long orderId, long queryId) {
		return queries.find(queryId).filter(q -> q.orderId() == orderId && "QUERY".equals(q.operation()));
	}

	private static String reason(String reason) {
		// one line of plain text: it ends up in events, the audit log and log lines (threat case C7)
		String why = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
		if (why.isEmpty()) {
			throw new ReasonRequired("orders.reason.required");
		}
		if (why.length() > MAX_REASON) {
			throw new ReasonRequired("orders.reason.tooLong", MAX_REASON);
		}
		return why;
	}

	private List<DiffRow> diff(PaymentOrder order, ProviderQueryLog.Entry answer) {
		String account = order.accountId();
		List<DiffRow> rows = new ArrayList<>();
		rows.add(new DiffRow("status", order.status().name(), answer.answerStatus()
				+ (answer.errorCode() == null ? "" : " (" + answer.errorCode() + ")"),
				!sameState(order.status(), answer.answerStatus())));
		rows.add(row("amount", fmt.yuan(order.amount()), answer.amount() == null ? null : fmt.yuan(answer.amount())));
		rows.add(row("currency", order.currency(), answer.currency()));
		rows.add(row("transaction", order.providerTxnId(), answer.txnId()));
		rows.add(row("paidAt", fmt.time(order.paidAt(), account), answer.paidAt() == null ? null : fmt.time(answer.paidAt(), account)));
		return rows;
	}

	/** A field the provider did not report is shown empty and never counts as a difference. */
	private static DiffRow row(String field, String local, String provider) {
		String here = local == null ? "" : local;
		return new DiffRow(field, here, provider == null ? "" : provider, provider != null && !provider.equals(here));
	}

	/** Whether the provider's status says what the local status says (not paid yet = PENDING). */
	static boolean sameState(OrderStatus local, String provider) {
		return switch (provider) {
			case "PAID" -> local == OrderStatus.PAID;
			case "NOT_PAID", "USER_PAYING" -> local == OrderStatus.PENDING;
			case "CLOSED" -> local == OrderStatus.CLOSED;
			case "REVERSED" -> local == OrderStatus.REVERSED;
			case "REFUNDED" -> local == OrderStatus.REFUNDED;
			case "ERROR" -> true; // no answer: nothing to compare
			default -> false;
		};
	}

	private static List<String> changes(ProviderQueryLog.Entry before, ProviderAnswer now) {
		List<String> changed = new ArrayList<>();
		compare(changed, "status", before.answerStatus(), now.status().name());
		compare(changed, "transaction", before.txnId(), now.providerTxnId());
		compare(changed, "amount", yuan(before.amount()), yuan(now.amount()));
		compare(changed, "paid at", before.paidAt() == null ? null : before.paidAt().toString(),
				now.paidAt() == null ? null : now.paidAt().toString());
		return changed;
	}

	private static void compare(List<String> changed, String field, String before, String now) {
		if (!Objects.equals(before, now)) {
			changed.add(field + " " + (before == null ? "–" : before) + " → " + (now == null ? "–" : now));
		}
	}

	private static String yuan(Fen amount) {
		return amount == null ? null : amount.toYuan();
	}

	private static String describe(ProviderAnswer answer) {
		return answer.status() + (answer.errorCode() == null ? "" : " (" + answer.errorCode()
				+ (answer.errorMessage() == null ? "" : ": " + answer.errorMessage()) + ")");
	}

	private static String raw(ProviderQueryLog.Entry answer) {
		String raw = answer.rawResponse();
		if (raw == null || raw.isBlank()) {
			return "";
		}
		String type = raw.stripLeading().startsWith("<") ? "text/xml" : "application/json";
		return RawBodyFormatter.format(null, type, raw.getBytes(StandardCharsets.UTF_8)).text();
	}

	private static NotAllowed unconfigured(PaymentOrder order) {
		return new NotAllowed("orders.account.unconfigured", order.accountId());
	}

	private static String target(PaymentOrder order) {
		return "order:" + order.id();
	}
}
