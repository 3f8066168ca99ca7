package com.payrecon.provider;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/**
 * A provider's answer about one refund (to a refund request or a refund query), in provider-neutral terms, with the
 * raw response kept for the audit trail. Only a definite answer may change a refund: {@link Status#ERROR} never does,
 * and after it the refund keeps its {@code out_refund_no} and is settled by a query (never sent again with another
 * number).
 *
 * @param amount this refund's amount (fen) as the provider states it, when it does
 * @param orderAmount the order's amount (fen) as the provider states it, when it does
 * @param providerStatus the provider's own word for the state ({@code PROCESSING}, {@code REFUNDCLOSE},
 * {@code REFUND_SUCCESS}, {@code fund_change=N}, ...), or its error code
 * @param rawResponse the response body as received (never contains our keys)
 */
public record RefundAnswer(Status status, String outTradeNo, String outRefundNo, String providerRefundId,
		String providerTxnId, Fen amount, Fen orderAmount, Instant succeededAt, String providerStatus, String errorCode,
		String errorMessage, String rawResponse) {

	public enum Status {
		/** the money went back */
		SUCCESS,
		/** accepted, not finished (the usual answer of a WeChat refund request) */
		PROCESSING,
		/** closed at the provider without money moving (WeChat REFUNDCLOSE / CLOSED) */
		CLOSED,
		/** the bank refused the original card; the merchant handles it in the provider's platform (CHANGE / ABNORMAL) */
		ABNORMAL,
		/** a query: the provider has no refund with this number (it never arrived, or it was refused) */
		NOT_FOUND,
		/** a refund request the provider definitely did not accept (balance too low, order too old, bad request) */
		REFUSED,
		/** no definite answer: timeout, HTTP error, system error, a response that fails verification */
		ERROR
	}

	public boolean isDefinite() {
		return status != Status.ERROR;
	}

	public static RefundAnswer error(String outTradeNo, String outRefundNo, String code, String message, String raw) {
		return new RefundAnswer(Status.ERROR, outTradeNo, outRefundNo, null, null, null, null, null, code, code, message,
				raw);
	}

	public static RefundAnswer of(Status status, String outTradeNo, String outRefundNo, String providerStatus,
			String code, String message, String raw) {
		return new RefundAnswer(status, outTradeNo, outRefundNo, null, null, null, null, null, providerStatus, code,
				message, raw);
	}
}
