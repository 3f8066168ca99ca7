package com.payrecon.security;

import java.util.Locale;

import org.springframework.context.MessageSource;

/**
 * An operator's request refused for a reason the page shows: a message key of {@code messages*.properties} and its
 * arguments (never a secret), resolved in the reader's language; {@link #getMessage()} is the key and arguments, for
 * logs.
 */
public class Refused extends RuntimeException {

	private final String code;
	private final Object[] args;

	public Refused(String code, Object... args) {
		super(code + (args.length == 0 ? "" : " " + java.util.Arrays.toString(args)));
		this.code = code;
		this.args = args.clone();
	}

	public String code() {
		return code;
	}

	public String text(MessageSource messages, Locale locale) {
		return messages.getMessage(code, args, code, locale);
	}
}
