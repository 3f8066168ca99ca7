package com.payrecon.refund;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.PaymentProvider.RefundLookup;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.provider.RefundAnswer;
import com.payrecon.support.LogText;
import com.payrecon.support.db.TransactionRetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Asks the provider about refunds and acts on a definite answer through {@link RefundService}, as the notify path
 * does: the refund sweep (a refund still PROCESSING or ABNORMAL whose notification never came), the confirmation of a
 * refund notification that could not be applied as it stands, and an operator's question. The provider's signed
 * answer states the refund's own amount, so a refund made outside PayRecon is recorded from it (EXTERNAL). A refund
 * the provider says it never received (and that was sent long enough ago) is sent again, identical, with the same
 * number; never with a new one. Opens its own transactions.
 */
@Service
public class RefundQueries {

	private static final Logger log = LoggerFactory.getLogger(RefundQueries.class);

	/** Metric: refunds moved (or recorded) because a query found out what no notification told, by account and trigger. */
	public static final String REPAIR_METRIC = "payrecon.refunds.repairs";

	private final RefundRepository refunds;
	private final RefundService service;
	private final RefundSender sender;
	private final OrderRepository orders;
	private final AccountRegistry accounts;
	private final ProviderRegistry providers;
	private final RefundProperties properties;
	private final TransactionRetry retry;
	private final Clock clock;
	private final MeterRegistry meters;

	RefundQueries(RefundRepository refunds, RefundService service, RefundSender sender, OrderRepository orders,
			AccountRegistry accounts, ProviderRegistry providers, RefundProperties properties,
			TransactionRetry retry, Clock clock, MeterRegistry meters) {
		this.refunds = refunds;
		this.service = service;
		this.sender = sender;
		this.orders = orders;
		this.accounts = accounts;
		this.providers = providers;
		this.properties = properties;
		this.retry = retry;
		this.clock = clock;
		this.meters = meters;
	}

	/** What one question did. */
	public enum Result {
		/** a definite answer moved the refund (or recorded one made elsewhere) */
		REPAIRED,
		/** the provider had no such refund: sent again with the same number */
		RESENT,
		/** the provider never got it although it was sent as often as allowed: CLOSED for review */
		GAVE_UP,
		/** the answer agrees with what we know, or it was not definite */
		UNCHANGED,
		/** the provider did not answer definitely */
		NO_ANSWER
	}

	/**
	 * Asks about one refund waiting for the provider (the sweep, an operator) and acts on the answer; then sets when it
	 * is asked next, by its backoff, while it still waits.
	 *
	 * @param trigger for the repairs metric: the job's name, {@code notification} or {@code manual}
	 */
	public Result check(long refundId, Cause cause, String trigger) {
		Refund refund = refunds.findById(refundId).orElseThrow(() -> new RefundService.RefundNotFound(refundId));
		if (!refund.status().awaitsProvider()) {
			return Result.UNCHANGED;
		}
		Account account = accounts.find(refund.accountId()).orElseThrow();
		RefundAnswer answer = providers.forAccount(account).queryRefund(account,
				new RefundLookup(refund.outTradeNo(), refund.outRefundNo(), refund.providerRefundId()));
		Result result = switch (answer.status()) {
			case SUCCESS, PROCESSING, CLOSED, ABNORMAL -> {
				RefundService.Outcome outcome = sender.apply(refund, answer, cause);
				yield outcome.kind() == RefundService.Kind.APPLIED ? repaired(refund.accountId(), trigger) : Result.UNCHANGED;
			}
			case NOT_FOUND -> notFound(refund, cause);
			case REFUSED, ERROR -> Result.NO_ANSWER;
		};
		Refund after = refunds.findById(refundId).orElseThrow();
		if (after.status().awaitsProvider() && result != Result.RESENT) {
			retry.inTransaction(() -> {
				service.scheduleNextCheck(refundId, clock.instant().plus(properties.nextWait(after.checkCount())));
				return null;
			});
		}
		log.info("Refund query {}/{} by {}: provider {} ({}) → {}", refund.accountId(),
				LogText.printable(refund.outRefundNo()), cause.actor(), answer.status(),
				LogText.printable(answer.providerStatus()), result);
		return result;
	}

