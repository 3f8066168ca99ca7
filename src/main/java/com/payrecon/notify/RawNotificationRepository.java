package com.payrecon.notify;

import static com.payrecon.db.Tables.PROVIDER_NOTIFICATION;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.account.Channel;
import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.rollup.DayRollup;
import com.payrecon.rollup.HourRollup;
import org.jooq.DSLContext;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Repository;

/** The raw notification log and the provider notification ids already settled. */
@Repository
public class RawNotificationRepository {

	private static final TypeReference<LinkedHashMap<String, List<String>>> HEADERS = new TypeReference<>() {
	};

	private final DSLContext dsl;
	private final JsonMapper json = JsonMapper.builder().build();

	private final DayRollup rollup;
	private final HourRollup hours;

	RawNotificationRepository(DSLContext dsl, DayRollup rollup, HourRollup hours) {
		this.dsl = dsl;
		this.rollup = rollup;
		this.hours = hours;
	}

	/** Stores the request and returns its id; commits on its own (callers hold no transaction). */
	public long insert(RawRequest raw) {
		return dsl.insertInto(RAW_NOTIFICATION)
			.set(RAW_NOTIFICATION.RECEIVED_AT, raw.receivedAt())
			.set(RAW_NOTIFICATION.CHANNEL, raw.channel().wireName())
			.set(RAW_NOTIFICATION.KIND, raw.kind())
			.set(RAW_NOTIFICATION.ACCOUNT_ID, truncate(raw.accountId(), 64))
			.set(RAW_NOTIFICATION.METHOD, truncate(raw.method(), 8))
			.set(RAW_NOTIFICATION.REQUEST_URI, truncate(raw.requestUri(), 1024))
			.set(RAW_NOTIFICATION.QUERY_STRING, raw.queryString())
			.set(RAW_NOTIFICATION.REMOTE_ADDR, truncate(raw.remoteAddr(), 64))
			.set(RAW_NOTIFICATION.CONTENT_TYPE, truncate(raw.contentType(), 255))
			.set(RAW_NOTIFICATION.HEADERS, json.writeValueAsString(raw.headers()))
			.set(RAW_NOTIFICATION.BODY, raw.body())
			.set(RAW_NOTIFICATION.BODY_LENGTH, raw.bodyLength())
			.set(RAW_NOTIFICATION.BODY_TRUNCATED, raw.truncated())
			.set(RAW_NOTIFICATION.BODY_SHA256, raw.bodySha256())
			.returning(RAW_NOTIFICATION.ID)
			.fetchOne(RAW_NOTIFICATION.ID);
	}

	/** What was decided about a stored notification, and what was answered. */
	public record Settlement(Verdict verdict, String reason, int responseStatus, String responseBody, String outTradeNo,
			String providerTxnId, String providerNotifyId, Long orderId) {
	}

	/**
	 * Records the verdict about the request {@code raw} stored as {@code id}. In a transaction when it may run for a
	 * notification received on a closed day (re-processing): that day's (or hour's) dashboard figures are outdated with it.
	 */
	public void settle(long id, RawRequest raw, Settlement s, Instant now) {
		dsl.update(RAW_NOTIFICATION)
			.set(RAW_NOTIFICATION.VERDICT, s.verdict().name())
			.set(RAW_NOTIFICATION.VERDICT_REASON, truncate(s.reason(), 1024))
			.set(RAW_NOTIFICATION.PROCESSED_AT, now)
			.set(RAW_NOTIFICATION.PROCESS_COUNT, RAW_NOTIFICATION.PROCESS_COUNT.plus(1))
			.set(RAW_NOTIFICATION.RESPONSE_STATUS, s.responseStatus())
			.set(RAW_NOTIFICATION.RESPONSE_BODY, s.responseBody())
			.set(RAW_NOTIFICATION.OUT_TRADE_NO, truncate(s.outTradeNo(), 64))
			.set(RAW_NOTIFICATION.PROVIDER_TXN_ID, truncate(s.providerTxnId(), 64))
			.set(RAW_NOTIFICATION.PROVIDER_NOTIFY_ID, truncate(s.providerNotifyId(), 128))
			.set(RAW_NOTIFICATION.ORDER_ID, s.orderId())
			.set(RAW_NOTIFICATION.VERSION, RAW_NOTIFICATION.VERSION.plus(1))
			.where(RAW_NOTIFICATION.ID.eq(id))
			.execute();
		rollup.rowChanged(raw.accountId(), raw.receivedAt());
		hours.rowChanged(raw.accountId(), raw.receivedAt());
	}

