package com.payrecon.notify;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.account.Channel;
import com.payrecon.notify.ChannelVerifier.Reply;
import com.payrecon.notify.RawNotificationRepository.Settlement;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.PaymentOutcome;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.RefundNoticeToConfirm;
import com.payrecon.refund.RefundService;
import com.payrecon.support.LogText;
import com.payrecon.support.db.TransactionRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Decides about a stored notification: verify, cross-check, apply at most once, and record the verdict together
 * with the answer sent. Used for live deliveries and for re-processing a stored one.
 */
@Service
public class NotificationProcessor {

	private static final Logger log = LoggerFactory.getLogger(NotificationProcessor.class);

	private final AccountRegistry accounts;
	private final Map<Channel, ChannelVerifier> verifiers = new EnumMap<>(Channel.class);
	private final AlipayVerifier alipay;
	private final OrderService orderService;
	private final RefundService refundService;
	private final RawNotificationRepository rawLog;
	private final TransactionRetry retry;
	private final ApplicationEventPublisher events;
	private final Clock clock;

	NotificationProcessor(AccountRegistry accounts, List<ChannelVerifier> verifiers, AlipayVerifier alipay,
			OrderService orderService, RefundService refundService, RawNotificationRepository rawLog, TransactionRetry retry,
			ApplicationEventPublisher events, Clock clock) {
		this.events = events;
		this.accounts = accounts;
		verifiers.forEach(v -> this.verifiers.put(v.channel(), v));
		this.alipay = alipay;
		this.orderService = orderService;
		this.refundService = refundService;
		this.rawLog = rawLog;
		this.retry = retry;
		this.clock = clock;
	}

	/** The verdict and the exact answer for the provider. */
	public record Outcome(Verdict verdict, String reason, Reply reply) {
	}

	/** The channel's failure answer, for requests that never got as far as being stored. */
	Reply failure(Channel channel, Verdict verdict, String message) {
		return verifiers.get(channel).fail(verdict, message);
	}

	/** Whether {@code raw} names an account of its channel. */
	boolean knowsAccount(RawRequest raw) {
		return accounts.find(raw.accountId()).filter(a -> a.channel() == raw.channel()).isPresent();
	}

	/** Verdicts of requests that did not show they came from the provider (or named no account of ours). */
	static boolean unauthenticated(Verdict verdict) {
		return !verdict.acknowledged() && verdict != Verdict.ERROR;
	}

	/**
	 * Issue 11, over an abuse limit: the verdict and answer for a request that does not authenticate, checked in
	 * memory without storing anything; empty when it does authenticate (then it is stored and processed as always).
	 */
	Optional<Outcome> rejectUnauthenticated(RawRequest raw) {
		ChannelVerifier verifier = verifiers.get(raw.channel());
		Optional<Account> account = accounts.find(raw.accountId()).filter(a -> a.channel() == raw.channel());
		Check check;
		if (account.isEmpty()) {
			check = new Check.Rejected(Verdict.UNKNOWN_ACCOUNT, "no such account");
		}
		else if (raw.truncated()) {
			check = new Check.Rejected(Verdict.TOO_LARGE, "body too large");
		}
		else {
			try {
				check = RawRequest.RETURN.equals(raw.kind()) ? alipay.checkReturn(account.get(), raw)
						: verifier.check(account.get(), raw);
			}
			catch (RuntimeException ex) {
				return Optional.empty(); // not for us to decide here: stored and processed as always
			}
		}
		return check instanceof Check.Rejected rejected
				? Optional.of(new Outcome(rejected.verdict(), rejected.reason(),
						verifier.fail(rejected.verdict(), rejected.verdict().summary())))
				: Optional.empty();
	}

