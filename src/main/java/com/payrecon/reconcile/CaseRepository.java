package com.payrecon.reconcile;

import static com.payrecon.db.Tables.ADJUSTMENT_PROPOSAL;
import static com.payrecon.db.Tables.DAY_SIGN_OFF;
import static com.payrecon.db.Tables.DISCREPANCY_HISTORY;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import com.payrecon.db.tables.records.AdjustmentProposalRecord;
import com.payrecon.db.tables.records.DaySignOffRecord;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/**
 * The console's reconciliation tables: discrepancy history, maker-checker proposals and day sign-offs. State moves
 * are compare-and-set on (state, version); "at most one" rules are unique keys over a nullable flag column.
 */
@Repository
public class CaseRepository {

	private static final byte YES = 1;

	private final DSLContext dsl;

	CaseRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	// ------------------------------------------------------------------------------------------ history

	void addHistory(long discrepancyId, String action, String from, String to, String actor, String detail, Instant at) {
		dsl.insertInto(DISCREPANCY_HISTORY)
			.set(DISCREPANCY_HISTORY.DISCREPANCY_ID, discrepancyId)
			.set(DISCREPANCY_HISTORY.ACTION, action)
			.set(DISCREPANCY_HISTORY.FROM_RESOLUTION, from)
			.set(DISCREPANCY_HISTORY.TO_RESOLUTION, to)
			.set(DISCREPANCY_HISTORY.ACTOR, truncate(actor, 128))
			.set(DISCREPANCY_HISTORY.DETAIL, truncate(detail, 1024))
			.set(DISCREPANCY_HISTORY.OCCURRED_AT, at)
			.execute();
	}

	public List<HistoryEntry> history(Collection<Long> discrepancyIds) {
		return dsl.selectFrom(DISCREPANCY_HISTORY)
			.where(DISCREPANCY_HISTORY.DISCREPANCY_ID.in(discrepancyIds))
			.orderBy(DISCREPANCY_HISTORY.ID)
			.fetch(r -> new HistoryEntry(r.getId(), r.getDiscrepancyId(), r.getAction(), r.getFromResolution(),
					r.getToResolution(), r.getActor(), r.getDetail(), r.getOccurredAt()));
	}

	// ------------------------------------------------------------------------------------------ proposals

	/** Inserts a PROPOSED proposal; empty when the discrepancy already has one pending (unique key). */
	Optional<Long> propose(Proposal p) {
		return dsl.insertInto(ADJUSTMENT_PROPOSAL)
			.set(ADJUSTMENT_PROPOSAL.DISCREPANCY_ID, p.discrepancyId())
			.set(ADJUSTMENT_PROPOSAL.ACCOUNT_ID, p.accountId())
			.set(ADJUSTMENT_PROPOSAL.BUSINESS_DATE, p.businessDate())
			.set(ADJUSTMENT_PROPOSAL.ORDER_ID, p.orderId())
			.set(ADJUSTMENT_PROPOSAL.OUT_TRADE_NO, p.outTradeNo())
			.set(ADJUSTMENT_PROPOSAL.KIND, p.kind().name())
			.set(ADJUSTMENT_PROPOSAL.PROVIDER_TXN_ID, p.providerTxnId())
			.set(ADJUSTMENT_PROPOSAL.AMOUNT_MINOR, p.amount().value())
			.set(ADJUSTMENT_PROPOSAL.CURRENCY, p.currency())
			.set(ADJUSTMENT_PROPOSAL.PROVIDER_TIME, p.providerTime())
			.set(ADJUSTMENT_PROPOSAL.NOTE, truncate(p.note(), 1024))
			.set(ADJUSTMENT_PROPOSAL.STATE, Proposal.PROPOSED)
			.set(ADJUSTMENT_PROPOSAL.PENDING, YES)
			.set(ADJUSTMENT_PROPOSAL.PROPOSED_BY, p.proposedBy())
			.set(ADJUSTMENT_PROPOSAL.PROPOSED_AT, p.proposedAt())
			.onDuplicateKeyIgnore()
			.returningResult(ADJUSTMENT_PROPOSAL.ID)
			.fetchOptional()
			.map(r -> r.value1());
	}

	public Optional<Proposal> proposal(long id) {
		return dsl.selectFrom(ADJUSTMENT_PROPOSAL).where(ADJUSTMENT_PROPOSAL.ID.eq(id)).fetchOptional(CaseRepository::toProposal);
	}

	boolean hasPending(long discrepancyId) {
		return dsl.fetchExists(ADJUSTMENT_PROPOSAL, ADJUSTMENT_PROPOSAL.DISCREPANCY_ID.eq(discrepancyId),
				ADJUSTMENT_PROPOSAL.PENDING.eq(YES));
	}

