package com.payrecon.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.PaymentOutcome;
import com.payrecon.order.ProviderPayment;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.support.LogText;
import com.payrecon.support.db.TransactionRetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Asks the provider about one order and acts on a definite answer, through the same door as a notification
 * ({@link OrderService}): PAID is applied with the same amount and merchant checks; an expired unpaid order is closed
 * <em>at the provider first</em> (a close that answers "already paid" is queried again and applied); CLOSED /
 * REVERSED are mirrored; REFUNDED is a payment (applied as PAID) whose refunds are followed by the refund records;
 * NOT_FOUND after expiry fails the order; USER_PAYING and ERROR change nothing.
 * Every question and answer is logged ({@link ProviderQueryLog}); the order's next check follows a backoff.
 * Used by the stale-pending sweep, the manual re-query, the reconciliation's repair and the follow-up of a failed
 * verification or a verified browser return ({@link FollowUpQueries}).
 */
@Service
public class OrderRequery {

	private static final Logger log = LoggerFactory.getLogger(OrderRequery.class);

	/** How long after expiry a not-found order is still asked about before it is failed. */
	static final Duration GRACE = Duration.ofMinutes(15);

	private final AccountRegistry accounts;
	private final OrderRepository orders;
	private final OrderService orderService;
	private final ProviderRegistry providers;
	private final ProviderQueryLog queryLog;
	private final TransactionRetry retry;
	private final Clock clock;
	private final MeterRegistry meters;

	/** Metric: payments applied because a query found them paid, by account and trigger (see {@link #trigger}). */
	public static final String REPAIR_METRIC = "payrecon.repairs";

	/** Waits between checks of one order: 1, 2, 5, 10, 30 minutes, then hourly (configurable for compressed runs). */
	private final RepairProperties backoff;

	OrderRequery(AccountRegistry accounts, OrderRepository orders, OrderService orderService, ProviderRegistry providers,
			ProviderQueryLog queryLog, TransactionRetry retry, Clock clock, MeterRegistry meters, RepairProperties backoff) {
		this.meters = meters;
		this.backoff = backoff;
		this.accounts = accounts;
		this.orders = orders;
		this.orderService = orderService;
		this.providers = providers;
		this.queryLog = queryLog;
		this.retry = retry;
		this.clock = clock;
	}

	/**
	 * @param outcome what was done, in words, for the audit trail and the operator
	 * @param after the order after the call
	 * @param queryId the {@code provider_query} row of the question whose answer was acted on (null: nothing asked)
	 */
	public record Result(PaymentOrder before, ProviderAnswer answer, PaymentOrder after, String outcome, Long queryId) {
	}

	/** Asks without changing anything (the console shows the answer next to the local state first). */
	public Optional<Result> preview(String accountId, String outTradeNo, Cause cause) {
		Optional<PaymentOrder> order = orders.find(accountId, outTradeNo);
		Optional<Account> account = accounts.find(accountId);
		if (order.isEmpty() || account.isEmpty()) {
			return Optional.empty();
		}
		Instant askedAt = clock.instant();
		ProviderAnswer answer = provider(account.get()).map(p -> p.query(account.get(), outTradeNo))
			.orElseGet(() -> noClient(outTradeNo));
		String outcome = "preview: provider says " + answer.status() + ", nothing applied";
		long queryId = queryLog.record(order.get(), "QUERY", cause, askedAt, answer, outcome);
		return Optional.of(new Result(order.get(), answer, order.get(), outcome, queryId));
	}

