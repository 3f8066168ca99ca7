package com.payrecon.scheduling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One job of the {@code batch-jobs/} catalogue, as read and validated from its file.
 *
 * @param name the Spring Batch job name (kebab-case), also the Quartz job name
 * @param cron a Quartz cron expression (seconds first), evaluated in {@code zone}
 * @param zone the zone the cron's wall-clock times and the business date are in
 * @param enabled false: no trigger, but operators can still run it
 * @param runKey what makes two firings the same run
 * @param parameters job parameters (names as the job expects them), values as strings, longs or doubles
 * @param source the file it came from, for messages
 */
public record CatalogueEntry(String name, String cron, ZoneId zone, boolean enabled, RunKey runKey,
		Map<String, Object> parameters, String source) {

	/** The identifying job parameter: a re-fire of the same slot (or day) is the same job instance, never a second run. */
	public enum RunKey {

		/** One run per scheduled fire time ({@code fireTime}). */
		FIRE_TIME("fire-time"),
		/** One run per business day in the entry's zone ({@code businessDate}); for daily jobs. */
		BUSINESS_DATE("business-date");

		private final String wireName;

		RunKey(String wireName) {
			this.wireName = wireName;
		}

		public String wireName() {
			return wireName;
		}
	}

	/** A stable digest of everything that shapes the trigger and the runs; a change replaces the trigger at start-up. */
	String fingerprint() {
		String text = cron + "|" + zone.getId() + "|" + runKey + "|" + new TreeMap<>(parameters);
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
