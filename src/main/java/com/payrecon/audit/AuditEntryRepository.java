package com.payrecon.audit;

import static com.payrecon.db.Tables.AUDIT_CHAIN_HEAD;
import static com.payrecon.db.Tables.AUDIT_ENTRY;

import java.time.Instant;
import java.util.List;

import com.payrecon.db.tables.records.AuditEntryRecord;
import org.jooq.DSLContext;
import org.jooq.Record2;

import org.springframework.stereotype.Repository;

/** Appends to the audit log (never updates or deletes an entry) and reads it back in id order for the verifier. */
@Repository
class AuditEntryRepository {

	private static final long HEAD = 1L;

	private final DSLContext dsl;

	AuditEntryRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	/**
	 * Appends an entry. The chain head row is locked until the caller's transaction ends, so entries get consecutive
	 * ids and each one chains to the one before it even when operators act at the same moment.
	 */
	AuditEntry append(Instant at, String actor, AuditAction action, String target, AuditOutcome outcome,
			String details, String remoteAddr) {
		Record2<Long, String> head = dsl.select(AUDIT_CHAIN_HEAD.LAST_ENTRY_ID, AUDIT_CHAIN_HEAD.LAST_HASH)
			.from(AUDIT_CHAIN_HEAD)
			.where(AUDIT_CHAIN_HEAD.ID.eq(HEAD))
			.forUpdate()
			.fetchSingle();
		long id = head.value1() + 1;
		String prevHash = head.value2();
		String hash = AuditHash.of(prevHash, id, at, actor, action.name(), target, outcome.name(), details, remoteAddr);
		dsl.insertInto(AUDIT_ENTRY)
			.set(AUDIT_ENTRY.ID, id)
			.set(AUDIT_ENTRY.OCCURRED_AT, at)
			.set(AUDIT_ENTRY.ACTOR, actor)
			.set(AUDIT_ENTRY.ACTION, action.name())
			.set(AUDIT_ENTRY.TARGET, target)
			.set(AUDIT_ENTRY.OUTCOME, outcome.name())
			.set(AUDIT_ENTRY.DETAILS, details)
			.set(AUDIT_ENTRY.REMOTE_ADDR, remoteAddr)
			.set(AUDIT_ENTRY.PREV_HASH, prevHash)
			.set(AUDIT_ENTRY.HASH, hash)
			.execute();
		dsl.update(AUDIT_CHAIN_HEAD)
			.set(AUDIT_CHAIN_HEAD.LAST_ENTRY_ID, id)
			.set(AUDIT_CHAIN_HEAD.LAST_HASH, hash)
			.set(AUDIT_CHAIN_HEAD.VERSION, AUDIT_CHAIN_HEAD.VERSION.plus(1))
			.where(AUDIT_CHAIN_HEAD.ID.eq(HEAD))
			.execute();
		return new AuditEntry(id, at, actor, action, target, outcome, details, remoteAddr, prevHash, hash);
	}

	/** Entries with id > afterId, in id order, as stored (the action text is kept as is for hashing). */
	List<StoredRow> after(long afterId, int limit) {
		return dsl.selectFrom(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.ID.gt(afterId))
			.orderBy(AUDIT_ENTRY.ID)
			.limit(limit)
			.fetch(AuditEntryRepository::toRow);
	}

	record Head(long lastEntryId, String lastHash) {
	}

	Head head() {
		return dsl.select(AUDIT_CHAIN_HEAD.LAST_ENTRY_ID, AUDIT_CHAIN_HEAD.LAST_HASH)
			.from(AUDIT_CHAIN_HEAD)
			.where(AUDIT_CHAIN_HEAD.ID.eq(HEAD))
			.fetchSingle(r -> new Head(r.value1(), r.value2()));
	}

	/** A row exactly as stored, strings untouched, for the verifier. */
	record StoredRow(long id, Instant occurredAt, String actor, String action, String target, String outcome,
			String details, String remoteAddr, String prevHash, String hash) {
	}

	private static StoredRow toRow(AuditEntryRecord r) {
		return new StoredRow(r.getId(), r.getOccurredAt(), r.getActor(), r.getAction(), r.getTarget(), r.getOutcome(),
				r.getDetails(), r.getRemoteAddr(), r.getPrevHash(), r.getHash());
	}
}