	/**
	 * Stored notifications nobody has decided on: no verdict (the process died, or its database went away, between
	 * storing and deciding), or our own failure (ERROR) on fewer than {@code maxTries} tries; received before
	 * {@code receivedBefore}; of {@code accountIds} (empty: all); oldest first, at most {@code limit}. Read by the
	 * (verdict, received_at, id) index.
	 */
	public List<Long> stranded(Instant receivedBefore, java.util.Collection<String> accountIds, int maxTries, int limit) {
		return dsl.select(RAW_NOTIFICATION.ID)
			.from(RAW_NOTIFICATION)
			.where(strandedCondition(receivedBefore, accountIds, maxTries))
			.orderBy(RAW_NOTIFICATION.ID)
			.limit(limit)
			.fetch(RAW_NOTIFICATION.ID);
	}

	/** Whether {@link #stranded} would find anything. */
	public boolean anyStranded(Instant receivedBefore, java.util.Collection<String> accountIds, int maxTries) {
		return dsl.fetchExists(RAW_NOTIFICATION, strandedCondition(receivedBefore, accountIds, maxTries));
	}

	private static org.jooq.Condition strandedCondition(Instant receivedBefore, java.util.Collection<String> accountIds,
			int maxTries) {
		org.jooq.Condition undecided = RAW_NOTIFICATION.VERDICT.isNull()
			.or(RAW_NOTIFICATION.VERDICT.eq(Verdict.ERROR.name()).and(RAW_NOTIFICATION.PROCESS_COUNT.lt(maxTries)));
		org.jooq.Condition c = undecided.and(RAW_NOTIFICATION.RECEIVED_AT.lt(receivedBefore));
		return accountIds.isEmpty() ? c : c.and(RAW_NOTIFICATION.ACCOUNT_ID.in(accountIds));
	}

	/** The verdict an earlier delivery with this provider notification id settled on, if any. */
	Optional<String> settledNotifyId(String accountId, String providerNotifyId) {
		return dsl.select(PROVIDER_NOTIFICATION.VERDICT)
			.from(PROVIDER_NOTIFICATION)
			.where(PROVIDER_NOTIFICATION.ACCOUNT_ID.eq(accountId),
					PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID.eq(providerNotifyId))
			.fetchOptional(PROVIDER_NOTIFICATION.VERDICT);
	}

	/**
	 * Records what a provider notification id was settled as: a new record when {@code earlier} is null, else the
	 * earlier record (which touched no order) replaced by this decision if nobody replaced it meanwhile. False when
	 * another delivery recorded or replaced it first.
	 */
	boolean recordNotifyId(String accountId, String providerNotifyId, Verdict earlier, long rawId, Verdict verdict,
			Instant now) {
		if (earlier != null) {
			return dsl.update(PROVIDER_NOTIFICATION)
				.set(PROVIDER_NOTIFICATION.RAW_NOTIFICATION_ID, rawId)
				.set(PROVIDER_NOTIFICATION.VERDICT, verdict.name())
				.where(PROVIDER_NOTIFICATION.ACCOUNT_ID.eq(accountId),
						PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID.eq(providerNotifyId),
						PROVIDER_NOTIFICATION.VERDICT.eq(earlier.name()))
				.execute() == 1;
		}
		return dsl.insertInto(PROVIDER_NOTIFICATION)
			.set(PROVIDER_NOTIFICATION.ACCOUNT_ID, accountId)
			.set(PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID, providerNotifyId)
			.set(PROVIDER_NOTIFICATION.RAW_NOTIFICATION_ID, rawId)
			.set(PROVIDER_NOTIFICATION.VERDICT, verdict.name())
			.set(PROVIDER_NOTIFICATION.CREATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute() == 1;
	}

	/** A stored notification, for re-processing and the console. */
	public record StoredNotification(long id, RawRequest request, String verdict, String verdictReason,
			Integer responseStatus, String responseBody, Long orderId, int processCount) {
	}

	public Optional<StoredNotification> find(long id) {
		return dsl.selectFrom(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(id)).fetchOptional(this::toStored);
	}

	private StoredNotification toStored(RawNotificationRecord r) {
		Map<String, List<String>> headers = json.readValue(r.getHeaders(), HEADERS);
		RawRequest request = new RawRequest(r.getReceivedAt(), Channel.fromWire(r.getChannel()).orElseThrow(),
				r.getKind(), r.getAccountId(), r.getMethod(), r.getRequestUri(), r.getQueryString(), r.getRemoteAddr(),
				r.getContentType(), headers, r.getBody(), r.getBodyLength(), r.getBodyTruncated(), r.getBodySha256());
		return new StoredNotification(r.getId(), request, r.getVerdict(), r.getVerdictReason(), r.getResponseStatus(),
				r.getResponseBody(), r.getOrderId(), r.getProcessCount());
	}

	private static String truncate(String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max);
	}
}