	/**
	 * Asks the provider and acts on a definite answer. Empty when the order or account does not exist. The question
	 * is logged before it is acted on; an operator's event names it ("query #id"), so the event points at the signed
	 * answer it applied.
	 */
	public Optional<Result> requery(String accountId, String outTradeNo, Cause cause) {
		Optional<PaymentOrder> found = orders.find(accountId, outTradeNo);
		Optional<Account> account = accounts.find(accountId);
		if (found.isEmpty() || account.isEmpty()) {
			return Optional.empty();
		}
		PaymentOrder before = found.get();
		Optional<PaymentProvider> provider = provider(account.get());
		if (provider.isEmpty()) { // nothing was asked: nothing to log, no backoff to advance
			return Optional.of(new Result(before, noClient(outTradeNo), before, "no provider client for " + account.get().channel(), null));
		}
		Instant askedAt = clock.instant();
		ProviderAnswer answer = provider.get().query(account.get(), outTradeNo);
		long queryId = queryLog.record(before, "QUERY", cause, askedAt, answer, "answer received; acting on it");
		String outcome = act(account.get(), provider.get(), before, answer, naming(cause, queryId));
		queryLog.outcome(queryId, outcome);
		PaymentOrder after = orders.findById(before.id()).orElseThrow();
		if (after.status() == OrderStatus.PENDING) {
			retry.inTransaction(() -> {
				orders.scheduleNextCheck(after.id(), nextCheck(after, clock.instant()));
				return null;
			});
		}
		log.info("Re-query {}/{} by {} ({}): provider {} → {}", accountId, LogText.printable(outTradeNo),
				cause.source(),
				cause.actor(), answer.status(), LogText.printable(outcome));
		return Optional.of(new Result(before, answer, orders.findById(before.id()).orElseThrow(), outcome, queryId));
	}

	/**
	 * An operator's Close: only an unpaid (PENDING) order, and only with the provider's word: close there first, then
	 * mirror; a close that finds the order paid is queried and the payment applied instead.
	 */
	public Optional<Result> close(String accountId, String outTradeNo, Cause cause) {
		Optional<PaymentOrder> found = orders.find(accountId, outTradeNo);
		Optional<Account> account = accounts.find(accountId);
		if (found.isEmpty() || account.isEmpty()) {
			return Optional.empty();
		}
		PaymentOrder before = found.get();
		Optional<PaymentProvider> provider = provider(account.get());
		if (provider.isEmpty() || before.status() != OrderStatus.PENDING) {
			String why = provider.isEmpty() ? "no provider client for " + account.get().channel()
					: "the order is " + before.status() + "; only unpaid orders are closed";
			return Optional.of(new Result(before, ProviderAnswer.error(outTradeNo, "NOT_ASKED", why, null), before, why, null));
		}
		Closing closing = closeAtProvider(account.get(), provider.get(), before, cause, "closed at the provider on request");
		log.info("Close {}/{} by {} ({}): {}", accountId, LogText.printable(outTradeNo), cause.source(), cause.actor(),
				LogText.printable(closing.outcome()));
		PaymentOrder after = orders.findById(before.id()).orElseThrow();
		return Optional.of(new Result(before, closing.answer(), after, closing.outcome(), closing.queryId()));
	}

	/** An operator's event names the question whose signed answer it acts on. */
	private static Cause naming(Cause cause, long queryId) {
		return cause.source() != EventSource.OPERATOR ? cause
				: new Cause(cause.source(), cause.actor(), cause.rawNotificationId(), cause.reason() + "; applied query #" + queryId);
	}

	private String act(Account account, PaymentProvider provider, PaymentOrder order, ProviderAnswer answer,
			Cause cause) {
		Instant now = clock.instant();
		boolean expired = order.expiresAt() != null && now.isAfter(order.expiresAt());
		return switch (answer.status()) {
			case PAID -> applyPaid(order, answer, cause);
			case NOT_PAID -> expired && order.status() == OrderStatus.PENDING
					? closeAtProvider(account, provider, order, cause, "expired unpaid; closed at the provider").outcome()
					: "not paid yet; kept";
			case NOT_FOUND -> order.status() == OrderStatus.PENDING && order.expiresAt() != null
					&& now.isAfter(order.expiresAt().plus(GRACE))
							? mirror(order, OrderStatus.FAILED, cause, "unknown to the provider after expiry")
							: "unknown to the provider; kept until expiry";
			case CLOSED -> mirror(order, OrderStatus.CLOSED, cause, "closed at the provider");
			case REVERSED -> mirror(order, OrderStatus.REVERSED, cause, "reversed at the provider");
			// paid, then refunded (in part or whole): the payment is applied like PAID; the refunds themselves are
			// records of their own, learnt from notifications, refund queries and the bill (never a status set here)
			case REFUNDED -> applyPaid(order, answer, cause) + "; refunded at the provider: the refund records say how much";
			case USER_PAYING -> "payer is still paying; kept";
			case ERROR -> "no definite answer (" + answer.errorCode() + "); nothing changed";
		};
	}

