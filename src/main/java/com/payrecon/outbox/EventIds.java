package com.payrecon.outbox;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Event ids: {@code evt_} and a ULID (48 bits of milliseconds, 80 random bits, Crockford base32), so they sort
 * roughly by time, never repeat, and hold no '.' (Standard Webhooks signs {@code id.timestamp.body}).
 */
final class EventIds {

	private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
	private static final SecureRandom RANDOM = new SecureRandom();
	static final String PREFIX = "evt_";

	private EventIds() {
	}

	static String next(Instant at) {
		byte[] random = new byte[10];
		RANDOM.nextBytes(random);
		char[] out = new char[26];
		long time = at.toEpochMilli();
		for (int i = 9; i >= 0; i--) { // 10 characters of time, 5 bits each (the top 2 of 50 bits are zero)
			out[i] = CROCKFORD[(int) (time & 31)];
			time >>>= 5;
		}
		long hi = 0;
		for (int i = 0; i < 5; i++) {
			hi = hi << 8 | (random[i] & 0xff);
		}
		long lo = 0;
		for (int i = 5; i < 10; i++) {
			lo = lo << 8 | (random[i] & 0xff);
		}
		for (int i = 17; i >= 10; i--) {
			out[i] = CROCKFORD[(int) (hi & 31)];
			hi >>>= 5;
		}
		for (int i = 25; i >= 18; i--) {
			out[i] = CROCKFORD[(int) (lo & 31)];
			lo >>>= 5;
		}
		return PREFIX + new String(out);
	}
}
