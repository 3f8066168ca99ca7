package com.payrecon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

/**
 * With {@code -Dbench.trace=<dir>}: the database server's InnoDB counters every 100 ms while an open loop runs, as
 * {@code <label>-db.csv} beside the loop's own trace (milliseconds from the loop's start), to lay a latency stall
 * beside the server's checkpoint age, dirty pages and flushing. Off (and costing nothing) without the property.
 */
final class DbTrace implements AutoCloseable {

	static final List<String> COUNTERS = List.of("Innodb_checkpoint_age", "Innodb_buffer_pool_pages_dirty",
			"Innodb_buffer_pool_pages_flushed", "Innodb_log_waits", "Innodb_data_fsyncs",
			"Innodb_buffer_pool_wait_free", "Innodb_row_lock_current_waits", "Threads_running");

	private final Thread sampler;
	private final StringBuilder csv = new StringBuilder();
	private final Path file;
	private volatile boolean running = true;

	private DbTrace(DataSource dataSource, Path file) {
		this.file = file;
		csv.append("ms,").append(String.join(",", COUNTERS)).append('\n');
		long start = System.nanoTime();
		sampler = Thread.ofPlatform().name("bench-db-trace").start(() -> {
			try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
				String sql = "show global status where variable_name in ('" + String.join("','", COUNTERS) + "')";
				while (running) {
					java.util.Map<String, String> values = new java.util.HashMap<>();
					try (ResultSet r = s.executeQuery(sql)) {
						while (r.next()) {
							values.put(r.getString(1).toLowerCase(), r.getString(2));
						}
					}
					csv.append((System.nanoTime() - start) / 1_000_000);
					for (String counter : COUNTERS) {
						csv.append(',').append(values.getOrDefault(counter.toLowerCase(), ""));
					}
					csv.append('\n');
					Thread.sleep(100);
				}
			}
			catch (SQLException | InterruptedException ex) {
				csv.append("# stopped: ").append(ex).append('\n');
			}
		});
	}

	/** A sampler for the loop {@code label}, or none when tracing is off. */
	static DbTrace start(DataSource dataSource, String label) {
		String dir = System.getProperty("bench.trace");
		return dir == null ? null : new DbTrace(dataSource, Path.of(dir, label + "-db.csv"));
	}

	@Override
	public void close() throws InterruptedException {
		running = false;
		sampler.join();
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, csv);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
