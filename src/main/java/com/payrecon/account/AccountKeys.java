package com.payrecon.account;

import static com.payrecon.db.Tables.ACCOUNT_KEY;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Account keys replaced by an admin in the console. A new key is checked ({@link AccountKeyName}), stored only
 * encrypted (AES-256-GCM with {@code payrecon.secrets.master-key}, table {@code account_key}), audited as
 * ACCOUNT_KEY_REPLACED without the key, and put into {@link AccountRegistry} when the transaction commits, so
 * notifications are verified and provider calls signed with it from then on, without a restart. At start-up the
 * stored replacements override the configured keys. Without a master key nothing can be replaced, and stored
 * replacements stop start-up (they would otherwise be silently ignored).
 *
 * <p>Other nodes of a cluster pick a replacement up at their next start; replace keys on a single-node setup or
 * restart the others (docs/console.md).
 */
@Service
public class AccountKeys implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(AccountKeys.class);

	private final DSLContext dsl;
	private final AccountRegistry accounts;
	private final AuditLog audit;
	private final Clock clock;
	private final MasterKeyCipher cipher;

	AccountKeys(DSLContext dsl, AccountRegistry accounts, AuditLog audit, Clock clock, SecretsProperties secrets) {
		this.dsl = dsl;
		this.accounts = accounts;
		this.audit = audit;
		this.clock = clock;
		this.cipher = MasterKeyCipher.of(secrets.masterKey());
	}

	/** Who replaced which key of an account, and when (never the key). */
	public record Replacement(String accountId, AccountKeyName key, String replacedBy, Instant replacedAt) {
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
					r.getReplacedBy(), r.getReplacedAt()));
	}

	/**
	 * Checks, encrypts, stores and audits a new key; it takes effect when the transaction commits.
	 * @throws AccountKeyName.InvalidKey the value is not a valid key of that kind (audited as FAILURE)
	 * @throws NoMasterKey no {@code payrecon.secrets.master-key}
	 */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	@Transactional(noRollbackFor = { AccountKeyName.InvalidKey.class, NoMasterKey.class })
	public void replace(String accountId, AccountKeyName name, String value, String operator) {
		Account account = accounts.find(accountId)
			.orElseThrow(() -> new IllegalArgumentException("no account '" + accountId + "'"));
		String target = "account:" + accountId + "/" + name.wireName();
		if (!cipher.available()) {
			audit.record(operator, AuditAction.ACCOUNT_KEY_REPLACED, target, AuditOutcome.FAILURE, "no master key configured");
			throw new NoMasterKey();
		}
		if (name.channel() != account.channel()) {
			audit.recordRefusal(operator, AuditAction.ACCOUNT_KEY_REPLACED, target,
					name.wireName() + " is not a key of a " + account.channel().wireName() + " account");
			throw new AccountKeyName.InvalidKey(name.label() + ": not a key of a " + account.channel().wireName() + " account");
		}
		Account.Credentials replaced;
		try {
			replaced = name.apply(account.credentials(), value);
		}
		catch (AccountKeyName.InvalidKey ex) {
			audit.record(operator, AuditAction.ACCOUNT_KEY_REPLACED, target, AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
		byte[] sealed = cipher.encrypt(value.strip(), associatedData(accountId, name));
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		dsl.insertInto(ACCOUNT_KEY, ACCOUNT_KEY.ACCOUNT_ID, ACCOUNT_KEY.KEY_NAME, ACCOUNT_KEY.CIPHERTEXT,
				ACCOUNT_KEY.REPLACED_BY, ACCOUNT_KEY.REPLACED_AT)
			.values(accountId, name.wireName(), sealed, operator, now)
			.onDuplicateKeyIgnore()
			.execute();
		dsl.update(ACCOUNT_KEY)
			.set(ACCOUNT_KEY.CIPHERTEXT, sealed)
			.set(ACCOUNT_KEY.REPLACED_BY, operator)
			.set(ACCOUNT_KEY.REPLACED_AT, now)
			.set(ACCOUNT_KEY.VERSION, ACCOUNT_KEY.VERSION.plus(1))
			.where(ACCOUNT_KEY.ACCOUNT_ID.eq(accountId), ACCOUNT_KEY.KEY_NAME.eq(name.wireName()))
			.execute();
		audit.record(operator, AuditAction.ACCOUNT_KEY_REPLACED, target, AuditOutcome.SUCCESS,
				name.label() + " replaced; stored encrypted");
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				accounts.replaceCredentials(accountId, current -> name.apply(current, value));
				log.info("Account {}: {} replaced by {}", accountId, name.label(), operator);
			}
		});
	}

	/** Start-up: stored replacements override the configured keys. */
	@Override
	public void afterSingletonsInstantiated() {
		var rows = dsl.selectFrom(ACCOUNT_KEY).orderBy(ACCOUNT_KEY.ID).fetch();
		if (rows.isEmpty()) {
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
			accounts.replaceCredentials(row.getAccountId(), current -> name.apply(current, value));
			log.info("Account {}: using the {} replaced by {} at {}", row.getAccountId(), name.label(),
					row.getReplacedBy(), row.getReplacedAt());
		}
	}

	private static String associatedData(String accountId, AccountKeyName name) {
		return accountId + "/" + name.wireName();
	}
}
