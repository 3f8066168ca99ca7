/**
 * Daily statement reconciliation: downloads a provider's bill for one business day, archives it with its hash,
 * parses it streaming, matches it chunk by chunk against the day's orders and records a {@link
 * com.payrecon.reconcile.RunSummary run} with both sides' totals and one {@link com.payrecon.reconcile.Discrepancy}
 * per mismatch. Orders are read here (through {@code *Query} classes) but only ever changed through the query repair
 * ({@link com.payrecon.repair.OrderRequery}) and, after a second person's approval, through the cases' maker-checker.
 * Publishes {@link com.payrecon.reconcile.DiscrepancyEvent}s and {@link com.payrecon.reconcile.ReconciliationFinished}
 * for the audit log and the console.
 *
 * <p>What finance does with the results lives here too, so that a case has one home: {@link
 * com.payrecon.reconcile.Discrepancies} (one compare-and-set move of a discrepancy), {@link
 * com.payrecon.reconcile.ReconciliationCases} (the audited, role-checked case moves and maker-checker proposals) and
 * {@link com.payrecon.reconcile.DaySignOffs}. The console ({@code console/reconciliation}) keeps the pages, the read
 * model and the export.
 */
package com.payrecon.reconcile;
