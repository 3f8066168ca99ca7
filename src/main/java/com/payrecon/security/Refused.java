package com.payrecon.security;

import java.util.Locale;

import com.payrecon.support.i18n.Refusal;

import org.springframework.context.MessageSource;

/**
 * An operator's request refused for a reason the page shows: a message key of {@code messages*.properties} and its
 * arguments (never a secret), resolved in the reader's language (a {@link Refusal}: {@link #text()} is the key and
 * arguments, {@link #getMessage()} the English sentence, for logs).
 */
public class Refused extends Refusal {

	public Refused(String code, Object... args) {
		super(code, args);
	}

	public String code() {
		return text().code();
	}

	public String text(MessageSource messages, Locale locale) {
		return messages.getMessage(text(), locale);
	}
}
