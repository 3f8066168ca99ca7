package com.payrecon.crypto;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code application/x-www-form-urlencoded} codec for Alipay notifications (threat case P9): one strict decode with
 * the declared charset, duplicate keys rejected, so verification and business logic read the same map.
 */
public final class FormCodec {

	private FormCodec() {
	}

	/**
	 * Splits on {@code &} and the first {@code =}, percent-decodes ({@code +} is a space) and decodes the bytes with
	 * {@code charset} strictly. A repeated key, an empty key, a bad %-escape or bytes invalid in {@code charset} are
	 * malformed. Empty segments ({@code a=1&&b=2}) are skipped; a segment without {@code =} has an empty value.
	 */
	public static LinkedHashMap<String, String> parse(byte @Nullable [] body, Charset charset)
			throws MalformedMessageException {
		Objects.requireNonNull(charset, "charset");
		LinkedHashMap<String, String> params = new LinkedHashMap<>();
		if (body == null) {
			return params;
		}
		int start = 0;
		while (start <= body.length) {
			int end = indexOf(body, (byte) '&', start, body.length);
			if (end < 0) {
				end = body.length;
			}
			if (end > start) {
				int eq = indexOf(body, (byte) '=', start, end);
				String key = decode(body, start, eq < 0 ? end : eq, charset);
				String value = eq < 0 ? "" : decode(body, eq + 1, end, charset);
				if (key.isEmpty()) {
					throw new MalformedMessageException("form parameter with an empty name");
				}
				if (params.putIfAbsent(key, value) != null) {
					throw new MalformedMessageException("repeated form parameter");
				}
			}
			start = end + 1;
		}
		return params;
	}

	/**
	 * The value of {@code key} percent-decoded as ISO-8859-1 without decoding the rest of the body, e.g. to read
	 * {@code charset} before choosing the decoder; the first occurrence wins; {@code null} when absent.
	 */
	public static @Nullable String peekAscii(byte @Nullable [] body, String key) {
		Objects.requireNonNull(key, "key");
		if (body == null) {
			return null;
		}
		String text = new String(body, StandardCharsets.ISO_8859_1);
		for (String pair : text.split("&", -1)) {
			int eq = pair.indexOf('=');
			String rawKey = eq < 0 ? pair : pair.substring(0, eq);
			if (rawKey.equals(key)) {
				String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
				try {
					return decode(rawValue.getBytes(StandardCharsets.ISO_8859_1), 0, rawValue.length(),
							StandardCharsets.ISO_8859_1);
				}
				catch (MalformedMessageException ex) {
					return rawValue;
				}
			}
		}
		return null;
	}

	/** Encodes in map order with {@link URLEncoder} (space as {@code +}); null values are skipped. */
	public static String encode(Map<String, String> params, Charset charset) {
		Objects.requireNonNull(params, "params");
		Objects.requireNonNull(charset, "charset");
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<String, String> entry : params.entrySet()) {
			if (entry.getKey() == null || entry.getValue() == null) {
				continue;
			}
			if (!sb.isEmpty()) {
				sb.append('&');
			}
			sb.append(URLEncoder.encode(entry.getKey(), charset))
				.append('=')
				.append(URLEncoder.encode(entry.getValue(), charset));
		}
		return sb.toString();
	}

	private static String decode(byte[] body, int from, int to, Charset charset) throws MalformedMessageException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
		for (int i = from; i < to; i++) {
			byte b = body[i];
			if (b == '+') {
				bytes.write(' ');
			}
			else if (b == '%') {
				if (i + 2 >= to) {
					throw new MalformedMessageException("truncated %-escape in form body");
				}
				int hi = Character.digit(body[i + 1], 16);
				int lo = Character.digit(body[i + 2], 16);
				if (hi < 0 || lo < 0) {
					throw new MalformedMessageException("invalid %-escape in form body");
				}
				bytes.write((hi << 4) | lo);
				i += 2;
			}
			else {
				bytes.write(b);
			}
		}
		try {
			return charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new MalformedMessageException("form body is not valid " + charset.name());
		}
	}

	private static int indexOf(byte[] bytes, byte b, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return -1;
	}

}
