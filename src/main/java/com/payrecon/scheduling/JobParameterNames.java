package com.payrecon.scheduling;

import java.util.Set;

/** The job parameters the scheduler adds to every run; a job's parameter validator must accept them. */
public final class JobParameterNames {

	/** ISO-8601 UTC instant of the scheduled fire time (for operator runs: when it was requested). */
	public static final String FIRE_TIME = "fireTime";
	/** The fire time's date in the entry's zone. */
	public static final String BUSINESS_DATE = "businessDate";
	/** The zone id of the entry. */
	public static final String ZONE = "zone";
	/** Who started it: the Quartz instance id, or {@code operator:<request id>}. */
	public static final String FIRED_BY = "firedBy";
	/**
	 * An operator's run (run now, possibly with parameters of its own): the request id, identifying, so that the run is
	 * its own job instance and never the no-op of a slot that completed already.
	 */
	public static final String RUN_REQUEST = "runRequest";

	public static final Set<String> STANDARD = Set.of(FIRE_TIME, BUSINESS_DATE, ZONE, FIRED_BY, RUN_REQUEST);

	/** The parameters a job accepts: its own and the standard ones. */
	public static Set<String> accepted(String... own) {
		var all = new java.util.TreeSet<>(STANDARD);
		all.addAll(java.util.List.of(own));
		return java.util.Collections.unmodifiableSet(all);
	}

	private JobParameterNames() {
	}
}
