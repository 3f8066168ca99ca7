package com.payrecon.provider;

/**
 * A token bucket: {@code ratePerSecond} tokens per second, at most {@code max(1, ratePerSecond)} saved up. A caller
 * reserves a token and is told how long to wait for it, so waiting callers are served in order.
 */
final class TokenBucket {

	private final double tokensPerNano;
	private final double capacity;
	private double tokens;
	private long last;

	TokenBucket(double ratePerSecond, long nowNanos) {
		this.tokensPerNano = ratePerSecond / 1_000_000_000d;
		this.capacity = Math.max(1d, ratePerSecond);
		this.tokens = capacity;
		this.last = nowNanos;
	}

	/** Takes one token; returns the nanoseconds to wait before using it (0 when one was available). */
	synchronized long reserve(long nowNanos) {
		tokens = Math.min(capacity, tokens + (nowNanos - last) * tokensPerNano);
		last = nowNanos;
		tokens -= 1;
		return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / tokensPerNano);
	}
}
