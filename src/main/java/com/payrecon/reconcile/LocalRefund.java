package com.payrecon.reconcile;

import java.time.Instant;

import com.payrecon.refund.RefundSource;
import com.payrecon.refund.RefundStatus;
import com.payrecon.support.money.Fen;

/**
 * What matching needs of a local refund.
 *
 * @param at the time the refund belongs to a day by: when it was sent, else when it succeeded (null: neither yet)
 */
record LocalRefund(long id, long orderId, String outTradeNo, String outRefundNo, String providerRefundId, Fen amount,
		RefundStatus status, RefundSource source, Instant at) {
}