	/**
	 * The provider has no refund with this number. Only a refund we sent, long enough ago that its request cannot still
	 * be on its way, is sent again (identical, same number), at most {@code max-requests} times in all.
	 */
	private Result notFound(Refund refund, Cause cause) {
		if (refund.status() != RefundStatus.PROCESSING || refund.submitCount() == 0) {
			return Result.UNCHANGED; // not ours to send (made elsewhere), or never sent
		}
		Instant sentBefore = clock.instant().minus(properties.firstCheckAfter());
		if (refund.submittedAt() != null && refund.submittedAt().isAfter(sentBefore)) {
			return Result.UNCHANGED;
		}
		if (refund.submitCount() >= properties.maxRequests()) {
			retry.inTransaction(() -> service.giveUp(refund.id(), cause, "the provider has no refund " + refund.outRefundNo()
					+ " after " + refund.submitCount() + " requests: nothing was refunded"));
			return Result.GAVE_UP;
		}
		Refund after = sender.resend(refund.id(), refund.submitCount(), cause);
		return after.submitCount() > refund.submitCount() ? Result.RESENT : Result.UNCHANGED;
	}

	/**
	 * Confirms what a refund notification claimed by the provider's signed answer: the refund is asked about and the
	 * answer applied; a refund made outside PayRecon is recorded from it. (An order not paid here must be repaired
	 * first: the repair module's follow-up does that before it calls this.)
	 */
	public Result confirm(String accountId, String outTradeNo, String outRefundNo, Cause cause) {
		return confirm(accountId, outTradeNo, outRefundNo, cause, "notification");
	}

	/**
	 * {@link #confirm(String, String, String, Cause)} for another reason to ask (the reconciliation's refund line).
	 *
	 * @param trigger for the repairs metric
	 */
	public Result confirm(String accountId, String outTradeNo, String outRefundNo, Cause cause, String trigger) {
		Optional<PaymentOrder> order = orders.find(accountId, outTradeNo);
		Optional<Account> account = accounts.find(accountId);
		if (order.isEmpty() || account.isEmpty()) {
			return Result.UNCHANGED;
		}
		RefundAnswer answer = providers.forAccount(account.get()).queryRefund(account.get(),
				new RefundLookup(outTradeNo, outRefundNo, null));
		if (!answer.isDefinite() || answer.status() == RefundAnswer.Status.NOT_FOUND
				|| answer.status() == RefundAnswer.Status.REFUSED) {
			log.info("Refund {}/{} not confirmed: the provider says {} ({})", accountId, LogText.printable(outRefundNo),
					answer.status(), LogText.printable(answer.errorCode()));
			return answer.isDefinite() ? Result.UNCHANGED : Result.NO_ANSWER;
		}
		RefundService.Outcome outcome = retry.inTransaction(() -> service.providerSays(accountId,
				RefundSender.word(outTradeNo, outRefundNo, answer), cause, true));
		log.info("Refund {}/{} confirmed by query: {} ({})", accountId, LogText.printable(outRefundNo),
				outcome.kind(), LogText.printable(outcome.detail()));
		return outcome.kind() == RefundService.Kind.APPLIED || outcome.kind() == RefundService.Kind.RECORDED
				? repaired(accountId, trigger) : Result.UNCHANGED;
	}

	private Result repaired(String accountId, String trigger) {
		Counter.builder(REPAIR_METRIC)
			.description("refunds moved or recorded because a query found out what no notification told")
			.tag("account", accountId)
			.tag("trigger", trigger)
			.register(meters)
			.increment();
		return Result.REPAIRED;
	}
}
