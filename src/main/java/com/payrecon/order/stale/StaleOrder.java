package com.payrecon.order.stale;

import java.time.Instant;

import com.payrecon.support.money.Fen;

/** A PENDING order older than the report's cutoff, as the report counts it. */
record StaleOrder(long id, String accountId, String currency, Fen amount, Instant createdAt) {
}
