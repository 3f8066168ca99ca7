package com.payrecon.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import com.payrecon.account.Account;
import com.payrecon.provider.PaymentProvider.PlaceResult;

/** Small helpers shared by the provider clients. */
public final class ProviderSupport {

	private static final SecureRandom RANDOM = new SecureRandom();
	private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private ProviderSupport() {
	}

	/** {@code length} random letters and digits (v2 {@code nonce_str}, v3 {@code nonce_str}). */
	public static String nonce(int length) {
		char[] out = new char[length];
		for (int i = 0; i < length; i++) {
			out[i] = ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)];
		}
		return new String(out);
	}

	/** The account's base URL without a trailing slash, or {@code fallback} when none is configured. */
	public static String base(Account account, String fallback) {
		URI base = account.baseUrl();
		String text = base == null ? fallback : base.toString();
		return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
	}

	public static String utf8(byte[] bytes) {
		return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
	}

	/** Cuts {@code text} to at most {@code max} UTF-8 bytes without splitting a character. */
	public static String truncateUtf8(String text, int max) {
		if (text == null || text.getBytes(StandardCharsets.UTF_8).length <= max) {
			return text;
		}
		StringBuilder sb = new StringBuilder();
		int bytes = 0;
		for (int cp : text.codePoints().toArray()) {
			int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
			if (bytes + n > max) {
				break;
			}
			sb.appendCodePoint(cp);
			bytes += n;
		}
		return sb.toString();
	}

	/** A placed order with the pay URL the provider returned ({@code field}), or UNPARSEABLE when it has none. */
	public static PlaceResult placed(String payUrl, String field, String raw) {
		return payUrl == null || payUrl.isEmpty() ? new PlaceResult(false, null, "UNPARSEABLE", "no " + field, raw)
				: new PlaceResult(true, payUrl, null, null, raw);
	}

	/** How a place call is counted and whether it is retried. */
	public static ProviderClient.Outcome placeOutcome(PlaceResult result) {
		return new ProviderClient.Outcome(result.placed() ? "placed" : "error",
				!result.placed() && ProviderClient.isTransient(result.errorCode()));
	}

	/**
	 * How a refund call is counted: never retried here (a refund request is sent again only after the provider said it
	 * has none; a query is repeated by the sweep's backoff).
	 */
	public static ProviderClient.Outcome refundOutcome(RefundAnswer answer) {
		return new ProviderClient.Outcome(answer.status().name().toLowerCase(java.util.Locale.ROOT), false);
	}

	/** A refund query is a question: a transient failure is asked again, as for order queries. */
	public static ProviderClient.Outcome refundQueryOutcome(RefundAnswer answer) {
		return new ProviderClient.Outcome(answer.status().name().toLowerCase(java.util.Locale.ROOT),
				answer.status() == RefundAnswer.Status.ERROR && ProviderClient.isTransient(answer.errorCode()));
	}

	public static PlaceResult notPlaced(ProviderAnswer error) {
		return new PlaceResult(false, null, error.errorCode(), error.errorMessage(), error.rawResponse());
	}

	/** Error for a provider outcome this channel does not offer. */
	public static ProviderAnswer unsupported(String outTradeNo, String what) {
		return ProviderAnswer.error(outTradeNo, "UNSUPPORTED", what, null);
	}
}
