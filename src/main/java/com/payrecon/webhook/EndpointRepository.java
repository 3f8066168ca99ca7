package com.payrecon.webhook;

import static com.payrecon.db.Tables.WEBHOOK_ENDPOINT;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.db.tables.records.WebhookEndpointRecord;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** The only writer of {@code webhook_endpoint}. Status and secret changes are compare-and-set on the version. */
@Repository
class EndpointRepository {

	/** An endpoint's sealed secrets (ciphertexts; null where there is none). */
	record Sealed(byte[] current, byte[] previous, Instant previousUntil) {
		@Override
		public String toString() {
			return "Sealed[****]";
		}
	}

	private final DSLContext dsl;

	EndpointRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** False when an endpoint of that name exists already. */
	boolean insert(String name, String url, String origin, Collection<String> accounts, Collection<String> eventTypes,
			byte[] sealedSecret, long firstEventId, String createdBy, Instant now) {
		return dsl.insertInto(WEBHOOK_ENDPOINT)
			.set(WEBHOOK_ENDPOINT.NAME, name)
			.set(WEBHOOK_ENDPOINT.URL, url)
			.set(WEBHOOK_ENDPOINT.ORIGIN, origin)
			.set(WEBHOOK_ENDPOINT.ACCOUNTS, list(accounts))
			.set(WEBHOOK_ENDPOINT.EVENT_TYPES, list(eventTypes))
			.set(WEBHOOK_ENDPOINT.STATUS, EndpointStatus.ENABLED.name())
			.set(WEBHOOK_ENDPOINT.SECRET, sealedSecret)
			.set(WEBHOOK_ENDPOINT.FIRST_EVENT_ID, firstEventId)
			.set(WEBHOOK_ENDPOINT.CREATED_BY, createdBy)
			.set(WEBHOOK_ENDPOINT.CREATED_AT, now)
			.set(WEBHOOK_ENDPOINT.UPDATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute() == 1;
	}

	/** A configured endpoint follows its configuration: URL and filters. */
	void updateConfigured(String name, String url, Collection<String> accounts, Collection<String> eventTypes, Instant now) {
		dsl.update(WEBHOOK_ENDPOINT)
			.set(WEBHOOK_ENDPOINT.URL, url)
			.set(WEBHOOK_ENDPOINT.ACCOUNTS, list(accounts))
			.set(WEBHOOK_ENDPOINT.EVENT_TYPES, list(eventTypes))
			.set(WEBHOOK_ENDPOINT.UPDATED_AT, now)
			.set(WEBHOOK_ENDPOINT.VERSION, WEBHOOK_ENDPOINT.VERSION.plus(1))
			.where(WEBHOOK_ENDPOINT.NAME.eq(name), WEBHOOK_ENDPOINT.ORIGIN.eq(WebhookEndpoint.CONFIG),
					WEBHOOK_ENDPOINT.URL.ne(url).or(WEBHOOK_ENDPOINT.ACCOUNTS.isDistinctFrom(list(accounts)))
						.or(WEBHOOK_ENDPOINT.EVENT_TYPES.isDistinctFrom(list(eventTypes))))
			.execute();
	}

	List<WebhookEndpoint> all() {
		return dsl.selectFrom(WEBHOOK_ENDPOINT).orderBy(WEBHOOK_ENDPOINT.NAME).fetch(EndpointRepository::toEndpoint);
	}

	List<WebhookEndpoint> enabled() {
		return dsl.selectFrom(WEBHOOK_ENDPOINT)
			.where(WEBHOOK_ENDPOINT.STATUS.eq(EndpointStatus.ENABLED.name()))
			.fetch(EndpointRepository::toEndpoint);
	}

	Optional<WebhookEndpoint> find(long id) {
		return dsl.selectFrom(WEBHOOK_ENDPOINT).where(WEBHOOK_ENDPOINT.ID.eq(id)).fetchOptional(EndpointRepository::toEndpoint);
	}

	Optional<WebhookEndpoint> findByName(String name) {
		return dsl.selectFrom(WEBHOOK_ENDPOINT)
			.where(WEBHOOK_ENDPOINT.NAME.eq(name))
			.fetchOptional(EndpointRepository::toEndpoint);
	}

	Sealed sealed(long id) {
		return dsl.select(WEBHOOK_ENDPOINT.SECRET, WEBHOOK_ENDPOINT.PREVIOUS_SECRET, WEBHOOK_ENDPOINT.PREVIOUS_UNTIL)
			.from(WEBHOOK_ENDPOINT)
			.where(WEBHOOK_ENDPOINT.ID.eq(id))
			.fetchSingle(r -> new Sealed(r.value1(), r.value2(), r.value3()));
	}

	boolean moveStatus(WebhookEndpoint endpoint, EndpointStatus to, String reason, Instant now) {
		var update = dsl.update(WEBHOOK_ENDPOINT)
			.set(WEBHOOK_ENDPOINT.STATUS, to.name())
			.set(WEBHOOK_ENDPOINT.STATUS_REASON, reason)
			.set(WEBHOOK_ENDPOINT.UPDATED_AT, now)
			.set(WEBHOOK_ENDPOINT.VERSION, WEBHOOK_ENDPOINT.VERSION.plus(1));
		if (to == EndpointStatus.ENABLED) { // a fresh start: the failing streak is forgotten
			update = update.setNull(WEBHOOK_ENDPOINT.FAILING_SINCE);
		}
		return update.where(WEBHOOK_ENDPOINT.ID.eq(endpoint.id()), WEBHOOK_ENDPOINT.STATUS.eq(endpoint.status().name()),
				WEBHOOK_ENDPOINT.VERSION.eq(endpoint.version()))
			.execute() == 1;
	}

	boolean rotate(WebhookEndpoint endpoint, byte[] current, byte[] previous, Instant previousUntil, Instant now) {
		return dsl.update(WEBHOOK_ENDPOINT)
			.set(WEBHOOK_ENDPOINT.SECRET, current)
			.set(WEBHOOK_ENDPOINT.PREVIOUS_SECRET, previous)
			.set(WEBHOOK_ENDPOINT.PREVIOUS_UNTIL, previousUntil)
			.set(WEBHOOK_ENDPOINT.UPDATED_AT, now)
			.set(WEBHOOK_ENDPOINT.VERSION, WEBHOOK_ENDPOINT.VERSION.plus(1))
			.where(WEBHOOK_ENDPOINT.ID.eq(endpoint.id()), WEBHOOK_ENDPOINT.VERSION.eq(endpoint.version()))
			.execute() == 1;
	}

	/** The first failure of a streak; later failures leave the row alone (no write per failed attempt). */
	void markFailing(long id, Instant since) {
		dsl.update(WEBHOOK_ENDPOINT)
			.set(WEBHOOK_ENDPOINT.FAILING_SINCE, since)
			.where(WEBHOOK_ENDPOINT.ID.eq(id), WEBHOOK_ENDPOINT.FAILING_SINCE.isNull())
			.execute();
	}

	/** A success: the streak ends; last_success_at moves (the caller writes it at most about once a minute). */
	void markHealthy(long id, Instant now) {
		dsl.update(WEBHOOK_ENDPOINT)
			.setNull(WEBHOOK_ENDPOINT.FAILING_SINCE)
			.set(WEBHOOK_ENDPOINT.LAST_SUCCESS_AT, now)
			.where(WEBHOOK_ENDPOINT.ID.eq(id))
			.execute();
	}

	/** Previous secrets past their overlap are wiped. */
	int wipeExpiredPrevious(Instant now) {
		return dsl.update(WEBHOOK_ENDPOINT)
			.setNull(WEBHOOK_ENDPOINT.PREVIOUS_SECRET)
			.setNull(WEBHOOK_ENDPOINT.PREVIOUS_UNTIL)
			.where(WEBHOOK_ENDPOINT.PREVIOUS_UNTIL.lt(now))
			.execute();
	}

	static String list(Collection<String> values) {
		return values.isEmpty() ? null : String.join(",", new LinkedHashSet<>(values));
	}

	static Set<String> set(String list) {
		return list == null || list.isBlank() ? Set.of()
				: Arrays.stream(list.split(",")).map(String::strip).collect(Collectors.toCollection(LinkedHashSet::new));
	}

	static WebhookEndpoint toEndpoint(WebhookEndpointRecord r) {
		return new WebhookEndpoint(r.getId(), r.getName(), r.getUrl(), r.getOrigin(), set(r.getAccounts()),
				set(r.getEventTypes()), EndpointStatus.valueOf(r.getStatus()), r.getStatusReason(), r.getFirstEventId(),
				r.getFailingSince(), r.getLastSuccessAt(), r.getPreviousUntil(), r.getSecret() != null, r.getCreatedBy(),
				r.getCreatedAt(), r.getUpdatedAt(), r.getVersion());
	}
}
