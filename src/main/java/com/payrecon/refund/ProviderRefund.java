package com.payrecon.refund;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/**
 * A refund the provider vouches for (a verified notification or a signed query answer), in PayRecon's terms. Fields
 * the provider did not state are null.
 *
 * @param amount this refund's amount
 * @param orderAmount the order's amount as the provider states it (WeChat total_fee / amount.total)
 * @param cumulative the order's refunded total so far as the provider states it (Alipay refund_fee), instead of or
 * besides {@code amount}
 * @param providerStatus the provider's word (for the history)
 */
public record ProviderRefund(String outTradeNo, String providerTxnId, String outRefundNo, String providerRefundId,
		Fen amount, Fen orderAmount, Fen cumulative, RefundStatus status, Instant succeededAt, String providerStatus) {
}
