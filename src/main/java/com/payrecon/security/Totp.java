package com.payrecon.security;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as every authenticator app computes them (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1,
 * 30-second steps counted from the Unix epoch, 6 digits; a code of the step before or after the current one is
 * accepted too (clock drift, a code typed at the end of its step). JDK only.
 */
public final class Totp {

	public static final int DIGITS = 6;
	public static final long STEP_SECONDS = 30;
	/** Steps accepted on either side of the current one. */
	static final int WINDOW = 1;

	private Totp() {
	}

	/** The time step of an instant: floor(unix seconds / 30). */
	public static long step(Instant at) {
		return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
	}

	/** The 6-digit code of a step. */
	public static String code(byte[] secret, long step) {
		return code(secret, step, DIGITS);
	}

	/** RFC 4226 section 5.3: dynamic truncation of HMAC-SHA-1(secret, step), then the last {@code digits} digits. */
	static String code(byte[] secret, long step, int digits) {
		byte[] hash;
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(secret, "HmacSHA1"));
			hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA1 is not available", ex);
		}
		int offset = hash[hash.length - 1] & 0x0f;
		int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
				| (hash[offset + 3] & 0xff);
		long modulus = (long) Math.pow(10, digits);
		String text = Long.toString(binary % modulus);
		return "0".repeat(digits - text.length()) + text;
	}

	/**
	 * The step whose code {@code code} is, among the current step ± {@link #WINDOW}, and later than
	 * {@code lastUsedStep} (a code of a step already used, or an earlier one, is a replay); empty when none matches.
	 * Compares in constant time.
	 */
	public static OptionalLong match(byte[] secret, String code, Instant now, long lastUsedStep) {
		if (code == null || code.length() != DIGITS || !code.chars().allMatch(Character::isDigit)) {
			return OptionalLong.empty();
		}
		long current = step(now);
		long found = -1;
		for (long s = current - WINDOW; s <= current + WINDOW; s++) {
			boolean equal = MessageDigest.isEqual(code(secret, s).getBytes(), code.getBytes());
			if (equal && s > lastUsedStep && found < 0) {
				found = s;
			}
		}
		return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
	}
}
