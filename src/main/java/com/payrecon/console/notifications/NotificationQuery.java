package com.payrecon.console.notifications;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.payrecon.console.ConsoleFormat;
import com.payrecon.console.Keyset;
import com.payrecon.console.notifications.RawBodyFormatter.FormattedBody;
import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.notify.Verdict;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.Record;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The raw notification log for the console: newest first, keyset-paginated on (received_at, id) so that a page
 * costs the same at row 10 and at row 10 million; every filter has an index ending in (received_at, id)
 * (db/migration V1_3 and V5_3).
 */
@Component
@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN')")
public class NotificationQuery {

	private static final TypeReference<LinkedHashMap<String, List<String>>> HEADERS = new TypeReference<>() {
	};

	private final DSLContext dsl;
	private final ConsoleFormat fmt;
	private final JsonMapper json = JsonMapper.builder().build();

	NotificationQuery(DSLContext dsl, ConsoleFormat fmt) {
		this.dsl = dsl;
		this.fmt = fmt;
	}

	/** A line of the list. */
	public record Row(long id, Instant receivedAt, String channel, String kind, String accountId, String verdict,
			String outTradeNo, String providerTxnId, Long orderId, Integer responseStatus, String remoteAddr,
			long bodyLength) {
	}

	/** Everything the detail page shows; the body and headers already masked. */
	public record Detail(Row row, String method, String requestUri, String queryString, String contentType,
			List<Map.Entry<String, String>> headers, FormattedBody body, boolean bodyTruncated, String bodySha256,
			String verdictReason, String verdictSummary, boolean acknowledged, Instant processedAt, int processCount,
			String responseBody, String providerNotifyId) {
	}

	@Transactional(readOnly = true)
	public Keyset.Page<Row> list(NotificationFilter filter) {
		List<Condition> where = conditions(filter);
		var query = dsl.select(RAW_NOTIFICATION.ID, RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.CHANNEL,
				RAW_NOTIFICATION.KIND, RAW_NOTIFICATION.ACCOUNT_ID, RAW_NOTIFICATION.VERDICT,
				RAW_NOTIFICATION.OUT_TRADE_NO, RAW_NOTIFICATION.PROVIDER_TXN_ID, RAW_NOTIFICATION.ORDER_ID,
				RAW_NOTIFICATION.RESPONSE_STATUS, RAW_NOTIFICATION.REMOTE_ADDR, RAW_NOTIFICATION.BODY_LENGTH)
			.from(RAW_NOTIFICATION)
			.where(where)
			.orderBy(RAW_NOTIFICATION.RECEIVED_AT.desc(), RAW_NOTIFICATION.ID.desc());
		Optional<Keyset.Position> before = Keyset.parse(filter.before());
		int size = filter.pageSize();
		List<Row> rows = (before.isPresent()
				? query.seek(before.get().at(), before.get().id()).limit(size + 1)
				: query.limit(size + 1))
			.fetch(NotificationQuery::toRow);
		if (rows.size() <= size) {
			return new Keyset.Page<>(rows, null);
		}
		List<Row> page = rows.subList(0, size);
		Row last = page.get(size - 1);
		return new Keyset.Page<>(List.copyOf(page), new Keyset.Position(last.receivedAt(), last.id()).token());
	}

	/** How many notifications the filter finds in all (for time-bounded lists: the dashboard's figures link here). */
	@Transactional(readOnly = true)
	public long count(NotificationFilter filter) {
		return dsl.fetchCount(RAW_NOTIFICATION, DSL.and(conditions(filter)));
	}

	private List<Condition> conditions(NotificationFilter filter) {
		List<Condition> where = new ArrayList<>();
		String account = NotificationFilter.blankToNull(filter.account());
		ZoneId zone = fmt.zone(account);
		if (account != null) {
			where.add(RAW_NOTIFICATION.ACCOUNT_ID.eq(account));
		}
		String verdict = NotificationFilter.blankToNull(filter.verdict());
		if (NotificationFilter.UNDECIDED.equals(verdict)) {
			where.add(RAW_NOTIFICATION.VERDICT.isNull());
		}
		else if (verdict != null) {
			where.add(RAW_NOTIFICATION.VERDICT.eq(verdict));
		}
		if (filter.from() != null) {
			where.add(RAW_NOTIFICATION.RECEIVED_AT.ge(instant(filter.from(), zone)));
		}
		if (filter.to() != null) {
			where.add(RAW_NOTIFICATION.RECEIVED_AT.lt(instant(filter.to(), zone)));
		}
		String outTradeNo = NotificationFilter.blankToNull(filter.outTradeNo());
		if (outTradeNo != null) {
			where.add(RAW_NOTIFICATION.OUT_TRADE_NO.eq(outTradeNo));
		}
		String txn = NotificationFilter.blankToNull(filter.transactionId());
		if (txn != null) {
			where.add(RAW_NOTIFICATION.PROVIDER_TXN_ID.eq(txn));
		}
		return where;
	}

