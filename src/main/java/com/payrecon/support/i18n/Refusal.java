package com.payrecon.support.i18n;

/**
 * Something a person asked for was refused, and the reason is for that person: its {@link Text} is shown in their
 * language, its English {@link #getMessage()} goes to logs and the audit log.
 */
public class Refusal extends RuntimeException {

	private final Text text;

	public Refusal(Text text) {
		super(text.english());
		this.text = text;
	}

	public Refusal(String code, Object... args) {
		this(Text.of(code, args));
	}

	public Text text() {
		return text;
	}
}
