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
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads a notify request's body before anything else looks at it, with a total deadline (issue 11): the servlet
 * container's read timeout applies to each read only, so a sender trickling one byte every few seconds could hold a
 * connection and a thread for as long as it liked. The body is read without blocking (a {@link ReadListener} under
 * an {@link AsyncContext} whose timeout is {@code payrecon.notify.read-deadline}); when it is complete the request
 * is dispatched on with the bytes as {@link #BODY}, when the deadline passes first the sender gets 408 and the
 * connection is closed. Of the body only the first {@code max-body-bytes} are kept; all of it (up to 16 MiB) is
 * counted and hashed.
 */
class NotifyBodyFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(NotifyBodyFilter.class);
	static final String BODY = NotifyBodyFilter.class.getName() + ".body";
	/** Reading stops here even for hashing: a body this large is an attack, not a notification. */
	static final long HARD_READ_LIMIT = 16L * 1024 * 1024;

	/** What arrived: the kept prefix, the total length and the SHA-256 of all of it. */
	record ReceivedBody(byte[] prefix, long total, String sha256) {
	}

	private final int maxBodyBytes;
	private final Duration deadline;

	NotifyBodyFilter(int maxBodyBytes, Duration deadline) {
		this.maxBodyBytes = maxBodyBytes;
		this.deadline = deadline;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!request.isAsyncSupported() || !"POST".equals(request.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		AsyncContext async = request.startAsync();
		async.setTimeout(deadline.toMillis());
		Collector body = new Collector(maxBodyBytes);
		AtomicBoolean finished = new AtomicBoolean();
		async.addListener(new AsyncListener() {
			@Override
			public void onTimeout(AsyncEvent event) throws IOException {
				if (finished.compareAndSet(false, true)) {
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
		ServletInputStream in = request.getInputStream();
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
