package com.payrecon.reconcile;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code payrecon.reconcile}: {@code archive-dir} (no longer used: bills are kept in the database, {@link BillArchive};
 * runs made before read the file they recorded), how large a bill may be, how many lines are matched per transaction, and how close to midnight a paid order may be
 * booked by the provider on the neighbouring day ({@code expected-window}).
 */
@ConfigurationProperties("payrecon.reconcile")
public record ReconcileProperties(@DefaultValue("data/bills") Path archiveDir,
		@DefaultValue("512MB") DataSize maxBillSize, @DefaultValue("5000") int chunkSize,
		@DefaultValue("15m") Duration expectedWindow) {

	public ReconcileProperties {
		if (chunkSize < 1 || chunkSize > 10_000) {
			throw new IllegalArgumentException("payrecon.reconcile.chunk-size: between 1 and 10000");
		}
		if (expectedWindow.isNegative() || expectedWindow.compareTo(Duration.ofHours(12)) > 0) {
			throw new IllegalArgumentException("payrecon.reconcile.expected-window: between 0 and 12h");
		}
	}
}
