package com.payrecon.checkout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.PaymentOutcome;
import com.payrecon.order.ProviderPayment;
import com.payrecon.provider.PaymentProvider.MicropayRequest;
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
 * The payment-code cashier (protocols.md A.7, C): charge the code; a definite SUCCESS pays the order, a refusal
 * fails it, and USERPAYING or an unknown result (SYSTEMERROR, BANKERROR, timeout) starts background polling: query
 * every {@code poll-interval} until {@code poll-timeout}, then reverse (→ REVERSED). Every change goes through
 * {@link OrderService} with a QUERY cause naming the API client. Each charge in progress is also a
 * {@code micropay_attempt} row: the in-memory poller marks every poll there, and the {@code micropay-watchdog} job
 * adopts attempts that nobody polls any more (after a restart) and carries them on with {@link #pollOnce}. A reverse
 * that fails {@code max-reverse-attempts} times (no client certificate, the provider refusing) is not retried for
 * ever: the attempt becomes NEEDS_PERSON (console micropay view, gauge {@code payrecon.micropay.needs.person}) and
 * {@value #GIVEN_UP_METRIC} counts it; the order stays PENDING for a person (and the sweep) to settle.
 */
@Service
public class MicropayCashier implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MicropayCashier.class);

	private final ProviderRegistry providers;
	private final OrderService orderService;
	private final CheckoutProperties.Micropay settings;
	private final MicropayAttempts attempts;
	private final TransactionRetry retry;
	private final Clock clock;
	private final MeterRegistry meters;

	/** Metric: micropay charges whose reverse failed too often and were left to a person, by account. */
	public static final String GIVEN_UP_METRIC = "payrecon.micropay.reverse.given.up";
	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
			Thread.ofVirtual().name("micropay-poll-", 0).factory());

	public MicropayCashier(ProviderRegistry providers, OrderService orderService, CheckoutProperties properties,
			MicropayAttempts attempts, TransactionRetry retry, Clock clock, MeterRegistry meters) {
		this.meters = meters;
		this.attempts = attempts;
		this.retry = retry;
		this.clock = clock;
		this.providers = providers;
		this.orderService = orderService;
		this.settings = properties.micropay();
	}

	public enum Outcome {
		/** the provider confirmed the payment; see {@link Result#payment()} for what the order did with it */
		PAID,
		/** the provider refused the code (expired, insufficient funds, …): the order is FAILED */
		FAILED,
		/** the payer is confirming or the result is unknown: polling continues in the background */
		IN_PROGRESS
	}

	/**
	 * @param payment for PAID: what {@link OrderService#applyPayment} did (a mismatch flags, never pays)
	 * @param order the order after the call
	 */
	public record Result(Outcome outcome, ProviderAnswer answer, PaymentOutcome payment, PaymentOrder order) {
	}

	/** Charges {@code authCode} for the (PENDING) order; returns within one provider call. */
	public Result pay(Account account, PaymentOrder order, String authCode, String clientIp, String actor) {
		PaymentProvider provider = providers.forAccount(account);
		ProviderAnswer answer = provider.micropay(account, new MicropayRequest(order.outTradeNo(), order.amount(),
				order.currency(), order.description(), authCode, clientIp));
		switch (answer.status()) {
			case PAID -> {
				PaymentOutcome outcome = apply(account, answer, actor, "micropay answered SUCCESS");
				return new Result(Outcome.PAID, answer, outcome, outcome.order() != null ? outcome.order() : order);
			}
			case NOT_PAID -> {
				PaymentOrder failed = retry.inTransaction(() -> orderService.transition(account.id(),
						order.outTradeNo(), OrderStatus.FAILED, Cause.query(actor, "micropay refused: " + answer.errorCode())))
					.orElse(order);
				return new Result(Outcome.FAILED, answer, null, failed);
			}
			default -> {
				// USER_PAYING, or unknown (ERROR): the official flow is to query, then reverse
				Duration first = answer.status() == Status.USER_PAYING ? settings.pollInterval() : settings.firstQueryDelay();
				Instant now = clock.instant();
				attempts.start(order, actor, now, now.plus(first).plus(settings.pollTimeout()));
				startPolling(account, order.outTradeNo(), actor, first);
				return new Result(Outcome.IN_PROGRESS, answer, null, order);
			}
		}
	}

	/** Polls a PENDING micropay order until paid or {@code poll-timeout} has passed, then reverses it. */
	public void startPolling(Account account, String outTradeNo, String actor, Duration firstDelay) {
		Instant deadline = clock.instant().plus(firstDelay).plus(settings.pollTimeout());
		schedule(new Poll(account, outTradeNo, actor, deadline), firstDelay);
	}

	private record Poll(Account account, String outTradeNo, String actor, Instant deadline) {
	}

	private void schedule(Poll poll, Duration delay) {
		scheduler.schedule(() -> tick(poll), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void tick(Poll poll) {
		try {
			if (!pollOnce(poll.account(), poll.outTradeNo(), poll.actor(), poll.deadline())) {
				schedule(poll, settings.pollInterval());
			}
		}
		catch (RuntimeException ex) {
			log.error("Micropay polling of {}/{} failed; the watchdog will carry it on", poll.account().id(),
					poll.outTradeNo(), ex);
		}
	}

	/**
	 * One poll of a charge in progress: query; paid → apply; ended at the provider → mirror; failed or past the
	 * deadline → reverse. Returns true when the charge is settled (nothing left to poll).
	 */
	public boolean pollOnce(Account account, String outTradeNo, String actor, Instant deadline) {
		attempts.polled(account.id(), outTradeNo, clock.instant());
		ProviderAnswer answer = providers.forAccount(account).query(account, outTradeNo);
		Poll poll = new Poll(account, outTradeNo, actor, deadline);
		String outcome = switch (answer.status()) {
			case PAID -> "paid: " + apply(account, answer, actor, "query after micropay: SUCCESS").kind();
			case REVERSED -> move(poll, OrderStatus.REVERSED, "query after micropay: REVOKED");
			case CLOSED -> move(poll, OrderStatus.CLOSED, "query after micropay: CLOSED");
			// Alipay reports a payer still confirming as WAIT_BUYER_PAY (NOT_PAID): keep polling until the deadline
			case NOT_PAID -> account.channel() == Channel.ALIPAY && !clock.instant().isAfter(deadline) ? null
					: reverse(poll, "query after micropay: not paid (" + answer.errorCode() + " " + answer.errorMessage() + ")");
			case REFUNDED -> {
				log.warn("Micropay order {}/{} is REFUNDED at the provider; left for review", account.id(), outTradeNo);
				yield "refunded at the provider; left for review";
			}
			default -> clock.instant().plus(settings.pollInterval()).isAfter(deadline)
					? reverse(poll, "payer did not confirm within " + settings.pollTimeout() + " (last: " + answer.status()
							+ (answer.errorCode() == null ? "" : " " + answer.errorCode()) + ")")
					: null;
		};
		if (outcome == null) {
			return false;
		}
		attempts.done(account.id(), outTradeNo, outcome); // no-op for one left to a person (no longer POLLING)
		return true;
	}

	/**
	 * The reverse's outcome, or null when it must be called again (the attempt stays open for the watchdog); after
	 * {@code max-reverse-attempts} failures the attempt is left to a person instead.
	 */
	private String reverse(Poll poll, String why) {
		ProviderAnswer reversed = providers.forAccount(poll.account()).reverse(poll.account(), poll.outTradeNo());
		return switch (reversed.status()) {
			case REVERSED -> move(poll, OrderStatus.REVERSED, "reversed: " + why);
			case NOT_FOUND -> move(poll, OrderStatus.FAILED, "nothing to reverse at the provider: " + why);
			default -> {
				String answer = reversed.status() + (reversed.errorCode() == null ? "" : " " + reversed.errorCode())
						+ (reversed.errorMessage() == null ? "" : ": " + reversed.errorMessage());
				int failed = attempts.reverseFailed(poll.account().id(), poll.outTradeNo(), answer);
				if (failed < settings.maxReverseAttempts()) {
					log.warn("Reverse {} of micropay order {}/{} gave {}; the watchdog will try again", failed,
							poll.account().id(), poll.outTradeNo(), LogText.printable(answer));
					yield null;
				}
				String outcome = "reverse failed " + failed + " times (last: " + answer + "); left to a person: " + why;
				if (attempts.needsPerson(poll.account().id(), poll.outTradeNo(), outcome)) {
					log.error("Micropay order {}/{}: reverse failed {} times (last: {}); left to a person, the order stays "
							+ "PENDING", poll.account().id(), poll.outTradeNo(), failed, LogText.printable(answer));
					Counter.builder(GIVEN_UP_METRIC)
						.description("micropay charges whose reverse failed too often, left to a person")
						.tag("account", poll.account().id())
						.register(meters)
						.increment();
				}
				yield outcome;
			}
		};
	}

	private String move(Poll poll, OrderStatus to, String reason) {
		retry.inTransaction(() -> orderService.transition(poll.account().id(), poll.outTradeNo(), to,
				Cause.query(poll.actor(), reason)));
		return reason;
	}

	private PaymentOutcome apply(Account account, ProviderAnswer answer, String actor, String reason) {
		PaymentOutcome outcome = retry.inTransaction(() -> orderService.applyPayment(account.id(),
				new ProviderPayment(answer.outTradeNo(), answer.providerTxnId(), answer.amount(), answer.currency(),
						answer.paidAt()),
				Cause.query(actor, reason)));
		if (!outcome.changedStatus() && outcome.kind() != PaymentOutcome.Kind.DUPLICATE) {
			log.warn("Micropay payment for {}/{} not applied: {}", account.id(), answer.outTradeNo(), outcome.kind());
		}
		return outcome;
	}

	@Override
	public void close() {
		scheduler.shutdownNow();
	}
}
