package com.payrecon.crypto;

import java.nio.charset.Charset;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * Alipay open-API RSA2/RSA signatures (protocols.md C.1–C.3). Notifications are checked with
 * {@link #contentV1} (drops {@code sign} and {@code sign_type}); requests and application-gateway messages use
 * {@link #contentV2} (drops only {@code sign}). Empty keys and values are skipped, keys sorted, values used decoded
 * and verbatim. The caller's map is never modified.
 */
public final class AlipaySignature {

	static final String SIGN = "sign";

	static final String SIGN_TYPE = "sign_type";

	private AlipaySignature() {
	}

	/** rsaCheckV1 content: without {@code sign} and {@code sign_type}. */
	public static String contentV1(Map<String, String> params) {
		return content(params, true);
	}

	/** rsaCheckV2 and request-signing content: without {@code sign}, {@code sign_type} kept. */
	public static String contentV2(Map<String, String> params) {
		return content(params, false);
	}

	/**
	 * Verifies {@code signBase64} over {@code content} encoded in {@code charset}: {@code "RSA2"} is SHA256withRSA,
	 * {@code "RSA"} SHA1withRSA, anything else {@code false}. Never throws for bad input.
	 */
	public static boolean verify(@Nullable String content, @Nullable String signBase64, PublicKey key,
			@Nullable String signType, Charset charset) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(charset, "charset");
		String algorithm = algorithm(signType);
		if (algorithm == null || content == null || signBase64 == null || signBase64.isEmpty()) {
			return false;
		}
		try {
			byte[] signature = Base64.getDecoder().decode(signBase64);
			Signature verifier = Signature.getInstance(algorithm);
			verifier.initVerify(key);
			verifier.update(content.getBytes(charset));
			return verifier.verify(signature);
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			return false;
		}
	}

	/** Base64 signature of {@code content} in {@code charset} with {@code "RSA2"} or {@code "RSA"}. */
	public static String sign(String content, PrivateKey key, String signType, Charset charset) {
		Objects.requireNonNull(content, "content");
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(charset, "charset");
		String algorithm = algorithm(signType);
		if (algorithm == null) {
			throw new IllegalArgumentException("sign_type must be RSA2 or RSA");
		}
		try {
			Signature signer = Signature.getInstance(algorithm);
			signer.initSign(key);
			signer.update(content.getBytes(charset));
			return Base64.getEncoder().encodeToString(signer.sign());
		}
		catch (InvalidKeyException ex) {
			throw new IllegalArgumentException("private key cannot sign " + algorithm);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(algorithm + " signing failed", ex);
		}
	}

	/**
	 * The exact JSON text of the top-level {@code responseKey} member (e.g. {@code alipay_trade_query_response} or
	 * {@code error_response}) of a gateway response: from its opening '{' to the matching '}', string-aware, as the
	 * SDK's {@code extractSignContent} does. Only a member of the top-level object matches, so the key quoted inside
	 * another value cannot be used to point verification at attacker-chosen text.
	 */
	public static String extractResponseContent(@Nullable String responseJson, String responseKey)
			throws MalformedMessageException {
		Objects.requireNonNull(responseKey, "responseKey");
		if (responseJson == null) {
			throw new MalformedMessageException("missing response body");
		}
		String s = responseJson;
		int i = skipWhitespace(s, 0);
		if (i >= s.length() || s.charAt(i) != '{') {
			throw new MalformedMessageException("response is not a JSON object");
		}
		i++;
		while (true) {
			i = skipWhitespace(s, i);
			if (i >= s.length()) {
				throw new MalformedMessageException("truncated JSON response");
			}
			if (s.charAt(i) == '}') {
				throw new MalformedMessageException("response has no " + responseKey + " member");
			}
			if (s.charAt(i) != '"') {
				throw new MalformedMessageException("malformed JSON object");
			}
			int keyEnd = endOfString(s, i);
			String key = s.substring(i + 1, keyEnd);
			i = skipWhitespace(s, keyEnd + 1);
			if (i >= s.length() || s.charAt(i) != ':') {
				throw new MalformedMessageException("malformed JSON object");
			}
			int valueStart = skipWhitespace(s, i + 1);
			int valueEnd = endOfValue(s, valueStart);
			if (key.equals(responseKey)) {
				if (s.charAt(valueStart) != '{') {
					throw new MalformedMessageException(responseKey + " is not a JSON object");
				}
				return s.substring(valueStart, valueEnd);
			}
			i = skipWhitespace(s, valueEnd);
			if (i < s.length() && s.charAt(i) == ',') {
				i++;
			}
			else if (i >= s.length() || s.charAt(i) != '}') {
				throw new MalformedMessageException("malformed JSON object");
			}
		}
	}

	private static String content(Map<String, String> params, boolean dropSignType) {
		Objects.requireNonNull(params, "params");
		TreeMap<String, String> sorted = new TreeMap<>();
		for (Map.Entry<String, String> entry : params.entrySet()) {
			String key = entry.getKey();
			String value = entry.getValue();
			if (key == null || key.isEmpty() || value == null || value.isEmpty() || SIGN.equals(key)
					|| (dropSignType && SIGN_TYPE.equals(key))) {
				continue;
			}
			sorted.put(key, value);
		}
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<String, String> entry : sorted.entrySet()) {
			if (!sb.isEmpty()) {
				sb.append('&');
			}
			sb.append(entry.getKey()).append('=').append(entry.getValue());
		}
		return sb.toString();
	}

	private static @Nullable String algorithm(@Nullable String signType) {
		if ("RSA2".equals(signType)) {
			return "SHA256withRSA";
		}
		if ("RSA".equals(signType)) {
			return "SHA1withRSA";
		}
		return null;
	}

	/** Index just past the end of the JSON value starting at {@code start} (string-aware, brackets balanced). */
	private static int endOfValue(String s, int start) throws MalformedMessageException {
		if (start >= s.length()) {
			throw new MalformedMessageException("truncated JSON response");
		}
		char first = s.charAt(start);
		if (first == '"') {
			return endOfString(s, start) + 1;
		}
		if (first != '{' && first != '[') {
			int i = start;
			while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
				i++;
			}
			if (i == start) {
				throw new MalformedMessageException("malformed JSON value");
			}
			return i;
		}
		int depth = 0;
		int i = start;
		while (i < s.length()) {
			char c = s.charAt(i);
			if (c == '"') {
				i = endOfString(s, i) + 1;
				continue;
			}
			if (c == '{' || c == '[') {
				depth++;
			}
			else if (c == '}' || c == ']') {
				depth--;
				if (depth == 0) {
					return i + 1;
				}
			}
			i++;
		}
		throw new MalformedMessageException("unterminated JSON value");
	}

	/** Index of the closing quote of the JSON string whose opening quote is at {@code open}. */
	private static int endOfString(String s, int open) throws MalformedMessageException {
		int i = open + 1;
		while (i < s.length()) {
			char c = s.charAt(i);
			if (c == '\\') {
				i += 2;
				continue;
			}
			if (c == '"') {
				return i;
			}
			i++;
		}
		throw new MalformedMessageException("unterminated JSON string");
	}

	private static int skipWhitespace(String s, int from) {
		int i = from;
		while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
			i++;
		}
		return i;
	}

}
