package com.payrecon.reconcile;

import java.time.Instant;

import com.payrecon.order.OrderStatus;
import com.payrecon.support.money.Fen;

/** What matching needs of a local order. */
record LocalOrder(long id, String outTradeNo, Fen amount, OrderStatus status, String providerTxnId, Instant paidAt) {
}
