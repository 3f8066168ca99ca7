package com.payrecon.refund;

import java.util.Optional;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.checkout.CheckoutProperties;
import com.payrecon.order.Cause;
import com.payrecon.provider.PaymentProvider.RefundRequest;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.provider.RefundAnswer;
import com.payrecon.refund.RefundService.Submission;
import com.payrecon.support.LogText;
import com.payrecon.support.db.TransactionRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Sends refunds to their provider: the refund is moved to PROCESSING and that is committed <em>before</em> the
 * request goes out, the provider is asked once, and a definite answer is applied through {@link RefundService}. A
 * timeout or any other unknown answer changes nothing: the refund stays PROCESSING with its number and the refund
 * sweep settles it by a query (and sends the identical request again only if the provider says it has none).
 * Opens its own transactions (through {@link TransactionRetry}); never call it inside one.
 */
@Service
public class RefundSender {

	private static final Logger log = LoggerFactory.getLogger(RefundSender.class);

	private final RefundService service;
	private final RefundRepository refunds;
	private final AccountRegistry accounts;
	private final ProviderRegistry providers;
	private final CheckoutProperties checkout;
	private final TransactionRetry retry;

	RefundSender(RefundService service, RefundRepository refunds, AccountRegistry accounts, ProviderRegistry providers,
			CheckoutProperties checkout, TransactionRetry retry) {
		this.service = service;
		this.refunds = refunds;
		this.accounts = accounts;
		this.providers = providers;
		this.checkout = checkout;
		this.retry = retry;
	}

	/** Sends a refund that is ready to go (REQUESTED, approved if it had to be); the refund as it is afterwards. */
	public Refund send(long refundId, Cause cause) {
		Optional<Submission> submission = retry.inTransaction(() -> service.submit(refundId, cause));
		return submission.map(s -> ask(s, cause)).orElseGet(() -> refunds.findById(refundId).orElseThrow());
	}

	/**
	 * Sends a PROCESSING refund again, identical, after the provider said it has none ({@code sentSoFar}: the request
	 * count the caller saw, so that two callers cannot both send).
	 */
	public Refund resend(long refundId, int sentSoFar, Cause cause) {
		Optional<Submission> submission = retry.inTransaction(() -> service.resubmit(refundId, sentSoFar, cause));
		return submission.map(s -> ask(s, cause)).orElseGet(() -> refunds.findById(refundId).orElseThrow());
	}

	private Refund ask(Submission s, Cause cause) {
		Refund refund = s.refund();
		Account account = accounts.find(refund.accountId()).orElseThrow();
		PaymentProvider provider = providers.forAccount(account);
		RefundRequest request = new RefundRequest(refund.outTradeNo(), s.order().providerTxnId(), refund.outRefundNo(),
				refund.amount(), s.order().amount(), refund.currency(), refund.reason(),
				checkout.notifyUrl(account.channel().wireName(), account.id()));
		RefundAnswer answer;
		try {
			answer = provider.refund(account, request);
		}
		catch (RuntimeException ex) { // never leave the refund in doubt because our side failed: the sweep asks
			log.warn("Refund {}/{}: the request failed on our side ({}); the sweep settles it", account.id(),
					LogText.printable(refund.outRefundNo()), ex.toString());
			answer = RefundAnswer.error(refund.outTradeNo(), refund.outRefundNo(), "EXCEPTION", ex.getClass().getSimpleName(), null);
		}
		apply(refund, answer, Cause.query(cause.actor(), "the provider's answer to refund request " + refund.submitCount()));
		return refunds.findById(refund.id()).orElseThrow();
	}

	/** A provider's answer about a refund (to a request or a query): a definite state moves it, anything else not. */
	RefundService.Outcome apply(Refund refund, RefundAnswer answer, Cause cause) {
		return switch (answer.status()) {
			case SUCCESS, PROCESSING, CLOSED, ABNORMAL -> retry.inTransaction(() -> service.providerSays(refund.id(),
					word(refund, answer), cause));
			case REFUSED -> retry.inTransaction(() -> service.refused(refund.id(), answer.errorCode(), cause,
					"refused by the provider: " + answer.errorCode() + " " + nullToEmpty(answer.errorMessage())));
			case NOT_FOUND, ERROR -> {
				retry.inTransaction(() -> {
					service.answerUnknown(refund.id(), answer.errorCode(), cause);
					return null;
				});
				yield new RefundService.Outcome(RefundService.Kind.UNCHANGED, refund, "no definite answer: " + answer.errorCode());
			}
		};
	}

	/** A definite answer in PayRecon's terms. */
	static ProviderRefund word(Refund refund, RefundAnswer answer) {
		return word(refund.outTradeNo(), refund.outRefundNo(), answer);
	}

	/** A definite answer about refund {@code outRefundNo} of order {@code outTradeNo} in PayRecon's terms. */
	static ProviderRefund word(String outTradeNo, String outRefundNo, RefundAnswer answer) {
		RefundStatus status = switch (answer.status()) {
			case SUCCESS -> RefundStatus.SUCCESS;
			case PROCESSING -> RefundStatus.PROCESSING;
			case CLOSED -> RefundStatus.CLOSED;
			case ABNORMAL -> RefundStatus.ABNORMAL;
			case NOT_FOUND, REFUSED, ERROR -> throw new IllegalArgumentException("not a refund state: " + answer.status());
		};
		return new ProviderRefund(answer.outTradeNo() != null ? answer.outTradeNo() : outTradeNo,
				answer.providerTxnId(), outRefundNo, answer.providerRefundId(), answer.amount(),
				answer.orderAmount(), null, status, answer.succeededAt(), answer.providerStatus());
	}

	private static String nullToEmpty(String text) {
		return text == null ? "" : text;
	}
}
