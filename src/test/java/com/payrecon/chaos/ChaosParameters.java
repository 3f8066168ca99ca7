package com.payrecon.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The size of a chaos run. The faults are fixed by issue 6 (see {@link ChaosRun}); what varies between the CI run
 * and the full run is how many orders, how many SIGKILLs and database restarts, and how long waiting is compressed.
 * Every field can be overridden with a system property {@code payrecon.chaos.<name>} (e.g.
 * {@code -Dpayrecon.chaos.orders=20000}).
 *
 * @param orders orders driven through PayRecon's API and paid at the sandbox
 * @param kills SIGKILLs of the PayRecon process during the run (each followed by a restart)
 * @param dbRestarts restarts of PayRecon's database during the run
 * @param clients concurrent checkout clients of the driver
 * @param unpaidShare share of orders the payer never pays (they must stay unpaid)
 * @param refundShare share of paid orders the checkout then refunds through PayRecon's API (every other one in part)
 * @param platformRefundShare share of paid orders refunded in the provider's merchant platform instead (refunds
 * PayRecon never asked for)
 * @param staleAfter the sweep leaves orders younger than this to their notification; longer than the sandbox's whole
 * retry schedule at {@code timeScale}, so the sweep never races a notification that is still coming
 * @param timeScale the sandbox's retry schedules run this much faster
 * @param timeout the whole run (start-up, driving, settling) must end within this
 * @param seed the sandbox's fault draws
 * @param dir where databases, configuration, logs and the report go
 */
public record ChaosParameters(int orders, int kills, int dbRestarts, int clients, double unpaidShare,
		double refundShare, double platformRefundShare, Duration staleAfter, double timeScale, Duration timeout, long seed,
		Path dir) {

	/** The CI version (ChaosRunIT in {@code ./mvnw verify}). */
	public static ChaosParameters small() {
		return new ChaosParameters(400, 1, 1, 6, 0.05, 0.1, 0.02, Duration.ofSeconds(25), 6000, Duration.ofMinutes(6), 6,
				Path.of("target/chaos/small"));
	}

	/** Issue 6's run: 20,000 orders, two SIGKILLs, one database restart ({@code ./mvnw -Pchaos verify}). */
	public static ChaosParameters full() {
		return new ChaosParameters(20_000, 2, 1, 12, 0.05, 0.1, 0.02, Duration.ofSeconds(40), 3000, Duration.ofMinutes(50),
				6, Path.of("target/chaos/full"));
	}

	/** {@code base} with the {@code payrecon.chaos.*} system properties that are set. */
	public static ChaosParameters fromSystemProperties(ChaosParameters base) {
		return new ChaosParameters(Integer.getInteger("payrecon.chaos.orders", base.orders()),
				Integer.getInteger("payrecon.chaos.kills", base.kills()),
				Integer.getInteger("payrecon.chaos.db-restarts", base.dbRestarts()),
				Integer.getInteger("payrecon.chaos.clients", base.clients()),
				Double.parseDouble(System.getProperty("payrecon.chaos.unpaid-share", String.valueOf(base.unpaidShare()))),
				Double.parseDouble(System.getProperty("payrecon.chaos.refund-share", String.valueOf(base.refundShare()))),
				Double.parseDouble(System.getProperty("payrecon.chaos.platform-refund-share",
						String.valueOf(base.platformRefundShare()))),
				Duration.parse(System.getProperty("payrecon.chaos.stale-after", base.staleAfter().toString())),
				Double.parseDouble(System.getProperty("payrecon.chaos.time-scale", String.valueOf(base.timeScale()))),
				Duration.parse(System.getProperty("payrecon.chaos.timeout", base.timeout().toString())),
				Long.getLong("payrecon.chaos.seed", base.seed()),
				Path.of(System.getProperty("payrecon.chaos.dir", base.dir().toString())));
	}

	/** {@code "full"} when the system property {@code payrecon.chaos.size} says so, else the small run. */
	public static ChaosParameters fromSystemProperties() {
		return fromSystemProperties("full".equals(System.getProperty("payrecon.chaos.size")) ? full() : small());
	}
}
