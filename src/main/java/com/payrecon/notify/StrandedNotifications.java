package com.payrecon.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Decides on stored notifications that were left undecided: the process died, or its database went away, between
 * storing a request and deciding on it (no verdict), or our own failure answered it (ERROR). Normally the provider
 * sends such a notification again; when its retries are spent first (PayRecon down for longer than the provider's
 * schedule) the stored row is all there is, and for a refund made in the provider's merchant platform nothing else
 * would tell PayRecon before the day's bill. Run by the stale-pending sweep's first step (batch-jobs/README.md) with
 * the sweep's {@code staleAfter} as the age after which a row counts as stranded, so a request still being decided is
 * never taken. Each row goes through {@link NotificationReprocessor}: verification against the time it was received,
 * applying exactly once (a row whose notification was meanwhile delivered again and applied becomes a DUPLICATE).
 * A row that fails with ERROR again is tried again at the next run, at most {@link #MAX_TRIES} times in all; then it
 * waits for a person (console, Notifications, verdict ERROR, Re-process), as does a row older than {@link #HORIZON}.
 */
@Service
public class StrandedNotifications {

	/** Tries in all (the first, failed, one included) before an ERROR row is left to a person. */
	public static final int MAX_TRIES = 5;
	/**
	 * Rows received longer ago than this are left to a person: keys and certificates may have changed since, and a
	 * first run after an upgrade should not re-decide years of history. A week covers any outage PayRecon survives.
	 */
	public static final Duration HORIZON = Duration.ofDays(7);

	private static final Logger log = LoggerFactory.getLogger(StrandedNotifications.class);

	private final RawNotificationRepository rawLog;
	private final NotificationReprocessor reprocessor;
	private final Clock clock;

	StrandedNotifications(RawNotificationRepository rawLog, NotificationReprocessor reprocessor, Clock clock) {
		this.rawLog = rawLog;
		this.reprocessor = reprocessor;
		this.clock = clock;
	}

	/** What one run did: rows run again, and how many of them failed again (ERROR). */
	public record Summary(int rerun, int failedAgain) {

		public int decided() {
			return rerun - failedAgain;
		}
	}

	/** Whether any row of {@code accountIds} (empty: all) is stranded: stored more than {@code after} ago, undecided. */
	public boolean any(Duration after, Set<String> accountIds) {
		Instant now = clock.instant();
		return rawLog.anyStranded(now.minus(HORIZON), now.minus(after), accountIds, MAX_TRIES);
	}

	/** Runs the stranded rows again, oldest first, at most {@code limit}; the rest wait for the next run. */
	public Summary rerun(Duration after, Set<String> accountIds, int limit, String actor) {
		Instant now = clock.instant();
		Instant receivedBefore = now.minus(after);
		int rerun = 0;
		int failedAgain = 0;
		for (long id : rawLog.stranded(now.minus(HORIZON), receivedBefore, accountIds, MAX_TRIES, limit)) {
			Verdict verdict = reprocessor.reprocess(id, actor).map(NotificationProcessor.Outcome::verdict).orElse(null);
			if (verdict == null) {
				continue; // deleted meanwhile (retention)
			}
			rerun++;
			if (verdict == Verdict.ERROR) {
				failedAgain++;
			}
		}
		if (rerun > 0) {
			log.info("{}: {} stranded notification(s) decided, {} failed again", actor, rerun - failedAgain, failedAgain);
		}
		return new Summary(rerun, failedAgain);
	}
}
