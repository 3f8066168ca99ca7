package com.payrecon.account;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps this node's keys in step with the database, on one daemon thread of its own (not a batch-jobs entry):
 * every {@code payrecon.keys.sync-interval} (5 s) it re-reads the certificates and the replaced keys when another
 * node changed them ({@link ProviderCertificates#sync}, {@link AccountKeys#sync}), and every minute it starts the
 * scheduled certificate downloads ({@link ProviderCertificates#scheduledRefreshes}). So a key replaced in the console
 * or a certificate downloaded by one node is in force on every node within the sync interval plus one query.
 */
@Component
class KeySync implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(KeySync.class);

	private final ProviderCertificates certificates;
	private final AccountKeys keys;
	private final KeysProperties properties;
	private volatile @Nullable ScheduledExecutorService timer;

	KeySync(ProviderCertificates certificates, AccountKeys keys, KeysProperties properties) {
		this.certificates = certificates;
		this.keys = keys;
		this.properties = properties;
	}

	@Override
	public void start() {
		certificates.reload();
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "key-sync");
			t.setDaemon(true);
			return t;
		});
		long sync = Math.max(100, properties.syncInterval().toMillis());
		executor.scheduleWithFixedDelay(() -> {
			quietly("certificate sync", certificates::sync);
			quietly("replaced-key sync", keys::sync);
		}, sync, sync, TimeUnit.MILLISECONDS);
		// downloads run on their own thread: a slow provider must not hold back the sync
		ScheduledExecutorService downloads = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "certificate-refresh");
			t.setDaemon(true);
			return t;
		});
		downloads.scheduleWithFixedDelay(() -> quietly("scheduled refresh", certificates::scheduledRefreshes), 5, 60,
				TimeUnit.SECONDS);
		this.timer = executor;
		this.downloadTimer = downloads;
	}

	private volatile @Nullable ScheduledExecutorService downloadTimer;

	private static void quietly(String what, Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			log.warn("key sync: {} failed: {}", what, ex.toString());
		}
	}

	@Override
	public void stop() {
		for (ScheduledExecutorService executor : new ScheduledExecutorService[] { timer, downloadTimer }) {
			if (executor != null) {
				executor.shutdownNow();
			}
		}
		timer = null;
		downloadTimer = null;
	}

	@Override
	public boolean isRunning() {
		return timer != null;
	}

	@Override
	public int getPhase() {
		return 0; // after the database is up, before the web server takes requests
	}
}
