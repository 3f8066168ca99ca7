package com.payrecon.console;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a newest-first list ordered by (time, id), written into links as {@code <epoch micros>-<id>}; and a
 * page of rows with the position after its last row (null on the last page).
 */
public final class Keyset {

	private static final Pattern CURSOR = Pattern.compile("(-?\\d{1,19})-(\\d{1,19})");

	private Keyset() {
	}

	public record Position(Instant at, long id) {
		public String token() {
			return ChronoUnit.MICROS.between(Instant.EPOCH, at) + "-" + id;
		}
	}

	public record Page<T>(List<T> rows, String next) {
	}

	/** Empty for a missing or malformed token (then the list starts from the newest). */
	public static Optional<Position> parse(String token) {
		if (token == null) {
			return Optional.empty();
		}
		Matcher m = CURSOR.matcher(token);
		if (!m.matches()) {
			return Optional.empty();
		}
		try {
			Instant at = Instant.EPOCH.plus(Long.parseLong(m.group(1)), ChronoUnit.MICROS);
			return Optional.of(new Position(at, Long.parseLong(m.group(2))));
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}
}
