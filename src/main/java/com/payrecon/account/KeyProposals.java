package com.payrecon.account;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.security.ConsoleDutiesProperties;
import com.payrecon.security.Refused;
import com.payrecon.security.SeparationOfDuties;
import com.payrecon.security.StepUp;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Maker-checker for account keys (threat case C8). Replacing a key that decides what PayRecon believes (v2 API key,
 * v3 platform public key with its id, Alipay public key) or signs what it sends (merchant private key with its
 * serial, APIv3 key, app private key) changes where money goes: one admin proposes, re-entering their password
 * ({@link StepUp}); a different admin, not {@link SeparationOfDuties tied} to the proposer, approves, re-entering
 * theirs; only then are the keys stored ({@link AccountKeys}) and in force. Until then the old keys stay. A proposal is
 * one unit: an account and one or more keys, each with the id or serial that goes with it, replaced together. The
 * proposed material is sealed with the master key until the proposal is decided or expires
 * ({@code payrecon.console.key-proposal-lifetime}, 24 h), then wiped; it is never shown, logged or audited. Every
 * step, refusals included, is audited.
 */
@Service
public class KeyProposals implements SmartInitializingSingleton {

	static final String PROPOSED = "PROPOSED";
	static final String APPROVED = "APPROVED";
	static final String REJECTED = "REJECTED";
	static final String EXPIRED = "EXPIRED";
	private static final int NOTE_LENGTH = 1000;

	/** One key to replace, with its id or serial where it has one; {@link #toString()} never shows the value. */
	public record KeyChange(AccountKeyName name, @Nullable String keyId, String value) {
		@Override
		public String toString() {
			return "KeyChange[" + name.wireName() + (keyId == null ? "" : ", " + keyId) + ", value=****]";
		}
	}

	/** What a proposal says it replaces (never the material). */
	public record ProposedKey(AccountKeyName name, @Nullable String keyId) {
	}

	/** A proposal as the pages show it. */
	public record KeyProposal(long id, String accountId, List<ProposedKey> keys, String state, @Nullable String note,
			String proposedBy, Instant proposedAt, Instant expiresAt, @Nullable String decidedBy,
			@Nullable Instant decidedAt, @Nullable String decisionNote) {
		public boolean pending() {
			return PROPOSED.equals(state);
		}

		String describe() {
			return accountId + ": " + keys.stream()
				.map(k -> k.name().wireName() + (k.keyId() == null ? "" : " (" + k.keyId() + ")"))
				.collect(Collectors.joining(", "));
		}
	}

	private final KeyProposalRepository proposals;
	private final AccountKeys keys;
	private final AccountRegistry accounts;
	private final MasterKeyCipher cipher;
	private final StepUp stepUp;
	private final SeparationOfDuties duties;
	private final AuditLog audit;
	private final MessageSource messages;
	private final ConsoleDutiesProperties properties;
	private final Clock clock;
	private final TransactionTemplate tx;

