package com.payrecon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Collects the figures of one {@code ./mvnw -Pbench verify} run and (re)writes docs/benchmarks.md after each
 * benchmark: the machine, the date, the JDK, the command, then one section per benchmark in a fixed order. Sections
 * of earlier runs are never mixed in: the file always holds the figures of this JVM's run only.
 */
public final class BenchReport {

	static final Path DOC = Path.of(System.getProperty("bench.doc", "docs/benchmarks.md"));
	private static final TreeMap<String, String> SECTIONS = new TreeMap<>();
	private static final Instant STARTED = Instant.now();
	private static String database = "?";
	/** Where the hand-written part of the document starts; it is kept when a run rewrites the rest. */
	static final String HAND_WRITTEN_MARK = "## 7. Where the time goes";
	private static final String HAND_WRITTEN = handWritten();

	private BenchReport() {
	}

	/** {@code bench.scale}: 1 = the full run; 0.01 checks the harness in a minute or two. */
	public static double scale() {
		return Double.parseDouble(System.getProperty("bench.scale", "1"));
	}

	/** {@code n} scaled, at least {@code min}. */
	public static int scaled(int n, int min) {
		return (int) Math.max(min, Math.round(n * scale()));
	}

	public static synchronized void database(String version) {
		database = version;
	}

	/** Adds or replaces the section {@code key} (sorted by key) and rewrites the document. */
	public static synchronized void section(String key, String markdown) {
		SECTIONS.put(key, markdown.strip() + "\n");
		System.out.println("[bench] " + key + "\n" + markdown);
		StringBuilder doc = new StringBuilder();
		doc.append("# Benchmarks\n\n");
		doc.append("""
				Written by `./mvnw -Pbench verify`: the harnesses `src/test/java/**/*Benchmark.java`, run by Failsafe in
				the `bench` profile only (they print figures; nothing fails on a slow machine, only on wrong results).
				Do not edit sections 1–6 by hand: run it again (section 7, written by hand from profiles, is kept).
				They share one application and one database, in this order: console
				(which leaves 1,000,000 orders and 5,000,000 notifications behind, so the later ones run against a
				database of realistic size), notify, repair time (in compressed time), retention, sweep, reconciliation. Options:
				`-Dbench.scale=0.01` (a quick check of the harnesses), `-Dpayrecon.it.db.url=jdbc:mysql://…` (a given MySQL/MariaDB instead of the
				embedded one; `-Dpayrecon.it.db.username/password`), `-Dbench.notify.clients` (16),
				`-Dbench.notify.seconds` (20), `-Dbench.notify.warm-up` (at least 15 s per channel, then until the JIT
				is quiet, at most 4 times that), `-Dbench.notify.channels` (`V2,V3,ALIPAY`: which and in what order),
				`-Dbench.notify.paced-seconds` (10), `-Dbench.notify.paced-share` (0.6: the open-loop run at that share
				of the ceiling) and `-Dbench.notify.low-share` (0.4: a second, lower one), `-Dbench.sweep.rate` (200),
				`-Dbench.sweep.concurrency` (32),
				`-Dbench.heap` (the benchmark JVM's initial and max heap, 1g; 512m shows issue 17's bound), `-Dbench.jvm`
				(more options for that JVM, e.g. `-Xlog:gc:file=target/gc.log:uptime`), `-Dbench.trace=<dir>` (each
				notify open loop's requests as CSV, due time and latency), `-Dbench.doc` (another
				file), `-Dit.test=ConsoleBenchmark,NotifyBenchmark` (some harnesses only), `-Dbench.console.profile=true`
				(per-statement server times of the dashboard). Most of a full run is seeding (the console's 6,000,000 rows,
				the retention's 1,000,000, 13,000,000 orders for the bills) and the sweep's 100,000 rate-limited
				questions.

				""");
		doc.append("| | |\n|---|---|\n");
		doc.append("| date | ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(STARTED.atOffset(ZoneOffset.UTC).withNano(0)))
			.append(" UTC |\n");
		doc.append("| command | `").append(command()).append("` |\n");
		doc.append("| scale | ").append(scale()).append(scale() < 1 ? " (**a check of the harness, not the figures**)" : "")
			.append(" |\n");
		doc.append("| machine | ").append(machine()).append(" |\n");
		doc.append("| JDK | ").append(System.getProperty("java.vm.vendor")).append(' ')
			.append(System.getProperty("java.runtime.version")).append(", max heap ")
			.append(Runtime.getRuntime().maxMemory() >> 20).append(" MB, ")
			.append(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
				.filter(a -> a.startsWith("-X") || a.startsWith("-XX:"))
				.map(a -> "`" + a + "`")
				.collect(java.util.stream.Collectors.joining(" ")))
			.append(" |\n");
		doc.append("| database | ").append(database).append(" |\n\n");
		SECTIONS.values().forEach(s -> doc.append(s).append('\n'));
		doc.append(HAND_WRITTEN);
		try {
			Files.createDirectories(DOC.toAbsolutePath().getParent());
			Files.writeString(DOC, doc.toString(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The document's hand-written tail (from {@link #HAND_WRITTEN_MARK} on), or nothing. */
	private static String handWritten() {
		try {
			String old = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
			int at = old.indexOf("\n" + HAND_WRITTEN_MARK);
			return at < 0 ? "" : old.substring(at + 1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String command() {
		StringBuilder c = new StringBuilder("./mvnw -Pbench verify");
		for (String p : List.of("bench.scale", "bench.heap", "bench.jvm", "bench.trace", "bench.notify.clients", "bench.notify.seconds",
				"bench.notify.warm-up", "bench.notify.paced-seconds", "bench.notify.paced-share", "bench.sweep.rate",
				"bench.sweep.concurrency", "payrecon.it.db.url")) {
			String v = System.getProperty(p);
			if (v != null && !v.isBlank()) {
				c.append(" -D").append(p).append('=').append(v);
			}
		}
		return c.toString();
	}

	static String machine() {
		String model = "?";
		long cpus = Runtime.getRuntime().availableProcessors();
		String memory = "?";
		try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
			model = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
				.findFirst().orElse("?");
		}
		catch (IOException | UncheckedIOException ignored) {
			// not Linux
		}
		try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
			memory = lines.filter(l -> l.startsWith("MemTotal")).map(l -> Arrays.stream(l.split("\\s+")).skip(1)
				.findFirst().map(kb -> (Long.parseLong(kb) >> 20) + " GB RAM").orElse("?")).findFirst().orElse("?");
		}
		catch (IOException | UncheckedIOException ignored) {
			// not Linux
		}
		double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return model + ", " + cpus + " CPUs available to the JVM, " + memory + ", " + System.getProperty("os.name") + " "
				+ System.getProperty("os.version") + String.format(Locale.ROOT, ", load average %.1f at the end", load);
	}

	/** Percentile {@code p} (0..100) of sorted nanosecond samples, in milliseconds. */
	public static double percentileMillis(long[] sortedNanos, double p) {
		if (sortedNanos.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(p / 100 * sortedNanos.length) - 1;
		return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
	}

	public static String f(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}
}