	/** PROPOSED → {@code state}, compare-and-set: false when someone decided first. */
	boolean decide(Proposal p, String state, String by, String note, Instant at) {
		return dsl.update(ADJUSTMENT_PROPOSAL)
			.set(ADJUSTMENT_PROPOSAL.STATE, state)
			.setNull(ADJUSTMENT_PROPOSAL.PENDING)
			.set(ADJUSTMENT_PROPOSAL.DECIDED_BY, by)
			.set(ADJUSTMENT_PROPOSAL.DECIDED_AT, at)
			.set(ADJUSTMENT_PROPOSAL.DECISION_NOTE, truncate(note, 1024))
			.set(ADJUSTMENT_PROPOSAL.VERSION, ADJUSTMENT_PROPOSAL.VERSION.plus(1))
			.where(ADJUSTMENT_PROPOSAL.ID.eq(p.id()), ADJUSTMENT_PROPOSAL.STATE.eq(Proposal.PROPOSED),
					ADJUSTMENT_PROPOSAL.VERSION.eq(p.version()))
			.execute() == 1;
	}

	public List<Proposal> proposalsOf(String accountId, LocalDate day) {
		return dsl.selectFrom(ADJUSTMENT_PROPOSAL)
			.where(ADJUSTMENT_PROPOSAL.ACCOUNT_ID.eq(accountId), ADJUSTMENT_PROPOSAL.BUSINESS_DATE.eq(day))
			.orderBy(ADJUSTMENT_PROPOSAL.ID)
			.fetch(CaseRepository::toProposal);
	}

	private static Proposal toProposal(AdjustmentProposalRecord r) {
		return new Proposal(r.getId(), r.getDiscrepancyId(), r.getAccountId(), r.getBusinessDate(), r.getOrderId(),
				r.getOutTradeNo(), AdjustmentKind.valueOf(r.getKind()), r.getProviderTxnId(), Fen.of(r.getAmountMinor()),
				r.getCurrency(), r.getProviderTime(), r.getNote(), r.getState(), r.getProposedBy(), r.getProposedAt(),
				r.getDecidedBy(), r.getDecidedAt(), r.getDecisionNote(), r.getVersion());
	}

	// ------------------------------------------------------------------------------------------ sign-offs

	/** Signs the day off; false when a sign-off is already in force (unique key). */
	boolean signOff(String accountId, LocalDate day, long runId, String by, Instant at) {
		return dsl.insertInto(DAY_SIGN_OFF)
			.set(DAY_SIGN_OFF.ACCOUNT_ID, accountId)
			.set(DAY_SIGN_OFF.BUSINESS_DATE, day)
			.set(DAY_SIGN_OFF.RUN_ID, runId)
			.set(DAY_SIGN_OFF.ACTIVE, YES)
			.set(DAY_SIGN_OFF.SIGNED_BY, by)
			.set(DAY_SIGN_OFF.SIGNED_AT, at)
			.onDuplicateKeyIgnore()
			.execute() == 1;
	}

	Optional<SignOff> activeSignOff(String accountId, LocalDate day) {
		return dsl.selectFrom(DAY_SIGN_OFF)
			.where(DAY_SIGN_OFF.ACCOUNT_ID.eq(accountId), DAY_SIGN_OFF.BUSINESS_DATE.eq(day), DAY_SIGN_OFF.ACTIVE.eq(YES))
			.fetchOptional(CaseRepository::toSignOff);
	}

	public List<SignOff> signOffs(String accountId, LocalDate day) {
		return dsl.selectFrom(DAY_SIGN_OFF)
			.where(DAY_SIGN_OFF.ACCOUNT_ID.eq(accountId), DAY_SIGN_OFF.BUSINESS_DATE.eq(day))
			.orderBy(DAY_SIGN_OFF.ID.desc())
			.fetch(CaseRepository::toSignOff);
	}

	void clearSignOff(long id, String reason, Instant at) {
		dsl.update(DAY_SIGN_OFF)
			.setNull(DAY_SIGN_OFF.ACTIVE)
			.set(DAY_SIGN_OFF.CLEARED_AT, at)
			.set(DAY_SIGN_OFF.CLEARED_REASON, truncate(reason, 1024))
			.set(DAY_SIGN_OFF.VERSION, DAY_SIGN_OFF.VERSION.plus(1))
			.where(DAY_SIGN_OFF.ID.eq(id), DAY_SIGN_OFF.ACTIVE.eq(YES))
			.execute();
	}

	void moveSignOff(long id, long runId) {
		dsl.update(DAY_SIGN_OFF)
			.set(DAY_SIGN_OFF.RUN_ID, runId)
			.set(DAY_SIGN_OFF.VERSION, DAY_SIGN_OFF.VERSION.plus(1))
			.where(DAY_SIGN_OFF.ID.eq(id), DAY_SIGN_OFF.ACTIVE.eq(YES))
			.execute();
	}

	private static SignOff toSignOff(DaySignOffRecord r) {
		return new SignOff(r.getId(), r.getAccountId(), r.getBusinessDate(), r.getRunId(), r.getSignedBy(),
				r.getSignedAt(), r.getClearedAt(), r.getClearedReason());
	}

	static String truncate(String text, int max) {
		return text == null || text.length() <= max ? text : text.substring(0, max);
	}
}
