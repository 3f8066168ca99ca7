package com.payrecon.reconcile;

import java.util.List;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The results of a job's dry runs, kept as JSON in the job execution's context (Spring Batch's own record of the run,
 * not the reconciliation tables): what the console shows for a dry run. At most {@link #MAX_DISCREPANCIES} discrepancies
 * per account and day; the run's {@code discrepancyCount} says how many there were.
 */
public final class DryRunReport {

	public static final int MAX_DISCREPANCIES = 200;
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private DryRunReport() {
	}

	static String write(List<ReconciliationResult> results) {
		return JSON.writeValueAsString(results.stream()
			.map(r -> new ReconciliationResult(r.run(),
					r.discrepancies().subList(0, Math.min(MAX_DISCREPANCIES, r.discrepancies().size()))))
			.toList());
	}

	static List<ReconciliationResult> read(String json) {
		return json == null || json.isBlank() ? List.of() : JSON.readValue(json, new TypeReference<>() {
		});
	}
}
