package com.payrecon.security;

import static com.payrecon.db.Tables.CONSOLE_USER;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.payrecon.db.tables.records.ConsoleUserRecord;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Console users. Logins are compared lower-case. */
@Repository
public class ConsoleUserRepository {

	private final DSLContext dsl;

	ConsoleUserRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	public static String normalise(String login) {
		return login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
	}

	public Optional<ConsoleUser> findByLogin(String login) {
		return dsl.selectFrom(CONSOLE_USER)
			.where(CONSOLE_USER.LOGIN.eq(normalise(login)))
			.fetchOptional(ConsoleUserRepository::toUser);
	}

	public Optional<ConsoleUser> findById(long id) {
		return dsl.selectFrom(CONSOLE_USER).where(CONSOLE_USER.ID.eq(id)).fetchOptional(ConsoleUserRepository::toUser);
	}

	public List<ConsoleUser> all() {
		return dsl.selectFrom(CONSOLE_USER).orderBy(CONSOLE_USER.LOGIN).fetch(ConsoleUserRepository::toUser);
	}

	public int count() {
		return dsl.fetchCount(CONSOLE_USER);
	}

	/** False when the login is taken. */
	public boolean insert(String login, String passwordHash, Set<Role> roles, boolean mustChangePassword, Instant now) {
		return insert(login, passwordHash, roles, mustChangePassword, null, now);
	}

	/** False when the login is taken; {@code expiresAt}: when a one-time password stops working. */
	public boolean insert(String login, String passwordHash, Set<Role> roles, boolean mustChangePassword,
			Instant expiresAt, Instant now) {
		return dsl.insertInto(CONSOLE_USER)
			.set(CONSOLE_USER.LOGIN, normalise(login))
			.set(CONSOLE_USER.PASSWORD_HASH, passwordHash)
			.set(CONSOLE_USER.ROLES, rolesText(roles))
			.set(CONSOLE_USER.ENABLED, true)
			.set(CONSOLE_USER.MUST_CHANGE_PASSWORD, mustChangePassword)
			.set(CONSOLE_USER.FAILED_ATTEMPTS, 0)
			.set(CONSOLE_USER.ONE_TIME_PASSWORD_EXPIRES_AT, mustChangePassword ? expiresAt : null)
			.set(CONSOLE_USER.CREATED_AT, now)
			.set(CONSOLE_USER.UPDATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute() == 1;
	}

	public void setPassword(long id, String passwordHash, boolean mustChange, Instant now) {
		setPassword(id, passwordHash, mustChange, null, now);
	}

	/** {@code expiresAt}: when a one-time password ({@code mustChange}) stops working. */
	public void setPassword(long id, String passwordHash, boolean mustChange, Instant expiresAt, Instant now) {
		dsl.update(CONSOLE_USER)
			.set(CONSOLE_USER.PASSWORD_HASH, passwordHash)
			.set(CONSOLE_USER.MUST_CHANGE_PASSWORD, mustChange)
			.set(CONSOLE_USER.ONE_TIME_PASSWORD_EXPIRES_AT, mustChange ? expiresAt : null)
			.set(CONSOLE_USER.FAILED_ATTEMPTS, 0)
			.setNull(CONSOLE_USER.LOCKED_UNTIL)
			.set(CONSOLE_USER.UPDATED_AT, now)
			.set(CONSOLE_USER.VERSION, CONSOLE_USER.VERSION.plus(1))
			.where(CONSOLE_USER.ID.eq(id))
			.execute();
	}

	/** A new hash of the same password (a hash of an older form, upgraded at login). */
	public void updateHash(String login, String passwordHash) {
		dsl.update(CONSOLE_USER)
			.set(CONSOLE_USER.PASSWORD_HASH, passwordHash)
			.set(CONSOLE_USER.VERSION, CONSOLE_USER.VERSION.plus(1))
			.where(CONSOLE_USER.LOGIN.eq(normalise(login)))
			.execute();
	}

	public void setEnabled(long id, boolean enabled, Instant now) {
		dsl.update(CONSOLE_USER)
			.set(CONSOLE_USER.ENABLED, enabled)
			.set(CONSOLE_USER.UPDATED_AT, now)
			.set(CONSOLE_USER.VERSION, CONSOLE_USER.VERSION.plus(1))
			.where(CONSOLE_USER.ID.eq(id))
			.execute();
	}

	public void setRoles(long id, Set<Role> roles, Instant now) {
		dsl.update(CONSOLE_USER)
			.set(CONSOLE_USER.ROLES, rolesText(roles))
			.set(CONSOLE_USER.UPDATED_AT, now)
			.set(CONSOLE_USER.VERSION, CONSOLE_USER.VERSION.plus(1))
			.where(CONSOLE_USER.ID.eq(id))
			.execute();
	}

	public void recordSuccess(long id, Instant now) {
		dsl.update(CONSOLE_USER)
			.set(CONSOLE_USER.FAILED_ATTEMPTS, 0)
			.setNull(CONSOLE_USER.LOCKED_UNTIL)
			.set(CONSOLE_USER.LAST_LOGIN_AT, now)
			.where(CONSOLE_USER.ID.eq(id))
			.execute();
	}

	private static String rolesText(Set<Role> roles) {
		return roles.stream().sorted().map(Role::name).collect(Collectors.joining(","));
	}

	private static ConsoleUser toUser(ConsoleUserRecord r) {
		Set<Role> roles = EnumSet.noneOf(Role.class);
		Arrays.stream(r.getRoles().split(",")).filter(s -> !s.isBlank()).map(Role::valueOf).forEach(roles::add);
		return new ConsoleUser(r.getId(), r.getLogin(), r.getPasswordHash(), java.util.Collections.unmodifiableSet(roles), r.getEnabled(),
				r.getMustChangePassword(), r.getFailedAttempts(), r.getLockedUntil(), r.getLastLoginAt(),
				r.getCreatedAt(), r.getUpdatedAt(), r.getVersion(), r.getOneTimePasswordExpiresAt());
	}
}
