package com.payrecon.reconcile;

import static com.payrecon.db.Tables.FINANCE_NOTICE;
import static com.payrecon.db.Tables.RECONCILIATION_REQUEST;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.payrecon.db.tables.records.FinanceNoticeRecord;
import com.payrecon.db.tables.records.ReconciliationRequestRecord;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Repository;

/** Run requests and finance notices: inserted, then moved on by compare-and-set (a lost race changes nothing). */
@Repository
class RunRequestRepository {

	private static final byte PENDING = 1;

	private final DSLContext dsl;

	RunRequestRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** Empty when the day has an open proposal already. */
	Optional<RunRequest> propose(String accountId, LocalDate day, String reason, String by, Instant now) {
		try {
			long id = dsl.insertInto(RECONCILIATION_REQUEST)
				.set(RECONCILIATION_REQUEST.ACCOUNT_ID, accountId)
				.set(RECONCILIATION_REQUEST.BUSINESS_DATE, day)
				.set(RECONCILIATION_REQUEST.REASON, reason)
				.set(RECONCILIATION_REQUEST.STATE, RunRequest.PROPOSED)
				.set(RECONCILIATION_REQUEST.PENDING, PENDING)
				.set(RECONCILIATION_REQUEST.PROPOSED_BY, by)
				.set(RECONCILIATION_REQUEST.PROPOSED_AT, now)
				.returningResult(RECONCILIATION_REQUEST.ID)
				.fetchOne()
				.value1();
			return find(id);
		}
		catch (DuplicateKeyException | IntegrityConstraintViolationException ex) {
			return Optional.empty();
		}
	}

	Optional<RunRequest> find(long id) {
		return dsl.selectFrom(RECONCILIATION_REQUEST).where(RECONCILIATION_REQUEST.ID.eq(id))
			.fetchOptional(RunRequestRepository::toRequest);
	}

	List<RunRequest> ofDay(String accountId, LocalDate day) {
		return dsl.selectFrom(RECONCILIATION_REQUEST)
			.where(RECONCILIATION_REQUEST.ACCOUNT_ID.eq(accountId), RECONCILIATION_REQUEST.BUSINESS_DATE.eq(day))
			.orderBy(RECONCILIATION_REQUEST.ID.desc())
			.fetch(RunRequestRepository::toRequest);
	}

	/** PROPOSED → APPROVED or REJECTED, only from the version read: false when someone else decided first. */
	boolean decide(RunRequest request, String state, String by, String note, String jobRequest, Instant now) {
		return dsl.update(RECONCILIATION_REQUEST)
			.set(RECONCILIATION_REQUEST.STATE, state)
			.setNull(RECONCILIATION_REQUEST.PENDING)
			.set(RECONCILIATION_REQUEST.DECIDED_BY, by)
			.set(RECONCILIATION_REQUEST.DECIDED_AT, now)
			.set(RECONCILIATION_REQUEST.DECISION_NOTE, note)
			.set(RECONCILIATION_REQUEST.JOB_REQUEST, jobRequest)
			.set(RECONCILIATION_REQUEST.VERSION, RECONCILIATION_REQUEST.VERSION.plus(1))
			.where(RECONCILIATION_REQUEST.ID.eq(request.id()), RECONCILIATION_REQUEST.VERSION.eq(request.version()),
					RECONCILIATION_REQUEST.STATE.eq(RunRequest.PROPOSED))
			.execute() == 1;
	}

	void recordJobRequest(long id, String jobRequest) {
		dsl.update(RECONCILIATION_REQUEST)
			.set(RECONCILIATION_REQUEST.JOB_REQUEST, jobRequest)
			.where(RECONCILIATION_REQUEST.ID.eq(id))
			.execute();
	}

	long notice(String accountId, LocalDate day, String kind, long runId, String signedBy, List<String> changes,
			Instant now) {
		return dsl.insertInto(FINANCE_NOTICE)
			.set(FINANCE_NOTICE.ACCOUNT_ID, accountId)
			.set(FINANCE_NOTICE.BUSINESS_DATE, day)
			.set(FINANCE_NOTICE.KIND, kind)
			.set(FINANCE_NOTICE.RUN_ID, runId)
			.set(FINANCE_NOTICE.SIGNED_BY, signedBy)
			.set(FINANCE_NOTICE.CHANGES, ReconciliationRunRepository.truncate(String.join(";", changes), 1024))
			.set(FINANCE_NOTICE.CREATED_AT, now)
			.returningResult(FINANCE_NOTICE.ID)
			.fetchOne()
			.value1();
	}

	List<FinanceNotices.Notice> unreadNotices(int limit) {
		return dsl.selectFrom(FINANCE_NOTICE)
			.where(FINANCE_NOTICE.READ_AT.isNull())
			.orderBy(FINANCE_NOTICE.ID.desc())
			.limit(limit)
			.fetch(RunRequestRepository::toNotice);
	}

	Optional<FinanceNotices.Notice> findNotice(long id) {
		return dsl.selectFrom(FINANCE_NOTICE).where(FINANCE_NOTICE.ID.eq(id)).fetchOptional(RunRequestRepository::toNotice);
	}

	boolean markRead(long id, String by, Instant now) {
		return dsl.update(FINANCE_NOTICE)
			.set(FINANCE_NOTICE.READ_BY, by)
			.set(FINANCE_NOTICE.READ_AT, now)
			.set(FINANCE_NOTICE.VERSION, FINANCE_NOTICE.VERSION.plus(1))
			.where(FINANCE_NOTICE.ID.eq(id), FINANCE_NOTICE.READ_AT.isNull())
			.execute() == 1;
	}

	private static RunRequest toRequest(ReconciliationRequestRecord r) {
		return new RunRequest(r.getId(), r.getAccountId(), r.getBusinessDate(), r.getReason(), r.getState(),
				r.getProposedBy(), r.getProposedAt(), r.getDecidedBy(), r.getDecidedAt(), r.getDecisionNote(),
				r.getJobRequest(), r.getVersion());
	}

	private static FinanceNotices.Notice toNotice(FinanceNoticeRecord r) {
		return new FinanceNotices.Notice(r.getId(), r.getAccountId(), r.getBusinessDate(), r.getKind(), r.getRunId(),
				r.getSignedBy(), Arrays.stream(r.getChanges().split(";")).filter(s -> !s.isBlank()).toList(),
				r.getCreatedAt(), r.getReadBy(), r.getReadAt());
	}
}
