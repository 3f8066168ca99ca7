package com.payrecon.support.money;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * An amount in minor units (fen, 1/100 yuan). The only money type inside PayRecon; yuan strings exist only at
 * Alipay's edge and in bills, and are parsed strictly (threat case B6: {@code 1E+2}, {@code 100.0}, {@code -0.01},
 * {@code 0100} and full-width digits are refused, not "equal").
 */
public record Fen(long value) implements Comparable<Fen> {

	private static final Pattern STRICT_FEN = Pattern.compile("0|[1-9][0-9]{0,15}");
	private static final Pattern STRICT_YUAN = Pattern.compile("(0|[1-9][0-9]{0,13})\\.[0-9]{2}");

	public static final Fen ZERO = new Fen(0);

	public static Fen of(long value) {
		return new Fen(value);
	}

	/** "101" → 101 fen; anything but plain ASCII digits without a leading zero throws {@link NumberFormatException}. */
	public static Fen parseFen(String text) {
		if (text == null || !STRICT_FEN.matcher(text).matches()) {
			throw new NumberFormatException("not an amount in fen: " + quoted(text));
		}
		return new Fen(Long.parseLong(text));
	}

	/** "1.01" → 101 fen; exactly two decimals required. */
	public static Fen parseYuan(String text) {
		if (text == null || !STRICT_YUAN.matcher(text).matches()) {
			throw new NumberFormatException("not an amount in yuan with two decimals: " + quoted(text));
		}
		return new Fen(new BigDecimal(text).movePointRight(2).longValueExact());
	}

	public String toYuan() {
		return BigDecimal.valueOf(value, 2).toPlainString();
	}

	public Fen plus(Fen other) {
		return new Fen(Math.addExact(value, other.value));
	}

	public Fen minus(Fen other) {
		return new Fen(Math.subtractExact(value, other.value));
	}

	@Override
	public int compareTo(Fen other) {
		return Long.compare(value, other.value);
	}

	@Override
	public String toString() {
		return value + " fen";
	}

	private static String quoted(String text) {
		if (text == null) {
			return "null";
		}
		String shown = text.length() > 32 ? text.substring(0, 32) + "…" : text;
		return "\"" + shown + "\"";
	}
}
