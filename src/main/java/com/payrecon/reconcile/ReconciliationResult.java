package com.payrecon.reconcile;

import java.util.List;

/** A finished run and its discrepancies (for a dry run, everything it would have recorded). */
public record ReconciliationResult(RunSummary run, List<Discrepancy> discrepancies) {
}
