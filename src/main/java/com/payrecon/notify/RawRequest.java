package com.payrecon.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Channel;

/**
 * A request to a notify URL exactly as it arrived: stored before anything reads it.
 *
 * @param kind NOTIFY (asynchronous notification) or RETURN (Alipay's browser redirect)
 * @param headers header names in lower case, values in arrival order
 * @param body up to the configured limit
 * @param bodyLength bytes received in total (may exceed {@code body.length})
 */
public record RawRequest(Instant receivedAt, Channel channel, String kind, String accountId, String method,
		String requestUri, String queryString, String remoteAddr, String contentType, Map<String, List<String>> headers,
		byte[] body, long bodyLength, boolean truncated, String bodySha256) {

	public static final String NOTIFY = "NOTIFY";
	public static final String RETURN = "RETURN";

	/** First value of a header, case-insensitive; null when absent. */
	public String header(String name) {
		List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
		return values == null || values.isEmpty() ? null : values.get(0);
	}
}
