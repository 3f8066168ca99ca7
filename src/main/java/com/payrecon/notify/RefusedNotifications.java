package com.payrecon.notify;

import static com.payrecon.db.Tables.REFUSED_NOTIFICATION;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/**
 * The bounded record of notify requests refused beyond the abuse limits ({@link NotifyAbuse}): one row per source
 * address, channel and minute, counting them, with the first 256 bytes and hash of the first and the hash of the last.
 */
@Repository
class RefusedNotifications {

	static final int PREFIX_BYTES = 256;

	private final DSLContext dsl;

	RefusedNotifications(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** Counts {@code raw} in its minute's row; commits on its own (callers hold no transaction). */
	void record(RawRequest raw, Verdict verdict) {
		Instant minute = raw.receivedAt().truncatedTo(ChronoUnit.MINUTES);
		byte[] prefix = Arrays.copyOf(raw.body(), Math.min(raw.body().length, PREFIX_BYTES));
		String address = cut(raw.remoteAddr(), 64);
		String channel = raw.channel().wireName();
		// an UPDATE first, then an INSERT that a concurrent one may win (MariaDB has no INSERT … AS excluded, which
		// jOOQ's MySQL dialect renders for ON DUPLICATE KEY UPDATE)
		if (count(minute, address, channel, raw) == 0) {
			boolean inserted = dsl.insertInto(REFUSED_NOTIFICATION)
				.set(REFUSED_NOTIFICATION.WINDOW_START, minute)
				.set(REFUSED_NOTIFICATION.REMOTE_ADDR, address)
				.set(REFUSED_NOTIFICATION.CHANNEL, channel)
				.set(REFUSED_NOTIFICATION.REFUSED_COUNT, 1)
				.set(REFUSED_NOTIFICATION.BYTES_TOTAL, raw.bodyLength())
				.set(REFUSED_NOTIFICATION.FIRST_ACCOUNT_ID, cut(raw.accountId(), 64))
				.set(REFUSED_NOTIFICATION.FIRST_VERDICT, verdict.name())
				.set(REFUSED_NOTIFICATION.FIRST_BODY_PREFIX, prefix)
				.set(REFUSED_NOTIFICATION.FIRST_BODY_SHA256, raw.bodySha256())
				.set(REFUSED_NOTIFICATION.LAST_BODY_SHA256, raw.bodySha256())
				.set(REFUSED_NOTIFICATION.LAST_RECEIVED_AT, raw.receivedAt())
				.onDuplicateKeyIgnore()
				.execute() == 1;
			if (!inserted) {
				count(minute, address, channel, raw);
			}
		}
	}

	private int count(Instant minute, String address, String channel, RawRequest raw) {
		return dsl.update(REFUSED_NOTIFICATION)
			.set(REFUSED_NOTIFICATION.REFUSED_COUNT, REFUSED_NOTIFICATION.REFUSED_COUNT.plus(1))
			.set(REFUSED_NOTIFICATION.BYTES_TOTAL, REFUSED_NOTIFICATION.BYTES_TOTAL.plus(raw.bodyLength()))
			.set(REFUSED_NOTIFICATION.LAST_BODY_SHA256, raw.bodySha256())
			.set(REFUSED_NOTIFICATION.LAST_RECEIVED_AT, raw.receivedAt())
			.set(REFUSED_NOTIFICATION.VERSION, REFUSED_NOTIFICATION.VERSION.plus(1))
			.where(REFUSED_NOTIFICATION.WINDOW_START.eq(minute), REFUSED_NOTIFICATION.REMOTE_ADDR.eq(address),
					REFUSED_NOTIFICATION.CHANNEL.eq(channel))
			.execute();
	}

	private static String cut(String text, int max) {
		return text == null ? "" : text.length() <= max ? text : text.substring(0, max);
	}
}
