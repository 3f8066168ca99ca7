package com.payrecon.console.notifications;

import java.time.LocalDateTime;

import org.springframework.format.annotation.DateTimeFormat;

/**
 * The notification list's filters, bound from the query string. Times are wall-clock times in the chosen account's
 * zone (the default zone without an account); {@code verdict=NONE} lists notifications not yet decided.
 */
public record NotificationFilter(String account, String verdict,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime from,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime to, String outTradeNo, String transactionId,
		String before, Integer size) {

	/** Rows per page: 50 unless asked for 1–200. */
	public int pageSize() {
		return size == null || size < 1 ? 50 : Math.min(size, 200);
	}

	public static final String UNDECIDED = "NONE";

	static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}
}
