package com.payrecon.console.reconciliation;

import java.util.List;
import java.util.Locale;

import com.payrecon.reconcile.FinanceNotices;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * The change codes of a run against a signed-off day, and the notices that carry them, in the reader's language (the
 * statuses named as the pages name them). Used by the reconciliation pages and the dashboard.
 */
@Component
public class ChangeTexts {

	/** A notice as a page shows it. */
	public record NoticeView(FinanceNotices.Notice notice, List<String> changes) {
	}

	private final MessageSource messages;

	ChangeTexts(MessageSource messages) {
		this.messages = messages;
	}

	public List<NoticeView> notices(List<FinanceNotices.Notice> notices) {
		return notices.stream().map(n -> new NoticeView(n, describe(n.changes()))).toList();
	}

	List<String> describe(List<String> codes) {
		Locale locale = LocaleContextHolder.getLocale();
		return codes.stream().map(code -> {
			String[] parts = code.split(":");
			return switch (parts[0]) {
				case "status" -> messages.getMessage("recon.change.status",
						new Object[] { status(parts[1], locale), status(parts[2], locale) }, locale);
				case "provider" -> messages.getMessage("recon.change.provider", null, locale);
				case "local" -> messages.getMessage("recon.change.local", null, locale);
				case "open" -> messages.getMessage("recon.change.open", new Object[] { parts[1] }, locale);
				default -> code;
			};
		}).toList();
	}

	private String status(String code, Locale locale) {
		return messages.getMessage("run.status." + code, null, code, locale);
	}

	String refusal(com.payrecon.security.Refused refused) {
		return refused.text(messages, LocaleContextHolder.getLocale());
	}

	String text(String key, Object... arguments) {
		return messages.getMessage(key, arguments, LocaleContextHolder.getLocale());
	}
}
