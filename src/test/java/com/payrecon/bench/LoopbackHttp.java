package com.payrecon.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The notify benchmark's load generator: an HTTP/1.1 client of the least work, blocking sockets on the caller's
 * (virtual) thread, keep-alive connections kept in a pool and taken by whoever posts next, a new connection when none
 * is idle (so an open loop opens as many as it has requests in flight, as providers' servers do). It runs in the
 * measured JVM on the same two cores as the application; the JDK's HttpClient (a selector thread, asynchronous
 * stages and a body publisher and subscriber per request) cost about an eighth of that JVM's CPU per notification,
 * which a provider's server spends on its own machine (issue 17, docs/benchmarks.md section 7).
 * <p>
 * Only what the notify URLs answer is read: a status line, headers, and a body by {@code Content-Length}, chunked, or
 * none (204, 304). A connection the server closes ({@code Connection: close}, Tomcat's limit of requests per
 * connection) is dropped; an idle one older than {@link #MAX_IDLE_NANOS} is not reused (the server may have timed it
 * out), and a request on a reused connection that meets its end before any byte of an answer is sent once more on a
 * new one.
 */
final class LoopbackHttp implements AutoCloseable {

	static final long MAX_IDLE_NANOS = 5_000_000_000L;

	private static final String HOST = "127.0.0.1";

	private final int port;
	private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

	LoopbackHttp(int port) {
		this.port = port;
	}

	/** An answer: its status and its body as text. */
	record Answer(int status, String body) {
	}

	Answer post(String path, String contentType, Map<String, String> headers, byte[] body) throws IOException {
		StringBuilder head = new StringBuilder(256).append("POST ")
			.append(path)
			.append(" HTTP/1.1\r\nHost: ")
			.append(HOST)
			.append(':')
			.append(port)
			.append("\r\nContent-Type: ")
			.append(contentType)
			.append("\r\nContent-Length: ")
			.append(body.length)
			.append("\r\n");
		headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
		head.append("\r\n");
		byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		byte[] request = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, request, 0, headBytes.length);
		System.arraycopy(body, 0, request, headBytes.length, body.length);

		Connection reused = takeIdle();
		if (reused != null) {
			try {
				return exchange(reused, request);
			}
			catch (NoAnswer ex) {
				reused.close(); // closed by the server while idle: the request never reached it
			}
		}
		return exchange(open(), request);
	}

	private Answer exchange(Connection c, byte[] request) throws IOException {
		boolean keep = false;
		try {
			c.out.write(request);
			c.out.flush();
			Answer answer = c.read();
			keep = c.reusable;
			return answer;
		}
		finally {
			if (keep) {
				c.lastUsed = System.nanoTime();
				idle.offerFirst(c);
			}
			else {
				c.close();
			}
		}
	}

	private Connection takeIdle() {
		Connection c;
		while ((c = idle.pollFirst()) != null) {
			if (System.nanoTime() - c.lastUsed < MAX_IDLE_NANOS) {
				return c;
			}
			c.close();
		}
		return null;
	}

	private Connection open() throws IOException {
		Socket socket = new Socket();
		socket.setTcpNoDelay(true);
		socket.connect(new InetSocketAddress(HOST, port), 5_000);
		socket.setSoTimeout(30_000);
		return new Connection(socket);
	}

	@Override
	public void close() {
		Connection c;
		while ((c = idle.pollFirst()) != null) {
			c.close();
		}
	}

	/** The connection ended before the first byte of an answer. */
	static final class NoAnswer extends IOException {
		NoAnswer() {
			super("the connection ended before an answer");
		}
	}

	private static final class Connection {
		final Socket socket;
		final OutputStream out;
		final InputStream in;
		long lastUsed;
		boolean reusable;

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			this.out = socket.getOutputStream();
			this.in = new BufferedInputStream(socket.getInputStream(), 8192);
		}

		Answer read() throws IOException {
			int first = in.read();
			if (first < 0) {
				throw new NoAnswer();
			}
			String status = line(first);
			if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
				throw new IOException("not an HTTP/1.1 answer: " + status);
			}
			int code = Integer.parseInt(status.substring(9, 12));
			long length = -1;
			boolean chunked = false;
			boolean close = false;
			for (String header = line(in.read()); !header.isEmpty(); header = line(in.read())) {
				int colon = header.indexOf(':');
				if (colon < 0) {
					continue;
				}
				String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = header.substring(colon + 1).trim();
				switch (name) {
					case "content-length" -> length = Long.parseLong(value);
					case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
					case "connection" -> close = value.equalsIgnoreCase("close");
					default -> {
					}
				}
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			if (code == 204 || code == 304 || code / 100 == 1) {
				// no body
			}
			else if (chunked) {
				for (long size = Long.parseLong(line(in.read()).split(";")[0].trim(), 16); size > 0;
						size = Long.parseLong(line(in.read()).split(";")[0].trim(), 16)) {
					copy(size, body);
					line(in.read());
				}
				while (!line(in.read()).isEmpty()) { // trailers
				}
			}
			else if (length >= 0) {
				copy(length, body);
			}
			else { // to the end of the connection
				in.transferTo(body);
				close = true;
			}
			reusable = !close;
			return new Answer(code, body.toString(StandardCharsets.UTF_8));
		}

		private void copy(long length, ByteArrayOutputStream to) throws IOException {
			byte[] buffer = new byte[(int) Math.min(8192, Math.max(1, length))];
			for (long left = length; left > 0;) {
				int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
				if (n < 0) {
					throw new EOFException("the answer ended " + left + " bytes early");
				}
				to.write(buffer, 0, n);
				left -= n;
			}
		}

		/** A line, from its first byte {@code c} on, without its CRLF. */
		private String line(int c) throws IOException {
			StringBuilder line = new StringBuilder(64);
			for (; c >= 0 && c != '\n'; c = in.read()) {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			if (c < 0) {
				throw new EOFException("the answer ended within a line");
			}
			return line.toString();
		}

		void close() {
			try {
				socket.close();
			}
			catch (IOException ignored) {
				// closing
			}
		}
	}
}
