package com.payrecon.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * WeChat Pay APIv3 (protocols.md B.1–B.3): the signed notification/response message, SHA256withRSA signatures,
 * AEAD_AES_256_GCM resources and the {@code Authorization} header.
 */
public final class WechatV3Crypto {

	/** Prefix of the deliberately wrong signatures WeChat sends to probe that merchants verify (D-V3-SIGFAIL). */
	public static final String SIGNTEST_PREFIX = "WECHATPAY/SIGNTEST/";

	/** Authorization scheme for RSA signatures. */
	public static final String SCHEME = "WECHATPAY2-SHA256-RSA2048";

	static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

	private static final int GCM_TAG_BITS = 128;

	private static final int GCM_TAG_BYTES = GCM_TAG_BITS / 8;

	private static final int GCM_NONCE_BYTES = 12;

	private WechatV3Crypto() {
	}

	/** {@code timestamp\nnonce\nbody\n}, with the body as the raw bytes received (never re-serialised). */
	public static byte[] notificationMessage(String timestamp, String nonce, byte @Nullable [] body) {
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(nonce, "nonce");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes((timestamp + "\n" + nonce + "\n").getBytes(StandardCharsets.UTF_8));
		if (body != null) {
			out.writeBytes(body);
		}
		out.write('\n');
		return out.toByteArray();
	}

	/**
	 * SHA256withRSA verification. A missing, non-Base64 or {@code WECHATPAY/SIGNTEST/} signature is {@code false};
	 * never throws for bad input.
	 */
	public static boolean verify(PublicKey platformKey, byte[] message, @Nullable String signatureBase64) {
		Objects.requireNonNull(platformKey, "platformKey");
		Objects.requireNonNull(message, "message");
		if (signatureBase64 == null || signatureBase64.isEmpty() || signatureBase64.startsWith(SIGNTEST_PREFIX)) {
			return false;
		}
		try {
			byte[] signature = Base64.getDecoder().decode(signatureBase64);
			Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
			verifier.initVerify(platformKey);
			verifier.update(message);
			return verifier.verify(signature);
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			return false;
		}
	}

