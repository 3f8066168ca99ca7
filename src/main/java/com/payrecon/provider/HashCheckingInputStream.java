package com.payrecon.provider;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Digests everything read and, at the end of the stream, compares with the expected hex digest (case-insensitive):
 * a mismatch throws {@link HashMismatchException} from that final {@code read}, so a reader that consumes the whole
 * stream cannot miss it (threat case O2). Reading stops being possible after a mismatch.
 */
public final class HashCheckingInputStream extends FilterInputStream {

	private final MessageDigest digest;
	private final byte[] expected;
	private boolean checked;
	private boolean mismatch;

	public HashCheckingInputStream(InputStream in, String algorithm, String expectedHex) {
		super(in);
		try {
			this.digest = MessageDigest.getInstance(algorithm);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalArgumentException("unsupported hash " + algorithm);
		}
		byte[] parsed;
		try {
			parsed = HexFormat.of().parseHex(expectedHex.strip().toLowerCase(java.util.Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			parsed = new byte[0];
		}
		this.expected = parsed;
	}

	@Override
	public int read() throws IOException {
		int b = super.read();
		if (b < 0) {
			check();
		}
		else {
			digest.update((byte) b);
		}
		return b;
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = super.read(b, off, len);
		if (n < 0) {
			check();
		}
		else {
			digest.update(b, off, n);
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		byte[] buffer = new byte[8192];
		long skipped = 0;
		while (skipped < n) {
			int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
			if (r < 0) {
				break;
			}
			skipped += r;
		}
		return skipped;
	}

	@Override
	public boolean markSupported() {
		return false;
	}

	private void check() throws IOException {
		if (!checked) {
			checked = true;
			mismatch = !MessageDigest.isEqual(digest.digest(), expected);
		}
		if (mismatch) {
			throw new HashMismatchException("the bill's " + digest.getAlgorithm() + " does not match hash_value");
		}
	}

	/** The content is not what the provider vouched for. */
	public static class HashMismatchException extends IOException {
		public HashMismatchException(String message) {
			super(message);
		}
	}
}
