/**
 * Daily statement reconciliation: downloads a provider's bill for one business day, archives it with its hash,
 * parses it streaming, matches it chunk by chunk against the day's orders and records a {@link
 * com.payrecon.reconcile.RunSummary run} with both sides' totals and one {@link com.payrecon.reconcile.Discrepancy}
 * per mismatch. Orders are read here (through {@code *Query} classes) but only ever changed through the query repair
 * ({@link com.payrecon.repair.OrderRequery}). Publishes {@link com.payrecon.reconcile.DiscrepancyEvent}s and
 * {@link com.payrecon.reconcile.ReconciliationFinished} for the audit log and the console.
 */
package com.payrecon.reconcile;
