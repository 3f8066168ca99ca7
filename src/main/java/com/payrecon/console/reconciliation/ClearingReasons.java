package com.payrecon.console.reconciliation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleFormat;

import org.springframework.context.MessageSource;
import org.springframework.context.NoSuchMessageException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Why a re-run cleared a sign-off, in the reader's language ({@code @clearing.text(reason, account)} in templates).
 * {@code DaySignOffs} records the reason in English ("run 812 changed the results: status BALANCED → UNBALANCED;
 * provider totals differ; 1 discrepancies open"), which stays the record; this reads it back part by part. A reason
 * in another shape is shown as recorded (amounts and times made readable).
 */
@Component("clearing")
public class ClearingReasons {

	private static final Pattern CHANGED = Pattern.compile("run (\\d+) changed the results: (.+)");
	private static final Pattern STATUS = Pattern.compile("status ([A-Z_]+) → ([A-Z_]+)");
	private static final Pattern OPEN = Pattern.compile("(\\d+) discrepancies open");

	private final MessageSource messages;
	private final ConsoleFormat fmt;

	public ClearingReasons(MessageSource messages, ConsoleFormat fmt) {
		this.messages = messages;
		this.fmt = fmt;
	}

	public String text(String reason, String accountId) {
		Matcher changed = reason == null ? null : CHANGED.matcher(reason);
		if (changed == null || !changed.matches()) {
			return fmt.narrative(reason, accountId);
		}
		List<String> parts = new ArrayList<>();
		for (String part : changed.group(2).split("; ")) {
			String shown = part(part);
			if (shown == null) {
				return fmt.narrative(reason, accountId);
			}
			parts.add(shown);
		}
		return message("signOff.reason.changed", changed.group(1),
				String.join(message("signOff.reason.separator"), parts));
	}

	private String part(String part) {
		Matcher status = STATUS.matcher(part);
		Matcher open = OPEN.matcher(part);
		try {
			if (status.matches()) {
				return message("signOff.reason.status", message("run.status." + status.group(1)),
						message("run.status." + status.group(2)));
			}
			if (open.matches()) {
				return message("signOff.reason.open", open.group(1));
			}
		}
		catch (NoSuchMessageException ex) {
			return null;
		}
		return switch (part) {
			case "provider totals differ" -> message("signOff.reason.providerTotals");
			case "local totals differ" -> message("signOff.reason.localTotals");
			default -> null;
		};
	}

	private String message(String key, Object... args) {
		return messages.getMessage(key, args.length == 0 ? null : args, LocaleContextHolder.getLocale());
	}
}
