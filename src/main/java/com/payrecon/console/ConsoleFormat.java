package com.payrecon.console;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.support.money.Fen;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * How the console shows values, used in templates as {@code @fmt}: times in the account's zone (else the default
 * {@code payrecon.zone}), with the zone named where the time stands alone ({@link #zoned}); money as yuan with two
 * decimals and thousands separators ({@code 1,234.56}, the same in English and Chinese); ages and waits in the
 * reader's language; and recorded sentences ({@link #narrative}) with their fen amounts and UTC instants made
 * readable.
 */
@Component("fmt")
public class ConsoleFormat {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
	private static final DateTimeFormatter TIME_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
	/** {@code amount=18317 CNY} as order events record it (fen). */
	private static final Pattern FEN_AMOUNT = Pattern.compile("\\bamount=(-?\\d{1,18}) ([A-Z]{3})\\b");
	/** An ISO-8601 UTC instant as {@code Instant.toString()} writes it. */
	private static final Pattern INSTANT = Pattern
		.compile("\\b\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?Z\\b");

	private final AccountRegistry accounts;
	private final ZoneId defaultZone;
	private final MessageSource messages;

	ConsoleFormat(AccountRegistry accounts, @Value("${payrecon.zone:Asia/Shanghai}") ZoneId defaultZone,
			MessageSource messages) {
		this.accounts = accounts;
		this.defaultZone = defaultZone;
		this.messages = messages;
	}

	public ZoneId zone(String accountId) {
		return accountId == null || accounts == null ? defaultZone
				: accounts.find(accountId).map(Account::zone).orElse(defaultZone);
	}

	public ZoneId defaultZone() {
		return defaultZone;
	}

	public String time(Instant instant) {
		return instant == null ? "" : TIME.format(instant.atZone(defaultZone));
	}

	public String time(Instant instant, String accountId) {
		return instant == null ? "" : TIME.format(instant.atZone(zone(accountId)));
	}

	/** The time in the account's zone, the zone named: {@code 2026-11-10 20:10:00 Asia/Shanghai}. */
	public String zoned(Instant instant, String accountId) {
		return instant == null ? "" : time(instant, accountId) + " " + zone(accountId).getId();
	}

	/** In the console's default zone, named. */
	public String zoned(Instant instant) {
		return instant == null ? "" : time(instant) + " " + defaultZone.getId();
	}

	/** With milliseconds, for timelines where several things happen within a second. */
	public String preciseTime(Instant instant, String accountId) {
		return instant == null ? "" : TIME_MILLIS.format(instant.atZone(zone(accountId)));
	}

	/** {@code 1,234,567.89}; a negative amount {@code -45.00}. */
	public String yuan(Fen amount) {
		return amount == null ? "" : yuanText(amount.value());
	}

	public String yuan(Long fen) {
		return fen == null ? "" : yuanText(fen);
	}

	public static String yuanText(long fen) {
		DecimalFormat format = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.ROOT));
		return format.format(BigDecimal.valueOf(fen, 2));
	}

	/** A count with thousands separators. */
	public String count(long n) {
		DecimalFormat format = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
		return format.format(n);
	}

	/** A short age or wait for people: "45 s", "12 min", "3 h 05 min", "2 d 4 h" (in the reader's language). */
	public String duration(Duration d) {
		if (d == null) {
			return "";
		}
		long s = Math.max(0, d.toSeconds());
		if (s < 60) {
			return message("duration.seconds", s);
		}
		if (s < 3600) {
			return message("duration.minutes", s / 60);
		}
		if (s < 86_400) {
			return message("duration.hours", s / 3600, String.format(Locale.ROOT, "%02d", s % 3600 / 60));
		}
		return message("duration.days", s / 86_400, s % 86_400 / 3600);
	}

	/**
	 * A sentence recorded by PayRecon or a person (a reason, an outcome, a verdict's reason), shown as recorded but
	 * with the amounts order events note in fen ({@code amount=18317 CNY}) in yuan and UTC instants
	 * ({@code 2026-11-10T12:10:00Z}) in the account's zone, named.
	 */
	public String narrative(String text, String accountId) {
		if (text == null) {
			return "";
		}
		Matcher amounts = FEN_AMOUNT.matcher(text);
		StringBuilder out = new StringBuilder();
		while (amounts.find()) {
			amounts.appendReplacement(out, Matcher.quoteReplacement(
					message("narrative.amount", yuanText(Long.parseLong(amounts.group(1))), amounts.group(2))));
		}
		amounts.appendTail(out);
		Matcher instants = INSTANT.matcher(out.toString());
		StringBuilder zoned = new StringBuilder();
		while (instants.find()) {
			String replacement;
			try {
				replacement = zoned(Instant.parse(instants.group()), accountId);
			}
			catch (java.time.format.DateTimeParseException ex) {
				replacement = instants.group();
			}
			instants.appendReplacement(zoned, Matcher.quoteReplacement(replacement));
		}
		instants.appendTail(zoned);
		return zoned.toString();
	}

	private String message(String key, Object... args) {
		Object[] shown = java.util.Arrays.stream(args).map(String::valueOf).toArray();
		if (messages == null) {
			return java.text.MessageFormat.format(com.payrecon.support.i18n.Text.of(key).english(), shown);
		}
		return messages.getMessage(key, shown, LocaleContextHolder.getLocale());
	}
}
