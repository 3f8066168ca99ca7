package com.payrecon.account;

import static com.payrecon.db.Tables.KEY_PROPOSAL;
import static com.payrecon.db.Tables.KEY_PROPOSAL_ITEM;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.payrecon.db.tables.records.KeyProposalRecord;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Rows of {@code key_proposal} and {@code key_proposal_item}; the sealed material never leaves as text here. */
@Repository
class KeyProposalRepository {

	/** A proposed key as stored: sealed until the proposal is decided, null after. */
	record SealedItem(AccountKeyName name, String keyId, byte[] ciphertext) {
		@Override
		public String toString() {
			return "SealedItem[" + name + ", " + keyId + "]";
		}
	}

	private final DSLContext dsl;

	KeyProposalRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** The new proposal's id; empty when the account has one waiting already. */
	Optional<Long> insert(String accountId, String note, String proposedBy, Instant now, Instant expiresAt) {
		int rows = dsl.insertInto(KEY_PROPOSAL)
			.set(KEY_PROPOSAL.ACCOUNT_ID, accountId)
			.set(KEY_PROPOSAL.STATE, KeyProposals.PROPOSED)
			.set(KEY_PROPOSAL.PENDING, (byte) 1)
			.set(KEY_PROPOSAL.NOTE, note)
			.set(KEY_PROPOSAL.PROPOSED_BY, proposedBy)
			.set(KEY_PROPOSAL.PROPOSED_AT, now)
			.set(KEY_PROPOSAL.EXPIRES_AT, expiresAt)
			.onDuplicateKeyIgnore()
			.execute();
		if (rows == 0) {
			return Optional.empty();
		}
		return Optional.of(dsl.select(KEY_PROPOSAL.ID)
			.from(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.ACCOUNT_ID.eq(accountId), KEY_PROPOSAL.PENDING.eq((byte) 1))
			.fetchSingle(KEY_PROPOSAL.ID));
	}

	void insertItem(long proposalId, AccountKeyName name, String keyId, byte[] ciphertext) {
		dsl.insertInto(KEY_PROPOSAL_ITEM)
			.set(KEY_PROPOSAL_ITEM.PROPOSAL_ID, proposalId)
			.set(KEY_PROPOSAL_ITEM.KEY_NAME, name.wireName())
			.set(KEY_PROPOSAL_ITEM.KEY_ID, keyId)
			.set(KEY_PROPOSAL_ITEM.CIPHERTEXT, ciphertext)
			.execute();
	}

	Optional<KeyProposals.KeyProposal> find(long id) {
		return dsl.selectFrom(KEY_PROPOSAL).where(KEY_PROPOSAL.ID.eq(id)).fetchOptional().map(r -> toProposal(r, items(List.of(id))));
	}

	/** Locks the proposal's row: two approvers at once decide one after the other. */
	Optional<KeyProposals.KeyProposal> lock(long id) {
		return dsl.selectFrom(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.ID.eq(id))
			.forUpdate()
			.fetchOptional()
			.map(r -> toProposal(r, items(List.of(id))));
	}

	List<SealedItem> sealedItems(long proposalId) {
		return dsl.selectFrom(KEY_PROPOSAL_ITEM)
			.where(KEY_PROPOSAL_ITEM.PROPOSAL_ID.eq(proposalId))
			.orderBy(KEY_PROPOSAL_ITEM.ID)
			.fetch(r -> new SealedItem(AccountKeyName.fromWire(r.getKeyName()).orElseThrow(), r.getKeyId(), r.getCiphertext()));
	}

	/** Pending proposals first, then the latest decided ones. */
	List<KeyProposals.KeyProposal> recent(int decided) {
		var pending = dsl.selectFrom(KEY_PROPOSAL).where(KEY_PROPOSAL.PENDING.eq((byte) 1)).orderBy(KEY_PROPOSAL.ID).fetch();
		var done = dsl.selectFrom(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.PENDING.isNull())
			.orderBy(KEY_PROPOSAL.ID.desc())
			.limit(decided)
			.fetch();
		var all = new java.util.ArrayList<KeyProposalRecord>(pending);
		all.addAll(done);
		Map<Long, List<KeyProposals.ProposedKey>> items = items(all.stream().map(KeyProposalRecord::getId).toList());
		return all.stream().map(r -> toProposal(r, items)).toList();
	}

	/** Ids of pending proposals whose time is up. */
	List<Long> due(Instant now) {
		return dsl.select(KEY_PROPOSAL.ID)
			.from(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.STATE.eq(KeyProposals.PROPOSED), KEY_PROPOSAL.EXPIRES_AT.le(now))
			.fetch(KEY_PROPOSAL.ID);
	}

	/** Compare-and-set from PROPOSED to a decision; wipes the material. False when it was decided already. */
	boolean decide(long id, String state, String by, String note, Instant now) {
		boolean decided = dsl.update(KEY_PROPOSAL)
			.set(KEY_PROPOSAL.STATE, state)
			.setNull(KEY_PROPOSAL.PENDING)
			.set(KEY_PROPOSAL.DECIDED_BY, by)
			.set(KEY_PROPOSAL.DECIDED_AT, now)
			.set(KEY_PROPOSAL.DECISION_NOTE, note)
			.set(KEY_PROPOSAL.VERSION, KEY_PROPOSAL.VERSION.plus(1))
			.where(KEY_PROPOSAL.ID.eq(id), KEY_PROPOSAL.STATE.eq(KeyProposals.PROPOSED))
			.execute() == 1;
		if (decided) {
			dsl.update(KEY_PROPOSAL_ITEM).setNull(KEY_PROPOSAL_ITEM.CIPHERTEXT).where(KEY_PROPOSAL_ITEM.PROPOSAL_ID.eq(id)).execute();
		}
		return decided;
	}

	private Map<Long, List<KeyProposals.ProposedKey>> items(List<Long> ids) {
		return dsl.selectFrom(KEY_PROPOSAL_ITEM)
			.where(KEY_PROPOSAL_ITEM.PROPOSAL_ID.in(ids))
			.orderBy(KEY_PROPOSAL_ITEM.ID)
			.fetchGroups(KEY_PROPOSAL_ITEM.PROPOSAL_ID)
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue()
				.stream()
				.map(r -> new KeyProposals.ProposedKey(AccountKeyName.fromWire(r.getKeyName()).orElseThrow(), r.getKeyId()))
				.toList()));
	}

	private static KeyProposals.KeyProposal toProposal(KeyProposalRecord r, Map<Long, List<KeyProposals.ProposedKey>> items) {
		return new KeyProposals.KeyProposal(r.getId(), r.getAccountId(), items.getOrDefault(r.getId(), List.of()),
				r.getState(), r.getNote(), r.getProposedBy(), r.getProposedAt(), r.getExpiresAt(), r.getDecidedBy(),
				r.getDecidedAt(), r.getDecisionNote());
	}
}
