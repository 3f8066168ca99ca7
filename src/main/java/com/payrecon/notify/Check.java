package com.payrecon.notify;

import com.payrecon.order.ProviderPayment;
import com.payrecon.refund.ProviderRefund;

/** What a channel's verifier made of a stored request, before any order is touched. */
sealed interface Check permits Check.Rejected, Check.Authenticated, Check.Refunded {

	/**
	 * Not authenticated or not readable: nothing in it is trusted. {@code untrustedOutTradeNo} is the order number
	 * the message claims, if it could be read: only used to ask the provider about that order (whose signed answer is
	 * trusted), never to change anything.
	 */
	record Rejected(Verdict verdict, String reason, String untrustedOutTradeNo) implements Check {

		Rejected(Verdict verdict, String reason) {
			this(verdict, reason, null);
		}

		Rejected claiming(String outTradeNo) {
			return new Rejected(verdict, reason, outTradeNo);
		}
	}

	/**
	 * Signed by the provider. Either a payment to apply ({@code payment} set), or a verdict to settle on without
	 * touching any order ({@code settleAs} set: merchant mismatch, not a success, unusable fields...).
	 */
	record Authenticated(String providerNotifyId, String outTradeNo, String providerTxnId, ProviderPayment payment,
			Verdict settleAs, String reason) implements Check {

		static Authenticated payment(String notifyId, ProviderPayment payment) {
			return new Authenticated(notifyId, payment.outTradeNo(), payment.providerTxnId(), payment, null, null);
		}

		static Authenticated settle(String notifyId, String outTradeNo, String txnId, Verdict verdict, String reason) {
			return new Authenticated(notifyId, outTradeNo, txnId, null, verdict, reason);
		}
	}

	/**
	 * An authenticated refund notification: the refund as the provider states it, and, when the notification also
	 * proves the payment (Alipay's trade notification), the payment to apply first.
	 *
	 * @param mayRecord a refund unknown here may be recorded from this notification alone (it is signed and states the
	 * refund's own amount: v3); otherwise (v2: encryption only, no integrity; Alipay: only the refunded total) an unknown
	 * refund is confirmed by a refund query first
	 */
	record Refunded(String providerNotifyId, ProviderRefund refund, ProviderPayment payment, boolean mayRecord)
			implements Check {
	}

	static Rejected reject(Verdict verdict, String reason) {
		return new Rejected(verdict, reason);
	}
}
