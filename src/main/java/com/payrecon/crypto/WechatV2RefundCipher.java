package com.payrecon.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat Pay APIv2 refund notification {@code req_info} (protocols.md A.4): Base64 of AES-256-ECB with PKCS#7
 * padding, keyed with the 32 ASCII bytes of the lower-case hex MD5 of the APIv2 key. ECB gives confidentiality only:
 * callers cross-check the decrypted refund against their own records.
 */
public final class WechatV2RefundCipher {

	private static final String TRANSFORMATION = "AES/ECB/PKCS5Padding"; // PKCS5Padding is PKCS#7 for AES in JCE

	private WechatV2RefundCipher() {
	}

	/** Decrypts {@code req_info}; bad Base64, a wrong key or a corrupted block fail with a security exception. */
	public static byte[] decrypt(String reqInfoBase64, String apiKey) throws GeneralSecurityException {
		Objects.requireNonNull(reqInfoBase64, "reqInfoBase64");
		byte[] ciphertext;
		try {
			ciphertext = Base64.getDecoder().decode(reqInfoBase64.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new BadPaddingException("req_info is not valid Base64");
		}
		if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
			throw new BadPaddingException("req_info is not a whole number of AES blocks");
		}
		Cipher cipher = Cipher.getInstance(TRANSFORMATION);
		cipher.init(Cipher.DECRYPT_MODE, key(apiKey));
		return cipher.doFinal(ciphertext);
	}

	/** Encrypts {@code plain} the way WeChat builds {@code req_info} (used by the simulator and tests). */
	public static String encrypt(byte[] plain, String apiKey) throws GeneralSecurityException {
		Objects.requireNonNull(plain, "plain");
		Cipher cipher = Cipher.getInstance(TRANSFORMATION);
		cipher.init(Cipher.ENCRYPT_MODE, key(apiKey));
		return Base64.getEncoder().encodeToString(cipher.doFinal(plain));
	}

	static SecretKeySpec key(String apiKey) throws GeneralSecurityException {
		if (apiKey == null || apiKey.isBlank()) {
			throw new IllegalArgumentException("API key must not be empty");
		}
		byte[] md5 = MessageDigest.getInstance("MD5").digest(apiKey.getBytes(StandardCharsets.UTF_8));
		return new SecretKeySpec(Hex.lower(md5).getBytes(StandardCharsets.US_ASCII), "AES");
	}

}
