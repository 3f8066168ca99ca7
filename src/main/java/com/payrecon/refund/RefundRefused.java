package com.payrecon.refund;

import java.util.Locale;

import org.springframework.context.MessageSource;

/** A refund action refused as asked; {@link #code()} is the message key of the reason (for the console). */
public class RefundRefused extends RuntimeException {

	private final String code;
	private final transient Object[] args;

	public RefundRefused(String code, Object... args) {
		super(code + " " + java.util.Arrays.toString(args));
		this.code = code;
		this.args = args;
	}

	public String code() {
		return code;
	}

	public String text(MessageSource messages, Locale locale) {
		return messages.getMessage(code, args, code, locale);
	}
}