	/** Processes the stored request {@code rawId}; the caller has committed it already. Never throws. */
	public Outcome process(long rawId, RawRequest raw) {
		ChannelVerifier verifier = verifiers.get(raw.channel());
		try {
			Optional<Account> account = accounts.find(raw.accountId()).filter(a -> a.channel() == raw.channel());
			if (account.isEmpty()) {
				return settleRejected(rawId, raw, verifier, new Check.Rejected(Verdict.UNKNOWN_ACCOUNT,
						"no " + raw.channel().wireName() + " account '" + raw.accountId() + "'"));
			}
			if (raw.truncated()) {
				return settleRejected(rawId, raw, verifier, new Check.Rejected(Verdict.TOO_LARGE,
						"body of " + raw.bodyLength() + " bytes exceeds the limit"));
			}
			Check check = RawRequest.RETURN.equals(raw.kind()) ? alipay.checkReturn(account.get(), raw)
					: verifier.check(account.get(), raw);
			return switch (check) {
				case Check.Rejected rejected -> settleRejected(rawId, raw, verifier, rejected);
				case Check.Authenticated authenticated -> {
					Outcome outcome = retry
						.inTransaction(() -> settleAuthenticated(rawId, raw, account.get(), verifier, authenticated));
					if (outcome.verdict() == Verdict.RETURN_VERIFIED && authenticated.outTradeNo() != null) {
						// after the commit: listeners ask the provider, whose signed answer decides
						events.publishEvent(new PayerReturned(raw.accountId(), authenticated.outTradeNo(), rawId));
					}
					yield outcome;
				}
				case Check.Refunded refunded -> retry
					.inTransaction(() -> settleRefund(rawId, raw, account.get(), verifier, refunded));
			};
		}
		catch (RuntimeException ex) {
			// our own trouble (database away, lock retries exhausted): ask the provider to retry
			log.warn("notify {} raw={} failed: {}", raw.channel().wireName(), rawId, ex.toString());
			Reply reply = verifier.fail(Verdict.ERROR, "temporary failure, retry later");
			trySettle(rawId, raw, new Settlement(Verdict.ERROR, ex.getClass().getSimpleName(), reply.status(), reply.body(),
					null, null, null, null));
			return new Outcome(Verdict.ERROR, ex.getClass().getSimpleName(), reply);
		}
	}

	private Outcome settleRejected(long rawId, RawRequest raw, ChannelVerifier verifier, Check.Rejected rejected) {
		Reply reply = verifier.fail(rejected.verdict(), rejected.verdict().summary());
		Settlement settlement = new Settlement(rejected.verdict(), rejected.reason(), reply.status(), reply.body(), null,
				null, null, null);
		retry.inTransaction(() -> {
			rawLog.settle(rawId, raw, settlement, clock.instant());
			return null;
		});
		logVerdict(raw, rawId, rejected.verdict(), rejected.reason());
		if (rejected.untrustedOutTradeNo() != null && RawRequest.NOTIFY.equals(raw.kind())) {
			events.publishEvent(new NotificationFailedVerification(raw.accountId(), rejected.untrustedOutTradeNo(), rawId,
					rejected.verdict()));
		}
		return new Outcome(rejected.verdict(), rejected.reason(), reply);
	}

	/**
	 * One transaction: dedup by notification id, apply through the order service, record verdict and answer. A
	 * notification id counts as settled only once an order was decided on with it ({@link Verdict#bindsNotifyId()});
	 * one settled as UNKNOWN_ORDER (or another verdict that touched no order) is decided again, so that re-processing
	 * it after the order exists applies it, and the id's record then names the row that applied it.
	 */
	private Outcome settleAuthenticated(long rawId, RawRequest raw, Account account, ChannelVerifier verifier,
			Check.Authenticated check) {
		Verdict verdict;
		String reason;
		Long orderId = null;
		String notifyId = check.providerNotifyId();
		Optional<Verdict> earlier = notifyId == null ? Optional.empty()
				: rawLog.settledNotifyId(account.id(), notifyId).map(Verdict::valueOf);
		boolean settledBefore = earlier.filter(Verdict::bindsNotifyId).isPresent();
		if (settledBefore) {
			verdict = Verdict.DUPLICATE;
			reason = "notification id " + notifyId + " was settled before as " + earlier.get();
		}
		else if (check.payment() == null) {
			verdict = check.settleAs();
			reason = check.reason();
		}
		else {
			PaymentOutcome outcome = orderService.applyPayment(account.id(), check.payment(),
					Cause.notification(rawId, raw.channel().wireName() + " notification"));
			verdict = Verdict.valueOf(outcome.kind().name());
			reason = outcome.detail();
			orderId = outcome.order() == null ? null : outcome.order().id();
		}
		if (notifyId != null && !settledBefore
				&& !rawLog.recordNotifyId(account.id(), notifyId, earlier.orElse(null), rawId, verdict, clock.instant())
				&& verdict.bindsNotifyId() && verdict != Verdict.APPLIED) {
			verdict = Verdict.DUPLICATE;
			reason = "notification id " + notifyId + " settled concurrently by another delivery";
		}
		Reply reply = verdict.acknowledged() ? verifier.acknowledge() : verifier.fail(verdict, verdict.summary());
		rawLog.settle(rawId, raw, new Settlement(verdict, reason, reply.status(), reply.body(), check.outTradeNo(),
				check.providerTxnId(), notifyId, orderId), clock.instant());
		logVerdict(raw, rawId, verdict, check.outTradeNo() == null ? reason : "order " + check.outTradeNo() + ": " + reason);
		return new Outcome(verdict, reason, reply);
	}

