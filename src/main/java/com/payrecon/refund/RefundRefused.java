package com.payrecon.refund;

import java.util.Locale;

import com.payrecon.support.i18n.Refusal;

import org.springframework.context.MessageSource;

/**
 * A refund action refused as asked; {@link #code()} is the message key of the reason (for the console), its English
 * {@link #getMessage()} goes to logs and the audit log.
 */
public class RefundRefused extends Refusal {

	public RefundRefused(String code, Object... args) {
		super(code, args);
	}

	public String code() {
		return text().code();
	}

	public String text(MessageSource messages, Locale locale) {
		return messages.getMessage(text(), locale);
	}
}
