package com.payrecon.support.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies (issue 11: {@code /api/**} and the sandbox). A declared {@code Content-Length} above the cap is
 * answered 413 before anything is read; a body without one (chunked) is read through a stream that fails as soon as
 * it passes the cap, and the error the application then answers is turned into 413 as well. Nothing beyond the cap
 * is read into memory. (Form bodies that Tomcat parses itself are bounded by {@code server.tomcat.max-http-form-post-size}.)
 */
public final class BodyLimitFilter extends OncePerRequestFilter {

	private final long maxBytes;

	public BodyLimitFilter(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/** Thrown by the capped stream: the body went past the cap. */
	static final class BodyTooLarge extends IOException {
		BodyTooLarge(long maxBytes) {
			super("the request body exceeds " + maxBytes + " bytes");
		}
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > maxBytes) {
			response.setHeader("Connection", "close"); // do not read (swallow) the rest
			response.sendError(HttpStatus.PAYLOAD_TOO_LARGE.value());
			return;
		}
		CappedRequest capped = new CappedRequest(request, maxBytes);
		chain.doFilter(capped, new HttpServletResponseWrapper(response) {
			@Override
			public void sendError(int sc) throws IOException {
				super.sendError(capped.exceeded ? HttpStatus.PAYLOAD_TOO_LARGE.value() : sc);
			}

			@Override
			public void sendError(int sc, String msg) throws IOException {
				super.sendError(capped.exceeded ? HttpStatus.PAYLOAD_TOO_LARGE.value() : sc, msg);
			}

			@Override
			public void setStatus(int sc) {
				super.setStatus(capped.exceeded && sc >= 400 ? HttpStatus.PAYLOAD_TOO_LARGE.value() : sc);
			}
		});
	}

	private static final class CappedRequest extends HttpServletRequestWrapper {

		private final long maxBytes;
		private ServletInputStream stream;
		volatile boolean exceeded;

		CappedRequest(HttpServletRequest request, long maxBytes) {
			super(request);
			this.maxBytes = maxBytes;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (stream == null) {
				stream = new CappedStream(super.getInputStream());
			}
			return stream;
		}

		private final class CappedStream extends ServletInputStream {

			private final ServletInputStream in;
			private long read;

			CappedStream(ServletInputStream in) {
				this.in = in;
			}

			@Override
			public int read() throws IOException {
				int b = in.read();
				if (b >= 0) {
					count(1);
				}
				return b;
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				int n = in.read(buffer, offset, (int) Math.min(length, maxBytes - read + 1));
				if (n > 0) {
					count(n);
				}
				return n;
			}

			private void count(int n) throws BodyTooLarge {
				read += n;
				if (read > maxBytes) {
					exceeded = true;
					throw new BodyTooLarge(maxBytes);
				}
			}

			@Override
			public boolean isFinished() {
				return in.isFinished();
			}

			@Override
			public boolean isReady() {
				return in.isReady();
			}

			@Override
			public void setReadListener(ReadListener listener) {
				in.setReadListener(listener);
			}
		}
	}
}
