package com.payrecon.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's webhook receiver, as a consumer would write one: the JDK's HTTP server, every request verified with
 * the official Standard Webhooks library ({@code com.standardwebhooks:standardwebhooks}) against the secrets it
 * knows. It records every request and answers what the test says ({@link #answer}); it notices two requests for the
 * same {@code webhook-id} in flight at once.
 */
public final class WebhookReceiver implements AutoCloseable {

	/** A request as received. {@code verified}: some known secret verifies it (id, timestamp, signature, body). */
	public record Received(String id, long timestamp, String signature, String body, boolean verified, Instant at,
			String host) {
	}

	/** What to answer: a status, after an optional delay, with optional headers. */
	public record Answer(int status, Duration delay, Map<String, String> headers) {

		public static Answer ok() {
			return new Answer(200, Duration.ZERO, Map.of());
		}

		public static Answer status(int status) {
			return new Answer(status, Duration.ZERO, Map.of());
		}
	}

	private final HttpServer server;
	private final List<Received> received = new CopyOnWriteArrayList<>();
	private final List<String> secrets = new CopyOnWriteArrayList<>();
	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
	private final List<String> overlaps = new CopyOnWriteArrayList<>();
	private volatile Function<Received, Answer> answers = r -> Answer.ok();

	private WebhookReceiver(HttpServer server) {
		this.server = server;
	}

	/** Listens on {@code 127.0.0.1} (or all addresses with {@code anyAddress}) on a free port. */
	public static WebhookReceiver start(boolean anyAddress, String... secrets) {
		try {
			HttpServer server = HttpServer.create(
					anyAddress ? new InetSocketAddress(0) : new InetSocketAddress("127.0.0.1", 0), 100);
			WebhookReceiver receiver = new WebhookReceiver(server);
			receiver.secrets.addAll(List.of(secrets));
			server.createContext("/", receiver::handle);
			server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			server.start();
			return receiver;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static WebhookReceiver start(String... secrets) {
		return start(false, secrets);
	}

	public int port() {
		return server.getAddress().getPort();
	}

	public String url(String path) {
		return "http://127.0.0.1:" + port() + path;
	}

	public void trust(String secret) {
		secrets.add(secret);
	}

	public void forget(String secret) {
		secrets.remove(secret);
	}

	public void answer(Function<Received, Answer> answers) {
		this.answers = answers;
	}

	public List<Received> received() {
		return List.copyOf(received);
	}

	public List<Received> received(Predicate<Received> which) {
		return received.stream().filter(which).toList();
	}

	/** Requests for one {@code webhook-id} that overlapped in time (should never happen). */
	public List<String> overlaps() {
		return List.copyOf(overlaps);
	}

	/** Waits until {@code condition} holds for the requests received, at most {@code timeout}. */
	public boolean await(Predicate<List<Received>> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.test(received())) {
				return true;
			}
			try {
				Thread.sleep(25);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return condition.test(received());
	}

	/** Whether a known secret verifies these headers and body, as the official library decides. */
	public boolean verifies(String id, String timestamp, String signature, String body) {
		var headers = Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(timestamp), "webhook-signature",
				List.of(signature));
		for (String secret : secrets) {
			try {
				new Webhook(secret).verify(body, headers);
				return true;
			}
			catch (Exception ex) {
				// not this one
			}
		}
		return false;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String id = header(exchange, "webhook-id");
		String timestamp = header(exchange, "webhook-timestamp");
		String signature = header(exchange, "webhook-signature");
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		AtomicInteger flying = inFlight.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger());
		if (flying.incrementAndGet() > 1) {
			overlaps.add(id);
		}
		try {
			boolean verified = id != null && timestamp != null && signature != null && verifies(id, timestamp, signature, body);
			Received r = new Received(id, timestamp == null ? 0 : Long.parseLong(timestamp), signature, body, verified,
					Instant.now(), header(exchange, "Host"));
			Answer answer = answers.apply(r);
			received.add(r);
			if (!answer.delay().isZero()) {
				Thread.sleep(answer.delay());
			}
			answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
			byte[] text = ("answered " + answer.status()).getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(answer.status(), text.length);
			exchange.getResponseBody().write(text);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			flying.decrementAndGet();
			exchange.close();
		}
	}

	private static String header(HttpExchange exchange, String name) {
		return exchange.getRequestHeaders().getFirst(name);
	}

	/** How many requests each {@code webhook-id} got. */
	public Map<String, Integer> countsById() {
		Map<String, Integer> counts = new java.util.HashMap<>();
		for (Received r : received) {
			counts.merge(r.id(), 1, Integer::sum);
		}
		return counts;
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