	KeyProposals(KeyProposalRepository proposals, AccountKeys keys, AccountRegistry accounts, MasterKeyCipher cipher,
			StepUp stepUp, SeparationOfDuties duties, AuditLog audit, MessageSource messages,
			ConsoleDutiesProperties properties, Clock clock, PlatformTransactionManager transactionManager) {
		this.proposals = proposals;
		this.keys = keys;
		this.accounts = accounts;
		this.cipher = cipher;
		this.stepUp = stepUp;
		this.duties = duties;
		this.audit = audit;
		this.messages = messages;
		this.properties = properties;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/** Proposals left over from before a restart: those past their time expire now (and their material goes). */
	@Override
	public void afterSingletonsInstantiated() {
		expireDue();
	}

	/**
	 * Proposes replacing keys of an account. The values are checked now (format, strength, channel) and sealed.
	 * @throws Refused step-up failed, a proposal of this account waits already, no master key, an invalid key
	 */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public KeyProposal propose(String accountId, List<KeyChange> changes, @Nullable String note, String password,
			String operator) {
		String target = "account:" + accountId;
		String what = accountId + ": " + changes.stream()
			.map(c -> c.name().wireName() + (c.keyId() == null ? "" : " (" + c.keyId() + ")"))
			.collect(Collectors.joining(", "));
		return audited(AuditAction.KEY_CHANGE_PROPOSED, target, operator, () -> {
			stepUp.confirm(operator, password, "propose key change " + what);
			return tx.execute(status -> {
				Account account = accounts.find(accountId).orElseThrow(() -> new Refused("keys.noAccount", accountId));
				if (!cipher.available()) {
					throw new Refused("keys.noMasterKey");
				}
				check(account, changes);
				Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
				String why = note == null || note.isBlank() ? null : note.strip();
				if (why != null && why.length() > NOTE_LENGTH) {
					throw new Refused("keys.noteTooLong", NOTE_LENGTH);
				}
				long id = proposals.insert(accountId, why, operator, now, now.plus(properties.keyProposalLifetime()))
					.orElseThrow(() -> new Refused("keys.proposalWaiting", accountId));
				for (KeyChange change : changes) {
					proposals.insertItem(id, change.name(), blankToNull(change.keyId()),
							cipher.encrypt(change.value().strip(), associatedData(id, accountId, change.name())));
				}
				KeyProposal proposal = proposals.find(id).orElseThrow();
				audit.record(operator, AuditAction.KEY_CHANGE_PROPOSED, target, AuditOutcome.SUCCESS,
						"proposal " + id + ": " + proposal.describe() + "; sealed until approved, rejected or expired at "
								+ proposal.expiresAt() + (why == null ? "" : " — " + why));
				return proposal;
			});
		});
	}

	/**
	 * A different admin, not tied to the proposer, approves: the keys are stored and in force when this commits.
	 * @throws Refused step-up failed, own proposal, tied, decided or expired already, a key no longer applies
	 */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public KeyProposal approve(long proposalId, String password, String operator) {
		expireDue();
		KeyProposal seen = proposals.find(proposalId).orElseThrow(() -> new Refused("keys.noProposal", proposalId));
		String target = "account:" + seen.accountId();
		return audited(AuditAction.KEY_CHANGE_APPROVED, target, operator, () -> {
			stepUp.confirm(operator, password, "approve key proposal " + proposalId);
			return tx.execute(status -> {
				KeyProposal p = pending(proposals.lock(proposalId).orElseThrow());
				duties.checkMayApprove(p.proposedBy(), operator);
				Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
				List<KeyChange> changes = new ArrayList<>();
				for (var item : proposals.sealedItems(proposalId)) {
					changes.add(new KeyChange(item.name(), item.keyId(),
							cipher.decrypt(item.ciphertext(), associatedData(proposalId, p.accountId(), item.name()))));
				}
				check(accounts.find(p.accountId()).orElseThrow(() -> new Refused("keys.noAccount", p.accountId())), changes);
				if (!proposals.decide(proposalId, APPROVED, operator, null, now)) {
					throw new Refused("keys.decided", proposalId);
				}
				keys.install(p.accountId(), changes, proposalId, p.proposedBy(), operator, now);
				audit.record(operator, AuditAction.KEY_CHANGE_APPROVED, target, AuditOutcome.SUCCESS,
						"proposal " + proposalId + " of " + p.proposedBy() + " approved: " + p.describe()
								+ " in force from now; proposed material wiped");
				return proposals.find(proposalId).orElseThrow();
			});
		});
	}

	/** Any admin, the proposer too (withdrawing it), rejects with a reason; nothing changes, the material goes. */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public KeyProposal reject(long proposalId, @Nullable String reason, String operator) {
		KeyProposal seen = proposals.find(proposalId).orElseThrow(() -> new Refused("keys.noProposal", proposalId));
		String target = "account:" + seen.accountId();
		return audited(AuditAction.KEY_CHANGE_REJECTED, target, operator, () -> tx.execute(status -> {
			if (reason == null || reason.isBlank()) {
				throw new Refused("keys.reasonRequired");
			}
			String why = reason.strip();
			if (why.length() > NOTE_LENGTH) {
				throw new Refused("keys.noteTooLong", NOTE_LENGTH);
			}
			KeyProposal p = pending(proposals.lock(proposalId).orElseThrow());
			if (!proposals.decide(proposalId, REJECTED, operator, why, clock.instant().truncatedTo(ChronoUnit.MICROS))) {
				throw new Refused("keys.decided", proposalId);
			}
			audit.record(operator, AuditAction.KEY_CHANGE_REJECTED, target, AuditOutcome.SUCCESS,
					"proposal " + proposalId + " of " + p.proposedBy() + " rejected: " + p.describe() + " — " + why
							+ "; proposed material wiped");
			return proposals.find(proposalId).orElseThrow();
		}));
	}

	/** Waiting proposals and the latest decided ones (due ones expire first). */
	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	public List<KeyProposal> recent() {
		expireDue();
		return tx.execute(status -> proposals.recent(20));
	}

	/** Every waiting proposal past its time becomes EXPIRED and loses its material; audited by {@code system}. */
	public void expireDue() {
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		for (long id : tx.execute(status -> proposals.due(now))) {
			tx.executeWithoutResult(status -> {
				KeyProposal p = proposals.lock(id).orElseThrow();
				if (p.pending() && proposals.decide(id, EXPIRED, "system", "not approved by " + p.expiresAt(), now)) {
					audit.record("system", AuditAction.KEY_CHANGE_EXPIRED, "account:" + p.accountId(), AuditOutcome.SUCCESS,
							"proposal " + id + " of " + p.proposedBy() + " expired unapproved: " + p.describe()
									+ "; proposed material wiped");
				}
			});
		}
	}

	private void check(Account account, List<KeyChange> changes) {
		if (changes.isEmpty()) {
			throw new Refused("keys.nothing");
		}
		Set<AccountKeyName> seen = new HashSet<>();
		Account.Credentials checked = account.credentials();
		for (KeyChange change : changes) {
			if (!seen.add(change.name())) {
				throw new Refused("keys.twice", change.name().label());
			}
			if (change.name().channel() != account.channel()) {
				throw new Refused("keys.wrongChannel", change.name().label(), account.channel().wireName());
			}
			if (change.name() == AccountKeyName.ALIPAY_PUBLIC_KEY && account.certificates().alipay() != null) {
				// certificate mode verifies with Alipay's certificates only: the key would be listed but never used
				throw new Refused("keys.certificateMode", change.name().label());
			}
			String keyId = blankToNull(change.keyId());
			if (change.name().hasKeyId() && keyId == null) {
				throw new Refused("keys.idRequired", change.name().label(), change.name().keyIdLabel());
			}
			try {
				checked = change.name().apply(checked, change.value(), keyId);
			}
			catch (AccountKeyName.InvalidKey ex) {
				throw new Refused("keys.invalid", ex.getMessage());
			}
		}
	}

	private KeyProposal pending(KeyProposal p) {
		if (!p.pending()) {
			throw new Refused("keys.decidedAs", p.id(), p.state());
		}
		if (!p.expiresAt().isAfter(clock.instant())) {
			throw new Refused("keys.decidedAs", p.id(), EXPIRED);
		}
		return p;
	}

	/** Runs a step; a refusal is audited after the step's transaction rolled back, in English, without any key. */
	private <T> T audited(AuditAction action, String target, String operator, Supplier<T> work) {
		try {
			return work.get();
		}
		catch (Refused ex) {
			audit.record(operator, action, target, AuditOutcome.FAILURE, ex.text(messages, Locale.ENGLISH));
			throw ex;
		}
	}

	private static String associatedData(long proposalId, String accountId, AccountKeyName name) {
		return "key-proposal/" + proposalId + "/" + accountId + "/" + name.wireName();
	}

	private static @Nullable String blankToNull(@Nullable String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}
}
