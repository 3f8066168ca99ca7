package com.payrecon.crypto;

/** Hex encoding helpers shared by the signature classes. */
final class Hex {

	private static final char[] UPPER = "0123456789ABCDEF".toCharArray();

	private static final char[] LOWER = "0123456789abcdef".toCharArray();

	private Hex() {
	}

	static String upper(byte[] bytes) {
		return encode(bytes, UPPER);
	}

	static String lower(byte[] bytes) {
		return encode(bytes, LOWER);
	}

	private static String encode(byte[] bytes, char[] digits) {
		char[] out = new char[bytes.length * 2];
		for (int i = 0; i < bytes.length; i++) {
			out[2 * i] = digits[(bytes[i] >> 4) & 0x0f];
			out[2 * i + 1] = digits[bytes[i] & 0x0f];
		}
		return new String(out);
	}

}
