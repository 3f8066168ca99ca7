package com.payrecon.console.orders;

import java.time.LocalDateTime;

import org.springframework.format.annotation.DateTimeFormat;

/**
 * The order search, bound from the query string. {@code outTradeNo} and {@code transactionId} match the number or its
 * beginning; {@code amount} is yuan as typed ("12.50"); {@code status} one status or several, comma-separated;
 * {@code from}/{@code to} bound the creation time, {@code paidFrom}/{@code paidTo} the paid time: wall-clock times in
 * the account's zone (default zone without an account), {@code to} exclusive; {@code review=true} lists orders
 * needing review.
 */
public record OrderFilter(String account, String outTradeNo, String transactionId, String amount, String status,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime from,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime to, Boolean review, String before, Integer size,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime paidFrom,
		@DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime paidTo) {

	/** Time-bounded searches (what the dashboard links to) also show how many orders match and their sum. */
	public boolean bounded() {
		return from != null && to != null || paidFrom != null && paidTo != null;
	}

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
