package com.payrecon.support.db;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Channel;
import com.payrecon.notify.RawNotificationRepository;
import com.payrecon.notify.RawRequest;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * The statements rendered once (issue 17) store what jOOQ's own execution stored: an Instant as its UTC wall time to
 * the microsecond, nulls as NULL, bytes as they were; and a failed one reports the SQL without its values, with the
 * driver's error as cause (what TransactionRetry and the notify endpoint's failure answer look at).
 */
@PayReconIT
class HotStatementIT {

	@Autowired
	RawNotificationRepository rawLog;

	@Autowired
	DSLContext dsl;

	@Test
	void aRowWrittenByARenderedOnceStatementReadsBackAsJooqWroteIt() {
		Instant received = Instant.parse("2026-06-01T12:34:56.123456Z");
		byte[] body = "<xml>\u00e9</xml>".getBytes(StandardCharsets.UTF_8);
		long id = rawLog.insert(new RawRequest(received, Channel.WECHATPAY_V2, RawRequest.NOTIFY, "wx2-md5", "POST",
				"/notify/wechatpay-v2/wx2-md5", null, "127.0.0.1", "text/xml", Map.of("content-type", List.of("text/xml")),
				body, body.length, false, "ab".repeat(32)));

		var row = dsl.selectFrom(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(id)).fetchSingle();
		assertThat(row.getReceivedAt()).isEqualTo(received);
		assertThat(dsl.select(DSL.field("cast({0} as char)", String.class, RAW_NOTIFICATION.RECEIVED_AT))
			.from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(id)).fetchSingle().value1())
			.as("stored as the UTC wall time").isEqualTo("2026-06-01 12:34:56.123456");
		assertThat(row.getBody()).isEqualTo(body);
		assertThat(row.getQueryString()).isNull();
		assertThat(row.getBodyTruncated()).isFalse();
		assertThat(row.getVerdict()).isNull();

		// and read back through a rendered-once SELECT, each value through its field's converter
		HotStatement read = HotStatement.of(dsl, dsl.select(RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.QUERY_STRING)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ID.eq(HotStatement.at(0, RAW_NOTIFICATION.ID))));
		var read0 = read.fetch(id)
			.get(0);
		assertThat(read0.get(RAW_NOTIFICATION.RECEIVED_AT)).isEqualTo(received);
		assertThat(read0.get(RAW_NOTIFICATION.QUERY_STRING)).isNull();
	}

	@Test
	void aFailedStatementNamesItsSqlButNotItsValuesAndKeepsTheDriversError() {
		byte[] body = "<xml/>".getBytes(StandardCharsets.UTF_8);
		long taken = rawLog.insert(new RawRequest(Instant.now(), Channel.WECHATPAY_V2, RawRequest.NOTIFY, "wx2-md5", "POST",
				"/notify/wechatpay-v2/wx2-md5", null, "127.0.0.1", "text/xml", Map.of(), body, body.length, false,
				"cd".repeat(32)));
		HotStatement insert = HotStatement.of(dsl, dsl.insertInto(RAW_NOTIFICATION)
			.set(RAW_NOTIFICATION.ID, HotStatement.at(0, RAW_NOTIFICATION.ID))
			.set(RAW_NOTIFICATION.ACCOUNT_ID, HotStatement.at(1, RAW_NOTIFICATION.ACCOUNT_ID)));

		assertThatThrownBy(() -> insert.execute(taken, "secret-looking-value"))
			.isInstanceOf(org.jooq.exception.DataAccessException.class)
			.hasMessageStartingWith("SQL [insert into `raw_notification`")
			.hasMessageNotContaining("secret-looking-value")
			.hasRootCauseInstanceOf(java.sql.SQLException.class); // refused: the id is taken, the other columns missing
	}
}
