package com.payrecon.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.support.money.Fen;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * How the console shows values, used in templates as {@code @fmt}: times in the account's zone (else the default
 * {@code payrecon.zone}), money as yuan with two decimals.
 */
@Component("fmt")
public class ConsoleFormat {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
	private static final DateTimeFormatter TIME_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

	private final AccountRegistry accounts;
	private final ZoneId defaultZone;

	ConsoleFormat(AccountRegistry accounts, @Value("${payrecon.zone:Asia/Shanghai}") ZoneId defaultZone) {
		this.accounts = accounts;
		this.defaultZone = defaultZone;
	}

	public ZoneId zone(String accountId) {
		return accounts.find(accountId).map(Account::zone).orElse(defaultZone);
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

	/** With milliseconds, for timelines where several things happen within a second. */
	public String preciseTime(Instant instant, String accountId) {
		return instant == null ? "" : TIME_MILLIS.format(instant.atZone(zone(accountId)));
	}

	public String yuan(Fen amount) {
		return amount == null ? "" : amount.toYuan();
	}

	public String yuan(Long fen) {
		return fen == null ? "" : Fen.of(fen).toYuan();
	}

	/** A short age or wait for people: "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
	public String duration(Duration d) {
		if (d == null) {
			return "";
		}
		long s = Math.max(0, d.toSeconds());
		if (s < 60) {
			return s + " s";
		}
		if (s < 3600) {
			return s / 60 + " min";
		}
		if (s < 86_400) {
			return s / 3600 + " h " + String.format("%02d", s % 3600 / 60) + " min";
		}
		return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
	}
}
