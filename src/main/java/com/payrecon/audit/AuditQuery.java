package com.payrecon.audit;

import static com.payrecon.db.Tables.AUDIT_ENTRY;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.payrecon.db.tables.records.AuditEntryRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Searching the audit log, newest first, keyset-paginated on id (ids follow the chain, so they are in order). */
@Component
@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
public class AuditQuery {

	public static final int PAGE_SIZE = 100;

	private final DSLContext dsl;

	AuditQuery(DSLContext dsl) {
		this.dsl = dsl;
	}

	public record Page(List<AuditEntry> entries, Long nextBefore) {
	}

	@Transactional(readOnly = true)
	public Page search(String actor, String action, Instant from, Instant to, Long beforeId) {
		List<Condition> where = new ArrayList<>();
		if (actor != null && !actor.isBlank()) {
			where.add(AUDIT_ENTRY.ACTOR.eq(actor.strip()));
		}
		if (action != null && !action.isBlank()) {
			where.add(AUDIT_ENTRY.ACTION.eq(action.strip()));
		}
		if (from != null) {
			where.add(AUDIT_ENTRY.OCCURRED_AT.ge(from));
		}
		if (to != null) {
			where.add(AUDIT_ENTRY.OCCURRED_AT.lt(to));
		}
		if (beforeId != null) {
			where.add(AUDIT_ENTRY.ID.lt(beforeId));
		}
		List<AuditEntry> rows = dsl.selectFrom(AUDIT_ENTRY)
			.where(where)
			.orderBy(AUDIT_ENTRY.ID.desc())
			.limit(PAGE_SIZE + 1)
			.fetch(AuditQuery::toEntry);
		if (rows.size() <= PAGE_SIZE) {
			return new Page(rows, null);
		}
		List<AuditEntry> page = List.copyOf(rows.subList(0, PAGE_SIZE));
		return new Page(page, page.get(PAGE_SIZE - 1).id());
	}

	private static AuditEntry toEntry(AuditEntryRecord r) {
		AuditAction action;
		try {
			action = AuditAction.valueOf(r.getAction());
		}
		catch (IllegalArgumentException ex) {
			action = null; // written by a newer version
		}
		return new AuditEntry(r.getId(), r.getOccurredAt(), r.getActor(), action, r.getTarget(),
				AuditOutcome.valueOf(r.getOutcome()), r.getDetails(), r.getRemoteAddr(), r.getPrevHash(), r.getHash());
	}
}
