package com.payrecon.security;

import static com.payrecon.db.Tables.RECOVERY_CODE;
import static com.payrecon.db.Tables.SECOND_FACTOR;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** The rows of {@code second_factor} and {@code recovery_code}; secrets stay sealed here. */
@Repository
public class SecondFactorRepository {

	/** A stored factor: the sealed secret, whether it was confirmed, the step of the last accepted code. */
	record Factor(String login, byte[] sealedSecret, Instant createdAt, Instant confirmedAt, long lastStep) {
		boolean confirmed() {
			return confirmedAt != null;
		}

		@Override
		public String toString() {
			return "Factor[" + login + ", confirmed=" + confirmedAt + "]";
		}
	}

	private final DSLContext dsl;

	SecondFactorRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	Optional<Factor> find(String login) {
		return dsl.selectFrom(SECOND_FACTOR)
			.where(SECOND_FACTOR.LOGIN.eq(login))
			.fetchOptional(r -> new Factor(r.getLogin(), r.getSecret(), r.getCreatedAt(), r.getConfirmedAt(),
					r.getLastStep() == null ? Long.MIN_VALUE : r.getLastStep()));
	}

	public boolean confirmed(String login) {
		return dsl.fetchExists(SECOND_FACTOR, SECOND_FACTOR.LOGIN.eq(login), SECOND_FACTOR.CONFIRMED_AT.isNotNull());
	}

	public java.util.Set<String> confirmedLogins() {
		return new java.util.HashSet<>(dsl.select(SECOND_FACTOR.LOGIN)
			.from(SECOND_FACTOR)
			.where(SECOND_FACTOR.CONFIRMED_AT.isNotNull())
			.fetch(SECOND_FACTOR.LOGIN));
	}

	/** Stores a new, unconfirmed secret; false when the user has one already. */
	boolean insert(String login, byte[] sealedSecret, Instant now) {
		return dsl.insertInto(SECOND_FACTOR)
			.set(SECOND_FACTOR.LOGIN, login)
			.set(SECOND_FACTOR.SECRET, sealedSecret)
			.set(SECOND_FACTOR.CREATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute() == 1;
	}

	/**
	 * Accepts a code of {@code step}: a compare-and-set, so of two requests with codes of the same step (a replay,
	 * or a race) exactly one wins. Also confirms an enrolment.
	 */
	boolean useStep(String login, long step, Instant now) {
		return dsl.update(SECOND_FACTOR)
			.set(SECOND_FACTOR.LAST_STEP, step)
			.set(SECOND_FACTOR.LAST_USED_AT, now)
			.set(SECOND_FACTOR.CONFIRMED_AT, org.jooq.impl.DSL.coalesce(SECOND_FACTOR.CONFIRMED_AT, org.jooq.impl.DSL.val(now, SECOND_FACTOR.CONFIRMED_AT)))
			.set(SECOND_FACTOR.VERSION, SECOND_FACTOR.VERSION.plus(1))
			.where(SECOND_FACTOR.LOGIN.eq(login),
					SECOND_FACTOR.LAST_STEP.isNull().or(SECOND_FACTOR.LAST_STEP.lt(step)))
			.execute() == 1;
	}

	void delete(String login) {
		dsl.deleteFrom(RECOVERY_CODE).where(RECOVERY_CODE.LOGIN.eq(login)).execute();
		dsl.deleteFrom(SECOND_FACTOR).where(SECOND_FACTOR.LOGIN.eq(login)).execute();
	}

	void insertRecoveryCodes(String login, List<String> hashes, Instant now) {
		dsl.deleteFrom(RECOVERY_CODE).where(RECOVERY_CODE.LOGIN.eq(login)).execute();
		var insert = dsl.insertInto(RECOVERY_CODE, RECOVERY_CODE.LOGIN, RECOVERY_CODE.CODE_HASH, RECOVERY_CODE.CREATED_AT);
		for (String hash : hashes) {
			insert = insert.values(login, hash, now);
		}
		insert.execute();
	}

	/** Uses a recovery code once (compare-and-set on used_at). */
	boolean useRecoveryCode(String login, String hash, Instant now) {
		return dsl.update(RECOVERY_CODE)
			.set(RECOVERY_CODE.USED_AT, now)
			.where(RECOVERY_CODE.LOGIN.eq(login), RECOVERY_CODE.CODE_HASH.eq(hash), RECOVERY_CODE.USED_AT.isNull())
			.execute() == 1;
	}

	int unusedRecoveryCodes(String login) {
		return dsl.fetchCount(RECOVERY_CODE, RECOVERY_CODE.LOGIN.eq(login), RECOVERY_CODE.USED_AT.isNull());
	}
}
