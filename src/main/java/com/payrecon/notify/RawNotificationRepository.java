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
import com.payrecon.support.db.HotStatement;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
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

	/** Statements of every notification, rendered once (HotStatement, issue 17). */
	private final HotStatement insert;
	private final HotStatement settle;
	private final HotStatement recordNotifyId;
	private final HotStatement notifyIdVerdict;

	RawNotificationRepository(DSLContext dsl, DayRollup rollup, HourRollup hours) {
		this.insert = HotStatement.insert(dsl, RAW_NOTIFICATION, RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.CHANNEL,
				RAW_NOTIFICATION.KIND, RAW_NOTIFICATION.ACCOUNT_ID, RAW_NOTIFICATION.METHOD, RAW_NOTIFICATION.REQUEST_URI,
				RAW_NOTIFICATION.QUERY_STRING, RAW_NOTIFICATION.REMOTE_ADDR, RAW_NOTIFICATION.CONTENT_TYPE,
				RAW_NOTIFICATION.HEADERS, RAW_NOTIFICATION.BODY, RAW_NOTIFICATION.BODY_LENGTH, RAW_NOTIFICATION.BODY_TRUNCATED,
				RAW_NOTIFICATION.BODY_SHA256);
		this.settle = HotStatement.of(dsl, dsl.update(RAW_NOTIFICATION)
			.set(RAW_NOTIFICATION.VERDICT, HotStatement.at(0, RAW_NOTIFICATION.VERDICT))
			.set(RAW_NOTIFICATION.VERDICT_REASON, HotStatement.at(1, RAW_NOTIFICATION.VERDICT_REASON))
			.set(RAW_NOTIFICATION.PROCESSED_AT, HotStatement.at(2, RAW_NOTIFICATION.PROCESSED_AT))
			.set(RAW_NOTIFICATION.PROCESS_COUNT, RAW_NOTIFICATION.PROCESS_COUNT.plus(DSL.inline(1)))
			.set(RAW_NOTIFICATION.RESPONSE_STATUS, HotStatement.at(3, RAW_NOTIFICATION.RESPONSE_STATUS))
			.set(RAW_NOTIFICATION.RESPONSE_BODY, HotStatement.at(4, RAW_NOTIFICATION.RESPONSE_BODY))
			.set(RAW_NOTIFICATION.OUT_TRADE_NO, HotStatement.at(5, RAW_NOTIFICATION.OUT_TRADE_NO))
			.set(RAW_NOTIFICATION.PROVIDER_TXN_ID, HotStatement.at(6, RAW_NOTIFICATION.PROVIDER_TXN_ID))
			.set(RAW_NOTIFICATION.PROVIDER_NOTIFY_ID, HotStatement.at(7, RAW_NOTIFICATION.PROVIDER_NOTIFY_ID))
			.set(RAW_NOTIFICATION.ORDER_ID, HotStatement.at(8, RAW_NOTIFICATION.ORDER_ID))
			.set(RAW_NOTIFICATION.VERSION, RAW_NOTIFICATION.VERSION.plus(DSL.inline(1)))
			.where(RAW_NOTIFICATION.ID.eq(HotStatement.at(9, RAW_NOTIFICATION.ID))));
		this.notifyIdVerdict = HotStatement.of(dsl, dsl.select(PROVIDER_NOTIFICATION.VERDICT)
			.from(PROVIDER_NOTIFICATION)
			.where(PROVIDER_NOTIFICATION.ACCOUNT_ID.eq(HotStatement.at(0, PROVIDER_NOTIFICATION.ACCOUNT_ID)),
					PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID.eq(HotStatement.at(1, PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID))));
		Field<?>[] notifyIdColumns = { PROVIDER_NOTIFICATION.ACCOUNT_ID, PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID,
				PROVIDER_NOTIFICATION.RAW_NOTIFICATION_ID, PROVIDER_NOTIFICATION.VERDICT, PROVIDER_NOTIFICATION.CREATED_AT };
		this.recordNotifyId = HotStatement.of(dsl, dsl.insertInto(PROVIDER_NOTIFICATION, notifyIdColumns)
			.values(HotStatement.placeholders(notifyIdColumns))
			.onDuplicateKeyIgnore());
		this.dsl = dsl;
		this.rollup = rollup;
		this.hours = hours;
	}

	/** Stores the request and returns its id; commits on its own (callers hold no transaction). */
	public long insert(RawRequest raw) {
		return insert.executeForKey(raw.receivedAt(), raw.channel().wireName(), raw.kind(), truncate(raw.accountId(), 64),
				truncate(raw.method(), 8), truncate(raw.requestUri(), 1024), raw.queryString(), truncate(raw.remoteAddr(), 64),
				truncate(raw.contentType(), 255), json.writeValueAsString(raw.headers()), raw.body(), raw.bodyLength(),
				raw.truncated(), raw.bodySha256());
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
		settle.execute(s.verdict().name(), truncate(s.reason(), 1024), now, s.responseStatus(), s.responseBody(),
				truncate(s.outTradeNo(), 64), truncate(s.providerTxnId(), 64), truncate(s.providerNotifyId(), 128), s.orderId(),
				id);
		rollup.rowChanged(raw.accountId(), raw.receivedAt());
		hours.rowChanged(raw.accountId(), raw.receivedAt());
	}

	/**
	 * Stored notifications nobody has decided on: no verdict (the process died, or its database went away, between
	 * storing and deciding), or our own failure (ERROR) on fewer than {@code maxTries} tries; received before
	 * {@code receivedBefore} and not before {@code receivedFrom}; of {@code accountIds} (empty: all); oldest first, at
	 * most {@code limit}. Read by the (verdict, received_at, id) index.
	 */
	public List<Long> stranded(Instant receivedFrom, Instant receivedBefore, java.util.Collection<String> accountIds,
			int maxTries, int limit) {
		return dsl.select(RAW_NOTIFICATION.ID)
			.from(RAW_NOTIFICATION)
			.where(strandedCondition(receivedFrom, receivedBefore, accountIds, maxTries))
			.orderBy(RAW_NOTIFICATION.ID)
			.limit(limit)
			.fetch(RAW_NOTIFICATION.ID);
	}

	/** Whether {@link #stranded} would find anything. */
	public boolean anyStranded(Instant receivedFrom, Instant receivedBefore, java.util.Collection<String> accountIds,
			int maxTries) {
		return dsl.fetchExists(RAW_NOTIFICATION, strandedCondition(receivedFrom, receivedBefore, accountIds, maxTries));
	}

	private static org.jooq.Condition strandedCondition(Instant receivedFrom, Instant receivedBefore,
			java.util.Collection<String> accountIds, int maxTries) {
		org.jooq.Condition undecided = RAW_NOTIFICATION.VERDICT.isNull()
			.or(RAW_NOTIFICATION.VERDICT.eq(Verdict.ERROR.name()).and(RAW_NOTIFICATION.PROCESS_COUNT.lt(maxTries)));
		org.jooq.Condition c = undecided.and(RAW_NOTIFICATION.RECEIVED_AT.ge(receivedFrom))
			.and(RAW_NOTIFICATION.RECEIVED_AT.lt(receivedBefore));
		return accountIds.isEmpty() ? c : c.and(RAW_NOTIFICATION.ACCOUNT_ID.in(accountIds));
	}

	/** The verdict an earlier delivery with this provider notification id settled on, if any. */
	Optional<String> settledNotifyId(String accountId, String providerNotifyId) {
		return notifyIdVerdict.fetch(accountId, providerNotifyId)
			.stream()
			.findFirst()
			.map(r -> r.get(PROVIDER_NOTIFICATION.VERDICT));
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
		return recordNotifyId.execute(accountId, providerNotifyId, rawId, verdict.name(), now) == 1;
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