	/** Base64 SHA256withRSA signature of {@code message}. */
	public static String sign(PrivateKey key, byte[] message) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(message, "message");
		try {
			Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
			signer.initSign(key);
			signer.update(message);
			return Base64.getEncoder().encodeToString(signer.sign());
		}
		catch (InvalidKeyException ex) {
			throw new IllegalArgumentException("private key cannot sign SHA256withRSA");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA256withRSA signing failed", ex);
		}
	}

	/**
	 * AEAD_AES_256_GCM decryption of a notification resource or an encrypted certificate: key = UTF-8 of the APIv3
	 * key (16 or 32 bytes accepted here; callers require 32 for real accounts), IV = UTF-8 of the 12-character
	 * nonce, AAD = UTF-8 of {@code associatedData} (null means empty), input = Base64(ciphertext || 16-byte tag).
	 * @throws AEADBadTagException on any tampering, wrong key/nonce/AAD, or a ciphertext that is not Base64
	 */
	public static byte[] decryptAead(String apiV3Key, String nonce, @Nullable String associatedData,
			String ciphertextBase64) throws GeneralSecurityException {
		Objects.requireNonNull(ciphertextBase64, "ciphertextBase64");
		byte[] input;
		try {
			input = Base64.getDecoder().decode(ciphertextBase64);
		}
		catch (IllegalArgumentException ex) {
			throw new AEADBadTagException("ciphertext is not valid Base64");
		}
		if (input.length < GCM_TAG_BYTES) {
			throw new AEADBadTagException("ciphertext is shorter than the GCM tag");
		}
		Cipher cipher = gcm(Cipher.DECRYPT_MODE, apiV3Key, nonce, associatedData);
		return cipher.doFinal(input);
	}

	/** The inverse of {@link #decryptAead}; for the simulator and tests. Never reuse a nonce with the same key. */
	public static String encryptAead(String apiV3Key, String nonce, @Nullable String associatedData,
			byte[] plaintext) throws GeneralSecurityException {
		Objects.requireNonNull(plaintext, "plaintext");
		Cipher cipher = gcm(Cipher.ENCRYPT_MODE, apiV3Key, nonce, associatedData);
		return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext));
	}

	/** Request-signing message {@code METHOD\ncanonicalUrl\ntimestamp\nnonce\nbody\n}; a null body is "" (GET). */
	public static String requestMessage(String method, String canonicalUrl, long timestamp, String nonce,
			@Nullable String body) {
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(canonicalUrl, "canonicalUrl");
		Objects.requireNonNull(nonce, "nonce");
		return method + "\n" + canonicalUrl + "\n" + timestamp + "\n" + nonce + "\n" + (body == null ? "" : body)
				+ "\n";
	}

	/**
	 * {@code WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",timestamp="..",serial_no="..",signature=".."}, the
	 * pair order the official SDKs emit.
	 * @throws IllegalArgumentException if a value is empty or contains a double quote
	 */
	public static String authorizationHeader(String mchId, String serialNo, long timestamp, String nonce,
			String signature) {
		return SCHEME + " mchid=\"" + quoted(mchId) + "\",nonce_str=\"" + quoted(nonce) + "\",timestamp=\"" + timestamp
				+ "\",serial_no=\"" + quoted(serialNo) + "\",signature=\"" + quoted(signature) + "\"";
	}

	/**
	 * Parses {@code SCHEME k1="v1",k2="v2",...} order-independently into a map with the scheme under
	 * {@code "scheme"}. Values must be double-quoted; a repeated key, an unquoted or unterminated value, or a missing
	 * scheme is malformed.
	 */
	public static Map<String, String> parseAuthorization(@Nullable String header) throws MalformedMessageException {
		if (header == null) {
			throw new MalformedMessageException("missing Authorization header");
		}
		String text = header.strip();
		int space = indexOfWhitespace(text);
		if (space <= 0) {
			throw new MalformedMessageException("Authorization header has no scheme and parameters");
		}
		Map<String, String> result = new LinkedHashMap<>();
		result.put("scheme", text.substring(0, space));
		String params = text.substring(space);
		int i = 0;
		int n = params.length();
		while (true) {
			i = skipWhitespace(params, i);
			int eq = params.indexOf('=', i);
			if (eq < 0) {
				throw new MalformedMessageException("Authorization parameter without '='");
			}
			String key = params.substring(i, eq).strip();
			if (key.isEmpty() || !key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
				throw new MalformedMessageException("Authorization parameter with an invalid name");
			}
			int open = skipWhitespace(params, eq + 1);
			if (open >= n || params.charAt(open) != '"') {
				throw new MalformedMessageException("Authorization parameter value is not quoted");
			}
			int close = params.indexOf('"', open + 1);
			if (close < 0) {
				throw new MalformedMessageException("unterminated Authorization parameter value");
			}
			if (result.putIfAbsent(key, params.substring(open + 1, close)) != null) {
				throw new MalformedMessageException("repeated Authorization parameter");
			}
			i = skipWhitespace(params, close + 1);
			if (i >= n) {
				return result;
			}
			if (params.charAt(i) != ',') {
				throw new MalformedMessageException("Authorization parameters must be separated by ','");
			}
			i++;
		}
	}

	private static Cipher gcm(int mode, String apiV3Key, String nonce, @Nullable String associatedData)
			throws GeneralSecurityException {
		Objects.requireNonNull(apiV3Key, "apiV3Key");
		Objects.requireNonNull(nonce, "nonce");
		byte[] key = apiV3Key.getBytes(StandardCharsets.UTF_8);
		if (key.length != 16 && key.length != 32) {
			throw new InvalidKeyException("APIv3 key must be 32 bytes (16 accepted for SDK test vectors)");
		}
		byte[] iv = nonce.getBytes(StandardCharsets.UTF_8);
		if (iv.length != GCM_NONCE_BYTES) {
			throw new InvalidAlgorithmParameterException("nonce must be 12 bytes");
		}
		Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
		cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(GCM_TAG_BITS, iv));
		cipher.updateAAD((associatedData == null ? "" : associatedData).getBytes(StandardCharsets.UTF_8));
		return cipher;
	}

	private static String quoted(String value) {
		if (value == null || value.isEmpty() || value.indexOf('"') >= 0) {
			throw new IllegalArgumentException("Authorization values must be non-empty and contain no '\"'");
		}
		return value;
	}

	private static int indexOfWhitespace(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (Character.isWhitespace(text.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

	private static int skipWhitespace(String text, int from) {
		int i = from;
		while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
			i++;
		}
		return i;
	}

}
