package com.payrecon.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat Pay APIv2 signature (protocols.md A.2): every field except {@code sign} whose value is non-empty, sorted by
 * key in byte order, joined as {@code k=v&...}, then {@code &key=<apiKey>} appended; MD5 or HMAC-SHA256 (keyed with
 * the API key, over the whole string including {@code &key=}), upper-case hex. {@code sign_type} is signed like any
 * other field, unknown fields are included, values are used exactly as received (no trimming, no URL-encoding).
 */
public final class WechatV2Signature {

	static final String SIGN = "sign";

	private WechatV2Signature() {
	}

	/** Computes the upper-case hex signature of {@code fields} (a {@code sign} entry is ignored). */
	public static String sign(Map<String, String> fields, String apiKey, WechatSignType type) {
		Objects.requireNonNull(type, "type");
		byte[] data = stringToSign(fields, apiKey).getBytes(StandardCharsets.UTF_8);
		try {
			return switch (type) {
				case MD5 -> Hex.upper(MessageDigest.getInstance("MD5").digest(data));
				case HMAC_SHA256 -> {
					Mac mac = Mac.getInstance("HmacSHA256");
					mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
					yield Hex.upper(mac.doFinal(data));
				}
			};
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("JDK lacks MD5 or HmacSHA256", ex);
		}
	}

	/**
	 * Recomputes the signature and compares it with {@code fields.get("sign")} in constant time. A missing or empty
	 * sign, a lower-case or wrong-length sign is {@code false}: WeChat sends upper-case hex, so nothing is normalised.
	 */
	public static boolean verify(Map<String, String> fields, String apiKey, WechatSignType type) {
		String received = fields.get(SIGN);
		if (received == null || received.isEmpty()) {
			return false;
		}
		byte[] expected = sign(fields, apiKey, type).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(expected, received.getBytes(StandardCharsets.UTF_8));
	}

	/** The exact string that is hashed: {@code k1=v1&k2=v2...&key=<apiKey>}; for tests and diagnostics. */
	public static String stringToSign(Map<String, String> fields, String apiKey) {
		Objects.requireNonNull(fields, "fields");
		if (apiKey == null || apiKey.isBlank()) { // a key anyone can guess: nothing is signed or verified with it
			throw new IllegalArgumentException("API key must not be empty");
		}
		List<Map.Entry<String, String>> entries = new ArrayList<>();
		for (Map.Entry<String, String> entry : fields.entrySet()) {
			String key = entry.getKey();
			String value = entry.getValue();
			if (key == null || key.isEmpty() || SIGN.equals(key) || value == null || value.isEmpty()) {
				continue;
			}
			entries.add(entry);
		}
		entries.sort((a, b) -> Arrays.compareUnsigned(a.getKey().getBytes(StandardCharsets.UTF_8),
				b.getKey().getBytes(StandardCharsets.UTF_8)));
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<String, String> entry : entries) {
			sb.append(entry.getKey()).append('=').append(entry.getValue()).append('&');
		}
		return sb.append("key=").append(apiKey).toString();
	}

}
