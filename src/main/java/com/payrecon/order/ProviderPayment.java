package com.payrecon.order;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/**
 * A payment the provider vouches for (a verified notification or a signed query answer), in PayRecon's terms.
 */
public record ProviderPayment(String outTradeNo, String providerTxnId, Fen amount, String currency, Instant paidAt) {
}