	@Transactional(readOnly = true)
	public Optional<Detail> find(long id) {
		return dsl.selectFrom(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(id)).fetchOptional(this::toDetail);
	}

	/** Notifications about one order: linked to it, or naming its out_trade_no for its account; oldest first. */
	@Transactional(readOnly = true)
	public List<Row> forOrder(long orderId, String accountId, String outTradeNo) {
		return dsl.select(RAW_NOTIFICATION.ID, RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.CHANNEL,
				RAW_NOTIFICATION.KIND, RAW_NOTIFICATION.ACCOUNT_ID, RAW_NOTIFICATION.VERDICT,
				RAW_NOTIFICATION.OUT_TRADE_NO, RAW_NOTIFICATION.PROVIDER_TXN_ID, RAW_NOTIFICATION.ORDER_ID,
				RAW_NOTIFICATION.RESPONSE_STATUS, RAW_NOTIFICATION.REMOTE_ADDR, RAW_NOTIFICATION.BODY_LENGTH)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ORDER_ID.eq(orderId)
				.or(RAW_NOTIFICATION.ACCOUNT_ID.eq(accountId).and(RAW_NOTIFICATION.OUT_TRADE_NO.eq(outTradeNo))))
			.orderBy(RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.ID)
			.limit(500)
			.fetch(NotificationQuery::toRow);
	}

	private static Instant instant(LocalDateTime local, ZoneId zone) {
		return local.atZone(zone).toInstant();
	}

	private static Row toRow(Record r) {
		return new Row(r.get(RAW_NOTIFICATION.ID), r.get(RAW_NOTIFICATION.RECEIVED_AT), r.get(RAW_NOTIFICATION.CHANNEL),
				r.get(RAW_NOTIFICATION.KIND), r.get(RAW_NOTIFICATION.ACCOUNT_ID), r.get(RAW_NOTIFICATION.VERDICT),
				r.get(RAW_NOTIFICATION.OUT_TRADE_NO), r.get(RAW_NOTIFICATION.PROVIDER_TXN_ID),
				r.get(RAW_NOTIFICATION.ORDER_ID), r.get(RAW_NOTIFICATION.RESPONSE_STATUS),
				r.get(RAW_NOTIFICATION.REMOTE_ADDR), r.get(RAW_NOTIFICATION.BODY_LENGTH));
	}

	private Detail toDetail(RawNotificationRecord r) {
		Map<String, List<String>> headers;
		try {
			headers = json.readValue(r.getHeaders(), HEADERS);
		}
		catch (RuntimeException ex) {
			headers = Map.of();
		}
		Optional<Verdict> verdict = Optional.ofNullable(r.getVerdict()).flatMap(NotificationQuery::verdict);
		return new Detail(toRow(r), r.getMethod(), r.getRequestUri(), RawBodyFormatter.maskQuery(r.getQueryString()),
				r.getContentType(),
				RawBodyFormatter.maskHeaders(headers), RawBodyFormatter.format(r.getChannel(), r.getContentType(), r.getBody()),
				r.getBodyTruncated(), r.getBodySha256(), r.getVerdictReason(),
				verdict.map(Verdict::summary).orElse(null), verdict.map(Verdict::acknowledged).orElse(false),
				r.getProcessedAt(), r.getProcessCount(), r.getResponseBody(), r.getProviderNotifyId());
	}

	private static Optional<Verdict> verdict(String name) {
		try {
			return Optional.of(Verdict.valueOf(name));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	static List<String> verdictNames() {
		List<String> names = new ArrayList<>();
		for (Verdict v : Verdict.values()) {
			names.add(v.name());
		}
		names.add(NotificationFilter.UNDECIDED);
		return names;
	}
}