	/**
	 * One transaction, as for payments: dedup by notification id, the payment first when the notification proves it
	 * (Alipay), then the refund through {@link RefundService}, exactly once under the order's lock. What cannot be
	 * applied as it stands (unknown refund, mismatch, unpaid order) is acknowledged and confirmed by a query after
	 * commit ({@link RefundNoticeToConfirm}).
	 */
	private Outcome settleRefund(long rawId, RawRequest raw, Account account, ChannelVerifier verifier,
			Check.Refunded check) {
		ProviderRefund refund = check.refund();
		Verdict verdict;
		String reason;
		Long orderId = null;
		String notifyId = check.providerNotifyId();
		Cause cause = Cause.notification(rawId, raw.channel().wireName() + " refund notification");
		Optional<String> earlier = notifyId == null ? Optional.empty() : rawLog.settledNotifyId(account.id(), notifyId);
		PaymentOutcome payment = earlier.isPresent() || check.payment() == null ? null
				: orderService.applyPayment(account.id(), check.payment(), cause);
		if (earlier.isPresent()) {
			verdict = Verdict.DUPLICATE;
			reason = "notification id " + notifyId + " was settled before as " + earlier.get();
		}
		else if (payment != null && payment.kind() != PaymentOutcome.Kind.APPLIED
				&& payment.kind() != PaymentOutcome.Kind.DUPLICATE) {
			verdict = Verdict.valueOf(payment.kind().name());
			reason = "the payment it carries: " + payment.detail();
			orderId = payment.order() == null ? null : payment.order().id();
		}
		else {
			RefundService.Outcome outcome = refundService.providerSays(account.id(), refund, cause, check.mayRecord());
			orderId = outcome.refund() != null ? Long.valueOf(outcome.refund().orderId())
					: payment != null && payment.order() != null ? payment.order().id() : null;
			verdict = switch (outcome.kind()) {
				case APPLIED -> Verdict.REFUND_APPLIED;
				case RECORDED -> Verdict.REFUND_RECORDED;
				case DUPLICATE, UNCHANGED -> Verdict.DUPLICATE;
				case MISMATCH, REFUSED_TRANSITION -> Verdict.REFUND_MISMATCH;
				case UNKNOWN_REFUND, ORDER_NOT_PAID -> Verdict.REFUND_UNCONFIRMED;
				case UNKNOWN_ORDER -> Verdict.UNKNOWN_ORDER;
			};
			reason = "refund " + refund.outRefundNo() + " " + refund.status() + ": " + outcome.kind() + " (" + outcome.detail() + ")";
			if (verdict == Verdict.REFUND_MISMATCH || verdict == Verdict.REFUND_UNCONFIRMED) {
				events.publishEvent(new RefundNoticeToConfirm(account.id(), refund.outTradeNo(), refund.outRefundNo(), rawId,
						outcome.kind() + ": " + outcome.detail()));
			}
		}
		if (notifyId != null && earlier.isEmpty() && !rawLog.recordNotifyId(account.id(), notifyId, null, rawId, verdict, clock.instant())
				&& verdict != Verdict.REFUND_APPLIED && verdict != Verdict.REFUND_RECORDED) {
			verdict = Verdict.DUPLICATE;
			reason = "notification id " + notifyId + " settled concurrently by another delivery";
		}
		Reply reply = verdict.acknowledged() ? verifier.acknowledge() : verifier.fail(verdict, verdict.summary());
		rawLog.settle(rawId, raw, new Settlement(verdict, reason, reply.status(), reply.body(), refund.outTradeNo(),
				refund.providerTxnId(), notifyId, orderId), clock.instant());
		logVerdict(raw, rawId, verdict, reason);
		return new Outcome(verdict, reason, reply);
	}

	private void trySettle(long rawId, RawRequest raw, Settlement settlement) {
		try {
			rawLog.settle(rawId, raw, settlement, clock.instant());
		}
		catch (RuntimeException ignored) {
			// the database is the problem; the row stays without a verdict and can be re-processed
		}
	}

	private static void logVerdict(RawRequest raw, long rawId, Verdict verdict, String reason) {
		String line = reason == null ? "" : LogText.printable(reason);
		if (verdict.keptForReview()) {
			log.warn("notify {} account={} raw={} verdict={} (kept for review): {}", raw.channel().wireName(),
					raw.accountId(), rawId, verdict, line);
		}
		else if (verdict.acknowledged()) {
			log.info("notify {} account={} raw={} verdict={}: {}", raw.channel().wireName(), raw.accountId(), rawId,
					verdict, line);
		}
		else {
			log.warn("notify {} account={} raw={} verdict={} answered {}: {}", raw.channel().wireName(),
					raw.accountId(), rawId, verdict, verdict.httpStatus(), line);
		}
	}
}
