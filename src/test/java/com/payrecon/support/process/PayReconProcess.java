package com.payrecon.support.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A whole PayRecon as a separate operating-system process: the same {@code java} as this JVM, this JVM's class path,
 * main class {@code com.payrecon.PayReconApplication}, configured by Spring properties passed as {@code --key=value}
 * (those named {@code *.password} in {@code SPRING_APPLICATION_JSON} instead, out of sight of {@code ps}),
 * output to a log file. It can be killed like a crashed machine ({@link #kill()}: SIGKILL, no shutdown hooks) and
 * started again with the same port and properties ({@link #restart()}). Used by the node-death test and the chaos run.
 */
public final class PayReconProcess implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
	public static final JsonMapper JSON = JsonMapper.builder().build();
	private static final String STARTED = "Started PayReconApplication";
	private static final String FAILED = "Application run failed";

	private final String name;
	private final Path logDir;
	private final int port;
	private final Map<String, String> properties;
	private final List<String> jvmOptions;
	private Process process;
	private Path log;
	private int starts;

	private PayReconProcess(String name, Path logDir, int port, Map<String, String> properties, List<String> jvmOptions) {
		this.name = name;
		this.logDir = logDir;
		this.port = port;
		this.properties = properties;
		this.jvmOptions = jvmOptions;
	}

	/**
	 * Starts a node (without waiting for it; see {@link #awaitStarted}). {@code server.port} is chosen here unless the
	 * properties name one. Logs go to {@code logDir/<name>-<n>.log}, one file per start.
	 */
	public static PayReconProcess start(String name, Path logDir, Map<String, String> properties, String... jvmOptions) {
		Map<String, String> all = new LinkedHashMap<>(properties);
		int port = all.containsKey("server.port") ? Integer.parseInt(all.get("server.port")) : freePort();
		all.put("server.port", String.valueOf(port));
		// as in production, the second factor is on and needs a master key: one per node, kept across restarts
		all.putIfAbsent("payrecon.secrets.master-key", randomMasterKey());
		PayReconProcess node = new PayReconProcess(name, logDir, port, all, List.of(jvmOptions));
		node.launch();
		return node;
	}

	private static String randomMasterKey() {
		byte[] key = new byte[32];
		new java.security.SecureRandom().nextBytes(key);
		return java.util.Base64.getEncoder().encodeToString(key);
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void launch() {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx512m");
		command.add("-XX:+UseSerialGC");
		command.add("-XX:TieredStopAtLevel=1"); // start-up speed matters more than peak speed here
		command.add("-Dpayrecon.process.name=" + name);
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add("com.payrecon.PayReconApplication");
		// passwords travel in the environment (readable by this user only), not on the command line that anyone's ps shows
		Map<String, String> secret = new LinkedHashMap<>();
		properties.forEach((key, value) -> {
			if (key.endsWith(".password")) {
				secret.put(key, value);
			}
			else {
				command.add("--" + key + "=" + value);
			}
		});
		try {
			Files.createDirectories(logDir);
			log = logDir.resolve(name + "-" + (++starts) + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			if (!secret.isEmpty()) {
				builder.environment().put("SPRING_APPLICATION_JSON", JSON.writeValueAsString(secret));
			}
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + name, ex);
		}
	}

	/** Waits for Spring Boot's "Started" line and an answering HTTP port; fails with the log's tail if it died. */
	public PayReconProcess awaitStarted(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail(60));
			}
			String text = logText();
			if (text.contains(FAILED)) { // the context failed; a stray non-daemon thread may keep the JVM alive
				kill();
				throw new IllegalStateException(name + " failed to start:\n" + logTail(60));
			}
			if (text.contains(STARTED) && answers()) {
				return this;
			}
			sleep(200);
		}
		throw new IllegalStateException(name + " did not start within " + timeout + ":\n" + logTail(60));
	}

	/** Waits until the current log has a line matching {@code regex} (e.g. Flyway's "Successfully applied"). */
	public PayReconProcess awaitLog(String regex, Duration timeout) {
		java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (pattern.matcher(logText()).find()) {
				return this;
			}
			if (!process.isAlive()) {
				throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail(60));
			}
			sleep(200);
		}
		throw new IllegalStateException(name + " logged no /" + regex + "/ within " + timeout + ":\n" + logTail(60));
	}

	private boolean answers() {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(url("/login"))).timeout(Duration.ofSeconds(5)).GET().build();
			return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() < 500;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** SIGKILL: no shutdown hook, no graceful shutdown, open transactions are left to the database to roll back. */
	public void kill() {
		if (process != null && process.isAlive()) {
			process.destroyForcibly();
			waitFor(Duration.ofSeconds(30));
		}
	}

	/** SIGTERM: Spring's graceful shutdown. */
	public void stop() {
		if (process != null && process.isAlive()) {
			process.destroy();
			if (!waitFor(Duration.ofSeconds(60))) {
				kill();
			}
		}
	}

	/** Starts the node again on the same port with the same properties (a new log file). */
	public PayReconProcess restart() {
		if (process != null && process.isAlive()) {
			throw new IllegalStateException(name + " is still running");
		}
		launch();
		return this;
	}

	private boolean waitFor(Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	public boolean isAlive() {
		return process != null && process.isAlive();
	}

	public long pid() {
		return process.pid();
	}

	public String name() {
		return name;
	}

	public int port() {
		return port;
	}

	public String url(String path) {
		return "http://127.0.0.1:" + port + path;
	}

	public Path log() {
		return log;
	}

	public String logText() {
		try {
			return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "";
		}
	}

	public String logTail(int lines) {
		List<String> all = logText().lines().toList();
		return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
	}

	// ---- HTTP against the node ------------------------------------------------------------------------------------

	/** A JSON request; the answer's status and body (parsed when it is JSON). Connection trouble is an exception. */
	public Answer send(String method, String path, Object body, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
		headers.forEach(request::header);
		try {
			HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			return new Answer(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(method + " " + url(path) + ": " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A response: status and text. */
	public record Answer(int status, String body) {

		public JsonNode json() {
			return JSON.readTree(body);
		}

		public Answer expect(int... accepted) {
			for (int s : accepted) {
				if (s == status) {
					return this;
				}
			}
			throw new IllegalStateException("HTTP " + status + ": " + body);
		}
	}

	@Override
	public void close() {
		kill();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return name + (process == null ? "" : " (pid " + process.pid() + ", port " + port + ")");
	}
}
