package com.payrecon.reconcile;

import com.payrecon.support.money.Fen;

/**
 * One side's totals of a day, in fen. Payments count and sum the order amounts; refunds likewise; fees are what the
 * provider charged (null on the local side: we do not know fees before the bill); net = gross − refunds − fees.
 */
public record Totals(long count, Fen gross, Fen fees, long refundCount, Fen refunds, Fen net) {
}
