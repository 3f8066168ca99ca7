package com.payrecon.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks' symmetric scheme {@code v1} (shared/protocols-refunds-credentials.md F.1, vector G5): the
 * secret is {@code whsec_} + base64 of 24 to 64 random bytes; the signature is
 * {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)) over the exact body bytes sent. During a
 * rotation's overlap the header carries both signatures, space-separated; verifiers accept any that matches.
 */
public final class WebhookSignature {

	public static final String PREFIX = "whsec_";
	private static final SecureRandom RANDOM = new SecureRandom();

	private WebhookSignature() {
	}

	/** A new secret: 32 random bytes. */
	public static String newSecret() {
		byte[] key = new byte[32];
		RANDOM.nextBytes(key);
		return PREFIX + Base64.getEncoder().encodeToString(key);
	}

	/** The HMAC key of a {@code whsec_…} secret; refused (without echoing it) when it is not one. */
	public static byte[] key(String secret) {
		if (secret == null || !secret.startsWith(PREFIX)) {
			throw new IllegalArgumentException("not a whsec_ secret");
		}
		byte[] key;
		try {
			key = Base64.getDecoder().decode(secret.substring(PREFIX.length()).strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("whsec_ secret: not base64");
		}
		if (key.length < 24 || key.length > 64) {
			throw new IllegalArgumentException("whsec_ secret: must hold 24 to 64 bytes, holds " + key.length);
		}
		return key;
	}

	/** {@code v1,<base64>} for one key. */
	public static String sign(byte[] key, String id, long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 unavailable", ex);
		}
	}

	/**
	 * A receiver's check, as Standard Webhooks' libraries make it: the timestamp within {@code tolerance} of
	 * {@code now}, and one {@code v1} entry of the header equal (constant time) to the signature with {@code key};
	 * entries of other versions are skipped. For the demo's receiver and for consumers written in Java.
	 */
	public static boolean verify(byte[] key, String id, String timestamp, String signatureHeader, byte[] body,
			java.time.Instant now, java.time.Duration tolerance) {
		long seconds;
		try {
			seconds = Long.parseLong(timestamp.strip());
		}
		catch (NumberFormatException ex) {
			return false;
		}
		if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
			return false;
		}
		byte[] expected = sign(key, id, seconds, body).getBytes(StandardCharsets.US_ASCII);
		boolean match = false;
		for (String entry : signatureHeader.strip().split(" +")) {
			if (entry.startsWith("v1,")) {
				match |= java.security.MessageDigest.isEqual(expected, entry.getBytes(StandardCharsets.US_ASCII));
			}
		}
		return match;
	}

	/** The {@code webhook-signature} header: one signature per key (current first), space-separated. */
	public static String header(List<byte[]> keys, String id, long timestamp, byte[] body) {
		return keys.stream().map(k -> sign(k, id, timestamp, body)).collect(Collectors.joining(" "));
	}
}
