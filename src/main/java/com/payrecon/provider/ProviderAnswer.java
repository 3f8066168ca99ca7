package com.payrecon.provider;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/**
 * A provider's answer about one order, in provider-neutral terms, with the raw response kept for the audit trail.
 * Only a definite answer may change an order: {@link Status#ERROR} never does (threat case S4).
 *
 * @param providerTxnId set when the provider names its transaction (PAID, REFUNDED, REVERSED after payment)
 * @param amount the order amount the provider reports (fen), when it reports one
 * @param paidAt the provider's time of payment; null when its answer gives none (a PAID order then keeps its paid
 * time unknown until the day's bill line gives it)
 * @param errorCode the provider's code for ERROR (e.g. SYSTEMERROR, ACQ.SYSTEM_ERROR, HTTP_503, TIMEOUT,
 * BAD_RESPONSE_SIGNATURE)
 * @param rawResponse the response body as received (for the audit trail; never contains our keys)
 */
public record ProviderAnswer(Status status, String outTradeNo, String providerTxnId, Fen amount, String currency,
		Instant paidAt, String errorCode, String errorMessage, String rawResponse) {

	public enum Status {
		PAID, NOT_PAID, USER_PAYING, CLOSED, REVERSED, REFUNDED, NOT_FOUND, ERROR
	}

	public boolean isDefinite() {
		return status != Status.ERROR;
	}

	public static ProviderAnswer error(String outTradeNo, String code, String message, String raw) {
		return new ProviderAnswer(Status.ERROR, outTradeNo, null, null, null, null, code, message, raw);
	}
}
