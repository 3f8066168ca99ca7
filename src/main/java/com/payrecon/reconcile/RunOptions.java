package com.payrecon.reconcile;

import java.time.Duration;

/**
 * How one run is made.
 *
 * @param triggeredBy who asked: a job execution id ({@code job:daily-reconciliation#42}) or an operator's login
 * @param dryRun compute and return everything, write nothing (no rows, no repairs, no archive)
 * @param chunkSize lines matched per transaction
 * @param expectedWindow how close to midnight an order may be booked on the neighbouring day
 */
public record RunOptions(String triggeredBy, boolean dryRun, int chunkSize, Duration expectedWindow) {

	public static RunOptions of(ReconcileProperties properties, String triggeredBy, boolean dryRun) {
		return new RunOptions(triggeredBy, dryRun, properties.chunkSize(), properties.expectedWindow());
	}
}
