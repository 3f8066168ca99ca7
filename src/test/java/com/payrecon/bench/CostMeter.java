package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.sql.DataSource;

/**
 * What a timed run cost, from counters that a shared machine does not distort much: CPU time of this JVM and of the
 * database server ({@code /proc/<pid>/stat} utime + stime), busy CPU of the whole machine ({@code /proc/stat}) so
 * that what other processes used meanwhile can be shown, and the server's {@code SHOW GLOBAL STATUS} counters
 * ({@code Questions}: statements clients sent, i.e. round trips; {@code Com_*}: by kind). Linux only; on another
 * system (or a database on another machine) the figures it cannot read are NaN.
 */
final class CostMeter {

	/** Clock ticks per second of /proc's times (USER_HZ; 100 on every Linux this runs on). */
	private static final double HZ = 100;

	private final DataSource dataSource;
	private final long dbPid;

	CostMeter(DataSource dataSource) {
		this.dataSource = dataSource;
		this.dbPid = serverPid(dataSource);
	}

	/** Counters at one moment. */
	record Snapshot(long nanos, long jvmTicks, long dbTicks, long busyTicks, Map<String, Long> status) {
	}

	/** Per unit of work between two snapshots. */
	record Cost(double jvmMs, double dbMs, double roundTrips, double otherCores, Map<String, Double> statements) {

		String statementsText() {
			return statements.entrySet().stream().filter(e -> e.getValue() >= 0.05)
				.map(e -> f("%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
		}
	}

	/** What the application does on its own while idle (schedulers, pollers), per second; subtracted from runs. */
	private Snapshot idleFrom;
	private Snapshot idleTo;

	/** Measures the idle rates over {@code millis} (no load must run meanwhile). */
	void measureIdle(long millis) throws InterruptedException {
		idleFrom = snapshot();
		Thread.sleep(millis);
		idleTo = snapshot();
	}

	/** Statements per second while idle, for the report. */
	double idleStatementsPerSecond() {
		return idleFrom == null ? 0
				: (idleTo.status().getOrDefault("Questions", 0L) - idleFrom.status().getOrDefault("Questions", 0L) - 1)
						/ ((idleTo.nanos() - idleFrom.nanos()) / 1e9);
	}

	Snapshot snapshot() {
		return new Snapshot(System.nanoTime(), ticks("self"), dbPid > 0 ? ticks(Long.toString(dbPid)) : -1, busyTicks(),
				status());
	}

	/** The cost per unit of {@code units} done between {@code a} and {@code b}. */
	Cost between(Snapshot a, Snapshot b, int units) {
		double seconds = (b.nanos() - a.nanos()) / 1e9;
		double jvm = (b.jvmTicks() - a.jvmTicks()) / HZ;
		double db = a.dbTicks() < 0 ? Double.NaN : (b.dbTicks() - a.dbTicks()) / HZ;
		double busy = a.busyTicks() < 0 ? Double.NaN : (b.busyTicks() - a.busyTicks()) / HZ;
		double others = (busy - jvm - (Double.isNaN(db) ? 0 : db)) / seconds;
		// the application's idle work over the same time is not the run's
		double idleShare = idleFrom == null ? 0 : seconds / ((idleTo.nanos() - idleFrom.nanos()) / 1e9);
		double idleJvm = idleFrom == null ? 0 : (idleTo.jvmTicks() - idleFrom.jvmTicks()) / HZ * idleShare;
		double idleDb = idleFrom == null || idleFrom.dbTicks() < 0 ? 0
				: (idleTo.dbTicks() - idleFrom.dbTicks()) / HZ * idleShare;
		Map<String, Double> statements = new TreeMap<>();
		b.status().forEach((k, v) -> {
			if (k.startsWith("Com_") && !k.equals("Com_show_status")) {
				double d = v - a.status().getOrDefault(k, 0L) - idleDelta(k) * idleShare;
				if (d > 0) {
					statements.put(k.substring(4), d / units);
				}
			}
		});
		// the one SHOW GLOBAL STATUS of the second snapshot is not the run's
		double questions = b.status().getOrDefault("Questions", 0L) - a.status().getOrDefault("Questions", 0L) - 1
				- (idleFrom == null ? 0 : idleStatementsPerSecond() * seconds);
		return new Cost(1000 * (jvm - idleJvm) / units, 1000 * (db - idleDb) / units, questions / units,
				Math.max(0, others), statements);
	}

	private double idleDelta(String key) {
		return idleFrom == null ? 0 : idleTo.status().getOrDefault(key, 0L) - idleFrom.status().getOrDefault(key, 0L);
	}

	private Map<String, Long> status() {
		Map<String, Long> status = new TreeMap<>();
		try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
				ResultSet r = s.executeQuery("show global status where Variable_name = 'Questions' "
						+ "or Variable_name like 'Com\\_%'")) {
			while (r.next()) {
				try {
					status.put(r.getString(1), Long.parseLong(r.getString(2)));
				}
				catch (NumberFormatException notACounter) {
					// a few Com_ entries are not numbers on some versions
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return status;
	}

	/** utime + stime of a process, in clock ticks; -1 when unreadable. */
	private static long ticks(String pid) {
		try {
			String stat = Files.readString(Path.of("/proc", pid, "stat"));
			// fields after the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(f[11]) + Long.parseLong(f[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Busy ticks of all CPUs (everything but idle and iowait); -1 when unreadable. */
	private static long busyTicks() {
		try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
			String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
			long busy = 0;
			for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
				if (i != 4 && i != 5) {
					busy += Long.parseLong(f[i]);
				}
			}
			return busy;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** The database server's process id, from its pid file when the server runs on this machine; -1 otherwise. */
	private static long serverPid(DataSource dataSource) {
		try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
				ResultSet r = s.executeQuery("select @@pid_file, @@datadir")) {
			r.next();
			Path file = Path.of(r.getString(2)).resolve(r.getString(1)); // relative to the data directory if relative
			long pid = Long.parseLong(Files.readString(file).strip());
			return ticks(Long.toString(pid)) >= 0 ? pid : -1;
		}
		catch (SQLException | IOException | RuntimeException ex) {
			return -1;
		}
	}

}
