package com.payrecon.console.orders;

import java.time.LocalDateTime;

import org.springframework.format.annotation.DateTimeFormat;

/**
 * The order search, bound from the query string. {@code amount} is yuan as typed ("12.50"); times are wall-clock
 * times in the account's zone (default zone without an account); {@code review=true} lists orders needing review.
 */
public record OrderFilter(String account, String outTradeNo, String transactionId, String amount, String status,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime from,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime to, Boolean review, String before, Integer size) {

	/** Rows per page: 50 unless asked for 1–200. */
	public int pageSize() {
		return pageSize(size);
	}

	static int pageSize(Integer size) {
		return size == null || size < 1 ? 50 : Math.min(size, 200);
	}

	static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}
}