	private String applyPaid(PaymentOrder order, ProviderAnswer answer, Cause cause) {
		if (answer.amount() == null || answer.providerTxnId() == null) {
			return "PAID without amount or transaction id; nothing changed";
		}
		// no paid time in the answer: unknown (null), never "now", which could move the payment into another business
		// day; the day's reconciliation takes it from the provider's bill line
		ProviderPayment payment = new ProviderPayment(order.outTradeNo(), answer.providerTxnId(), answer.amount(),
				answer.currency() == null ? "CNY" : answer.currency(), answer.paidAt());
		PaymentOutcome outcome = retry.inTransaction(() -> orderService.applyPayment(order.accountId(), payment, cause));
		if (outcome.kind() == PaymentOutcome.Kind.APPLIED) {
			Counter.builder(REPAIR_METRIC)
				.description("PAID applied from a provider query: the notification never came or was not accepted")
				.tag("account", order.accountId())
				.tag("trigger", trigger(cause.actor()))
				.register(meters)
				.increment();
		}
		return "paid at the provider: " + outcome.kind() + " (" + outcome.detail() + ")";
	}

	/** What a close at the provider answered, what was done, and its {@code provider_query} row. */
	private record Closing(ProviderAnswer answer, String outcome, long queryId) {
	}

	/** Never closes locally without the provider's word: close there, then mirror; "already paid" is applied. */
	private Closing closeAtProvider(Account account, PaymentProvider provider, PaymentOrder order, Cause cause,
			String why) {
		Instant askedAt = clock.instant();
		ProviderAnswer closed = provider.close(account, order.outTradeNo());
		String outcome = switch (closed.status()) {
			case CLOSED -> mirror(order, OrderStatus.CLOSED, cause, why);
			case PAID -> {
				ProviderAnswer again = provider.query(account, order.outTradeNo());
				queryLog.record(order, "QUERY", cause, clock.instant(), again, "query after close answered paid");
				yield again.status() == Status.PAID ? applyPaid(order, again, cause)
						: "close said paid, query said " + again.status() + "; nothing changed";
			}
			default -> "close answered " + closed.status() + " (" + closed.errorCode() + "); nothing changed";
		};
		long queryId = queryLog.record(order, "CLOSE", cause, askedAt, closed, outcome);
		return new Closing(closed, outcome, queryId);
	}

	private String mirror(PaymentOrder order, OrderStatus to, Cause cause, String why) {
		if (order.status() == to) {
			return why + "; already " + to;
		}
		if (!order.status().canMoveTo(to)) {
			return why + ", but " + order.status() + " → " + to + " is not allowed; left for review";
		}
		// an operator's own reason stays first; jobs and queries record what the provider said
		String reason = cause.source() == EventSource.OPERATOR ? cause.reason() + " — " + why : why;
		Cause withReason = new Cause(cause.source(), cause.actor(), cause.rawNotificationId(), reason);
		return retry.inTransaction(() -> orderService.transition(order.accountId(), order.outTradeNo(), to, withReason))
			.map(o -> why + ": " + order.status() + " → " + to)
			.orElse(why + "; transition refused");
	}

	/** Who asked, coarsely (bounded tag values): {@link Cause#triggerOf}. */
	static String trigger(String actor) {
		return Cause.triggerOf(actor);
	}

	/**
	 * The next check of a still-pending order: the backoff by its check count, but never later than the next moment
	 * its fate can be decided: just after its expiry (an unpaid order is then closed at the provider) and just after
	 * expiry + {@link #GRACE} (an order the provider does not know is then failed). So support never sees an order
	 * left PENDING for up to an hour past its expiry.
	 */
	Instant nextCheck(PaymentOrder order, Instant now) {
		int done = order.checkCount();
		List<Duration> waits = backoff.backoff();
		Duration wait = done < waits.size() ? waits.get(done) : backoff.afterBackoff();
		Instant next = now.plus(wait);
		if (order.expiresAt() != null) {
			for (Instant decided : List.of(order.expiresAt().plusSeconds(1), order.expiresAt().plus(GRACE).plusSeconds(1))) {
				if (decided.isAfter(now) && next.isAfter(decided)) {
					return decided;
				}
			}
		}
		return next;
	}

	private Optional<PaymentProvider> provider(Account account) {
		return Optional.ofNullable(providers.forAccount(account));
	}

	private static ProviderAnswer noClient(String outTradeNo) {
		return ProviderAnswer.error(outTradeNo, "NO_CLIENT", "no provider client for this channel", null);
	}
}
