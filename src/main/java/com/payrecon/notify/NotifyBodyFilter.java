package com.payrecon.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a notify request's body before anything else looks at it, with a total deadline (issue 11): the servlet
 * container's read timeout applies to each read only, so a sender trickling one byte every few seconds could hold a
 * connection and a thread for as long as it liked. The body is read without blocking. What the connector already
 * holds is taken at once; a body with a {@code Content-Length} that is all there (a provider's notification almost
 * always is: it arrives with its headers) goes straight on, in the request's own dispatch. Otherwise the rest is
 * awaited by a {@link ReadListener} under an {@link AsyncContext} whose timeout is
 * {@code payrecon.notify.read-deadline}; when it is complete the request is dispatched again (an ASYNC dispatch,
 * which comes back through this filter), when the deadline passes first the sender gets 408 and the connection is
 * closed. Either way the bytes go on as {@link #BODY}. Of the body only the first {@code max-body-bytes} are kept; all
 * of it (up to 16 MiB) is counted and hashed. How each body was read is counted ({@link #METRIC}).
 * <p>
 * With its body read, a notification in the plain form ({@link NotifyEndpoint#target}) is answered here by the
 * {@link NotifyEndpoint} and goes no further (issue 17); every other request goes on through the chain (Spring
 * Security, then {@link NotifyController}). This filter runs first of all (before the request observation and
 * Spring Security), for the REQUEST and ASYNC dispatches of {@code /notify/*}.
 */
class NotifyBodyFilter extends HttpFilter {

	private static final Logger log = LoggerFactory.getLogger(NotifyBodyFilter.class);
	static final String BODY = NotifyBodyFilter.class.getName() + ".body";
	/** Reading stops here even for hashing: a body this large is an attack, not a notification. */
	static final long HARD_READ_LIMIT = 16L * 1024 * 1024;
	/** Metric: notify bodies by how they were read: {@code at_once}, {@code awaited}, {@code cut_off} (408). */
	static final String METRIC = "payrecon.notify.bodies";

	/** What arrived: the kept prefix, the total length and the SHA-256 of all of it. */
	record ReceivedBody(byte[] prefix, long total, String sha256) {
	}

	private final int maxBodyBytes;
	private final Duration deadline;
	private final Counter atOnce;
	private final Counter awaited;
	private final Counter cutOff;
	private final NotifyEndpoint endpoint;

	NotifyBodyFilter(int maxBodyBytes, Duration deadline, MeterRegistry meters, NotifyEndpoint endpoint) {
		this.endpoint = endpoint;
		this.maxBodyBytes = maxBodyBytes;
		this.deadline = deadline;
		this.atOnce = counter(meters, "at_once");
		this.awaited = counter(meters, "awaited");
		this.cutOff = counter(meters, "cut_off");
	}

	private static Counter counter(MeterRegistry meters, String read) {
		return Counter.builder(METRIC)
			.description("notify request bodies by how they were read")
			.tag("read", read)
			.register(meters);
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getDispatcherType() == DispatcherType.ASYNC) { // the body arrived late (or could not be read)
			goOn(request, response, chain);
			return;
		}
		if (!request.isAsyncSupported() || !"POST".equals(request.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		Collector body = new Collector(maxBodyBytes);
		ServletInputStream in = request.getInputStream();
		if (readWhatIsThere(in, request.getContentLengthLong(), body)) {
			atOnce.increment();
			request.setAttribute(BODY, body.received());
			goOn(request, response, chain);
			return;
		}
		AsyncContext async = request.startAsync();
		async.setTimeout(deadline.toMillis());
		AtomicBoolean finished = new AtomicBoolean();
		async.addListener(new AsyncListener() {
			@Override
			public void onTimeout(AsyncEvent event) throws IOException {
				if (finished.compareAndSet(false, true)) {
					cutOff.increment();
					log.warn("notify {}: the body did not arrive within {} ({} bytes by then, from {}); cut off",
							request.getRequestURI(), deadline, body.total, request.getRemoteAddr());
					HttpServletResponse r = (HttpServletResponse) event.getAsyncContext().getResponse();
					r.setStatus(HttpServletResponse.SC_REQUEST_TIMEOUT);
					r.setHeader("Connection", "close");
					event.getAsyncContext().complete();
				}
			}

			@Override
			public void onComplete(AsyncEvent event) {
			}

			@Override
			public void onError(AsyncEvent event) {
			}

			@Override
			public void onStartAsync(AsyncEvent event) {
			}
		});
		in.setReadListener(new ReadListener() {
			private final byte[] buffer = new byte[8192];

			@Override
			public void onDataAvailable() throws IOException {
				while (in.isReady() && !in.isFinished()) {
					int n = in.read(buffer);
					if (n < 0) {
						return;
					}
					body.add(buffer, n);
					if (body.total >= HARD_READ_LIMIT) {
						onAllDataRead();
						return;
					}
				}
			}

			@Override
			public void onAllDataRead() {
				if (finished.compareAndSet(false, true)) {
					awaited.increment();
					request.setAttribute(BODY, body.received());
					async.dispatch();
				}
			}

			@Override
			public void onError(Throwable failure) {
				if (finished.compareAndSet(false, true)) {
					log.warn("notify {}: could not read the body ({})", request.getRequestURI(), failure.toString());
					async.dispatch(); // no BODY: the intake answers the channel's failure
				}
			}
		});
	}

	/** With the body read: the endpoint answers a plain notification; the chain takes anything else. */
	private void goOn(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		NotifyEndpoint.Target target = NotifyEndpoint.target(request);
		if (target == null) {
			chain.doFilter(request, response);
		}
		else {
			endpoint.answer(target, request, response);
		}
	}

	/**
	 * Takes what the connector holds of the body without waiting for more ({@code available()} is positive only when a
	 * read will not block); true when that is the whole body, as its {@code Content-Length} says, or the body ended
	 * (what came goes on, as the listener's end would send it). A body without a length, or one still on its way, is
	 * left to the listener with what was taken so far.
	 */
	private static boolean readWhatIsThere(ServletInputStream in, long length, Collector body) throws IOException {
		if (length <= 0 || length > HARD_READ_LIMIT) {
			return false;
		}
		byte[] buffer = new byte[(int) Math.min(length, 8192)];
		while (body.total < length && in.available() > 0) {
			int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - body.total));
			if (n < 0) {
				return true; // ended before its announced length: the intake judges what came
			}
			body.add(buffer, n);
		}
		return body.total == length;
	}

	private static final class Collector {
		private final int keep;
		private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
		private final MessageDigest sha256;
		private long total;

		Collector(int keep) {
			this.keep = keep;
			try {
				this.sha256 = MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

		void add(byte[] buffer, int n) {
			sha256.update(buffer, 0, n);
			kept.write(buffer, 0, (int) Math.max(0, Math.min(n, keep - total)));
			total += n;
		}

		ReceivedBody received() {
			return new ReceivedBody(kept.toByteArray(), total, HexFormat.of().formatHex(sha256.digest()));
		}
	}
}
