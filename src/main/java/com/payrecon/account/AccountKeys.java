package com.payrecon.account;

import static com.payrecon.db.Tables.ACCOUNT_KEY;

import java.time.Instant;
import java.util.List;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Account keys replaced in the console, each through an approved {@link KeyProposals proposal} (one admin proposes, a
 * different admin approves). A replacement is stored only encrypted (AES-256-GCM with
 * {@code payrecon.secrets.master-key}, table {@code account_key}, with the key id or serial that goes with it),
 * audited as ACCOUNT_KEY_REPLACED without the key, and put into {@link AccountRegistry} when the approving transaction
 * commits, so notifications are verified and provider calls signed with it from then on, without a restart. At
 * start-up the stored replacements override the configured keys; stored replacements without a master key stop
 * start-up (they would otherwise be silently ignored).
 *
 * <p>Other nodes of a cluster pick a replacement up within {@code payrecon.keys.sync-interval} (5 s): each checks the
 * table's fingerprint (row count, sum of versions) on that interval ({@link KeySync}) and applies the stored
 * replacements again when it moved (docs/credentials.md).
 */
@Service
public class AccountKeys implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(AccountKeys.class);

	private final DSLContext dsl;
	private final AccountRegistry accounts;
	private final AuditLog audit;
	private final MasterKeyCipher cipher;

	AccountKeys(DSLContext dsl, AccountRegistry accounts, AuditLog audit, MasterKeyCipher cipher) {
		this.dsl = dsl;
		this.accounts = accounts;
		this.audit = audit;
		this.cipher = cipher;
	}

	/** Who replaced which key of an account (proposed and approved), and when (never the key). */
	public record Replacement(String accountId, AccountKeyName key, String keyId, String replacedBy, String approvedBy,
			Instant replacedAt) {
	}

	/** Replacing keys needs a master key. */
	public static class NoMasterKey extends IllegalStateException {
		NoMasterKey() {
			super("Keys cannot be replaced: no master key is configured (" + MasterKeyCipher.PROPERTY
					+ ", base64 of 32 random bytes)");
		}
	}

	public boolean replaceable() {
		return cipher.available();
	}

	@PreAuthorize("hasAnyRole('ADMIN', 'FINANCE')")
	@Transactional(readOnly = true)
	public List<Replacement> replacements() {
		return dsl.selectFrom(ACCOUNT_KEY)
			.orderBy(ACCOUNT_KEY.ACCOUNT_ID, ACCOUNT_KEY.KEY_NAME)
			.fetch(r -> new Replacement(r.getAccountId(), AccountKeyName.fromWire(r.getKeyName()).orElseThrow(),
					r.getKeyId(), r.getReplacedBy(), r.getApprovedBy(), r.getReplacedAt()));
	}

	/**
	 * Stores the keys of an approved proposal (in the approver's transaction) and puts them into effect when it
	 * commits, all of them at once. The values were checked when proposed; they are checked again against the
	 * credentials in force now.
	 */
	void install(String accountId, List<KeyProposals.KeyChange> changes, long proposalId, String proposedBy,
			String approvedBy, Instant now) {
		Account account = accounts.find(accountId).orElseThrow(() -> new IllegalArgumentException("no account '" + accountId + "'"));
		Account.Credentials checked = account.credentials();
		for (KeyProposals.KeyChange change : changes) {
			checked = change.name().apply(checked, change.value(), change.keyId());
		}
		for (KeyProposals.KeyChange change : changes) {
			AccountKeyName name = change.name();
			byte[] sealed = cipher.encrypt(change.value().strip(), associatedData(accountId, name));
			dsl.insertInto(ACCOUNT_KEY, ACCOUNT_KEY.ACCOUNT_ID, ACCOUNT_KEY.KEY_NAME, ACCOUNT_KEY.CIPHERTEXT,
					ACCOUNT_KEY.REPLACED_BY, ACCOUNT_KEY.REPLACED_AT)
				.values(accountId, name.wireName(), sealed, proposedBy, now)
				.onDuplicateKeyIgnore()
				.execute();
			dsl.update(ACCOUNT_KEY)
				.set(ACCOUNT_KEY.KEY_ID, change.keyId())
				.set(ACCOUNT_KEY.CIPHERTEXT, sealed)
				.set(ACCOUNT_KEY.REPLACED_BY, proposedBy)
				.set(ACCOUNT_KEY.APPROVED_BY, approvedBy)
				.set(ACCOUNT_KEY.PROPOSAL_ID, proposalId)
				.set(ACCOUNT_KEY.REPLACED_AT, now)
				.set(ACCOUNT_KEY.VERSION, ACCOUNT_KEY.VERSION.plus(1))
				.where(ACCOUNT_KEY.ACCOUNT_ID.eq(accountId), ACCOUNT_KEY.KEY_NAME.eq(name.wireName()))
				.execute();
			audit.record(approvedBy, AuditAction.ACCOUNT_KEY_REPLACED, "account:" + accountId + "/" + name.wireName(),
					AuditOutcome.SUCCESS, name.label() + (change.keyId() == null ? "" : " (" + change.keyId() + ")")
							+ " replaced by proposal " + proposalId + " of " + proposedBy + ", approved by " + approvedBy
							+ "; stored encrypted");
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				accounts.replaceCredentials(accountId, current -> {
					Account.Credentials next = current;
					for (KeyProposals.KeyChange change : changes) {
						next = change.name().apply(next, change.value(), change.keyId());
					}
					return next;
				});
				log.info("Account {}: {} replaced by proposal {} of {}, approved by {}", accountId,
						changes.stream().map(c -> c.name().label()).toList(), proposalId, proposedBy, approvedBy);
			}
		});
	}

	/** Start-up: stored replacements override the configured keys. */
	@Override
	public void afterSingletonsInstantiated() {
		applyStored();
	}

	private record Fingerprint(long rows, long versions) {
	}

	private volatile Fingerprint applied;

	/**
	 * Another node stored a replacement since this node last read the table: applies them all again (each is
	 * idempotent: a value, or a key with its id). Called by {@link KeySync} every sync-interval.
	 */
	synchronized void sync() {
		if (!fingerprint().equals(applied)) {
			applyStored();
		}
	}

	private Fingerprint fingerprint() {
		var row = dsl.select(DSL.count(), DSL.coalesce(DSL.sum(ACCOUNT_KEY.VERSION), DSL.inline(java.math.BigDecimal.ZERO)))
			.from(ACCOUNT_KEY)
			.fetchOne();
		return new Fingerprint(row.value1(), row.value2().longValue());
	}

	private synchronized void applyStored() {
		Fingerprint before = fingerprint();
		var rows = dsl.selectFrom(ACCOUNT_KEY).orderBy(ACCOUNT_KEY.ID).fetch();
		if (rows.isEmpty()) {
			applied = before;
			return;
		}
		if (!cipher.available()) {
			throw new AccountRegistry.InvalidAccountConfiguration(MasterKeyCipher.PROPERTY + ": required: " + rows.size()
					+ " replaced account key(s) are stored encrypted in account_key");
		}
		for (var row : rows) {
			AccountKeyName name = AccountKeyName.fromWire(row.getKeyName()).orElseThrow();
			if (accounts.find(row.getAccountId()).filter(a -> a.channel() == name.channel()).isEmpty()) {
				log.warn("account_key: account {} is no longer configured as {}; its replaced {} is ignored",
						row.getAccountId(), name.channel().wireName(), name.label());
				continue;
			}
			String value = cipher.decrypt(row.getCiphertext(), associatedData(row.getAccountId(), name));
			accounts.replaceCredentials(row.getAccountId(), current -> name.apply(current, value, row.getKeyId()));
			log.info("Account {}: using the {} replaced by {} at {}", row.getAccountId(), name.label(),
					row.getReplacedBy(), row.getReplacedAt());
		}
		applied = before;
	}

	private static String associatedData(String accountId, AccountKeyName name) {
		return accountId + "/" + name.wireName();
	}
}
