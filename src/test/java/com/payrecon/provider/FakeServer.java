package com.payrecon.provider;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

/** A tiny provider stand-in on 127.0.0.1: handlers by path, every request recorded. */
public final class FakeServer implements AutoCloseable {

	public record Recorded(String method, String path, String query, Headers headers, byte[] body) {
		public String bodyText() {
			return new String(body, StandardCharsets.UTF_8);
		}
	}

	public record Response(int status, Map<String, String> headers, byte[] body, long delayMillis) {
		public static Response of(int status, String body) {
			return new Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8), 0);
		}

		public static Response of(int status, Map<String, String> headers, String body) {
			return new Response(status, headers, body.getBytes(StandardCharsets.UTF_8), 0);
		}

		public Response delayed(long millis) {
			return new Response(status, headers, body, millis);
		}
	}

	@FunctionalInterface
	public interface Handler {
		Response handle(Recorded request) throws Exception;
	}

	private final HttpServer server;
	private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
	public final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());

	public FakeServer() {
		try {
			server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/", exchange -> {
			try (exchange) {
				Recorded recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
						exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
						exchange.getRequestBody().readAllBytes());
				requests.add(recorded);
				Handler handler = handlers.get(recorded.path());
				Response response = handler == null ? Response.of(404, "no handler") : handler.handle(recorded);
				if (response.delayMillis() > 0) {
					Thread.sleep(response.delayMillis());
				}
				response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
				exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
				if (response.body().length > 0) {
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(response.body());
					}
				}
			}
			catch (Exception ex) {
				// the client went away (timeouts in tests)
			}
		});
		server.start();
	}

	public FakeServer on(String path, Handler handler) {
		handlers.put(path, handler);
		return this;
	}

	/** {@code http://127.0.0.1:port} + prefix. */
	public URI base(String prefix) {
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
	}

	public int count(String path) {
		synchronized (requests) {
			return (int) requests.stream().filter(r -> r.path().equals(path)).count();
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}
