package com.payrecon.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.support.i18n.Refusal;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Managing console users (admins only) and changing one's own password. Every change is audited in the same
 * transaction; disabling a user, changing roles or resetting a password ends that user's sessions at once.
 */
@Service
public class ConsoleUsers {

	private static final Pattern LOGIN = Pattern.compile("[a-z][a-z0-9._-]{1,63}");
	private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
	private static final SecureRandom RANDOM = new SecureRandom();
	public static final int MIN_PASSWORD_LENGTH = ConsolePasswords.MIN_LENGTH;
	/** How long a one-time password works (issue 11). */
	public static final java.time.Duration ONE_TIME_PASSWORD_LIFETIME = java.time.Duration.ofHours(24);

	private final ConsoleUserRepository users;
	private final PasswordEncoder encoder;
	private final AuditLog audit;
	private final SessionRegistry sessions;
	private final Clock clock;
	private final SeparationOfDuties duties;
	private final ConsolePasswords passwords;
	private final LoginThrottle throttle;

	ConsoleUsers(ConsoleUserRepository users, PasswordEncoder encoder, AuditLog audit, SessionRegistry sessions,
			Clock clock, SeparationOfDuties duties, ConsolePasswords passwords, LoginThrottle throttle) {
		this.passwords = passwords;
		this.throttle = throttle;
		this.users = users;
		this.encoder = encoder;
		this.audit = audit;
		this.sessions = sessions;
		this.clock = clock;
		this.duties = duties;
	}

	/** A new user and the one-time password to hand over; it is not stored and cannot be shown again. */
	public record CreatedUser(ConsoleUser user, String oneTimePassword) {
		@Override
		public String toString() {
			return "CreatedUser[" + user + ", oneTimePassword=****]";
		}
	}

	/** Refused input: a text for the operator in their language (English in logs), no secret in it. */
	public static class UserChangeRefused extends Refusal {
		UserChangeRefused(String code, Object... args) {
			super(code, args);
		}
	}

	@PreAuthorize("hasRole('ADMIN')")
	@Transactional(readOnly = true)
	public List<ConsoleUser> list() {
		return users.all();
	}

	@PreAuthorize("hasRole('ADMIN')")
	@Transactional
	public CreatedUser create(String login, Set<Role> roles, String operator) {
		String normalised = ConsoleUserRepository.normalise(login);
		if (!LOGIN.matcher(normalised).matches()) {
			throw new UserChangeRefused("users.refused.login");
		}
		if (roles.isEmpty()) {
			throw new UserChangeRefused("users.refused.noRole");
		}
		String password = oneTimePassword();
		Instant now = clock.instant();
		if (!users.insert(normalised, encoder.encode(password), roles, true, now.plus(ONE_TIME_PASSWORD_LIFETIME), now)) {
			audit.recordRefusal(operator, AuditAction.USER_CREATED, "user:" + normalised, "login taken");
			throw new UserChangeRefused("users.refused.taken", normalised);
		}
		ConsoleUser user = users.findByLogin(normalised).orElseThrow();
		duties.handedOver(normalised, operator, SeparationOfDuties.Handover.CREATED, "roles " + roles);
		audit.record(operator, AuditAction.USER_CREATED, "user:" + normalised, AuditOutcome.SUCCESS, "roles " + roles);
		return new CreatedUser(user, password);
	}

	/**
	 * Lets a login that some address is locked out of (too many failed attempts, {@link LoginThrottle}) be tried
	 * again at once from everywhere: the login page told them how long to wait, or to ask an administrator. Audited
	 * {@code USER_UNLOCKED}. Addresses slowed down for failing whatever login they try keep their own delay; the
	 * throttle is per node, so this unlocks on the node that served the request.
	 */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	@Transactional
	public ConsoleUser unlock(long userId, String operator) {
		ConsoleUser user = existing(userId);
		Optional<Instant> was = throttle.unlock(user.login());
		audit.record(operator, AuditAction.USER_UNLOCKED, "user:" + user.login(), AuditOutcome.SUCCESS,
				was.map(until -> "locked until " + until + "; unlocked").orElse("was not locked; failures forgotten"));
		return user;
	}

	@PreAuthorize("hasRole('ADMIN')")
	@Transactional
	public ConsoleUser setEnabled(long userId, boolean enabled, String operator) {
		ConsoleUser user = existing(userId);
		if (!enabled && user.login().equals(operator)) {
			audit.recordRefusal(operator, AuditAction.USER_DISABLED, "user:" + user.login(), "cannot disable oneself");
			throw new UserChangeRefused("users.refused.disableSelf");
		}
		users.setEnabled(userId, enabled, clock.instant());
		if (enabled && !user.enabled()) {
			duties.handedOver(user.login(), operator, SeparationOfDuties.Handover.ENABLED, null);
		}
		audit.record(operator, enabled ? AuditAction.USER_ENABLED : AuditAction.USER_DISABLED, "user:" + user.login(),
				AuditOutcome.SUCCESS, null);
		if (!enabled) {
			endSessions(user.login());
		}
		return existing(userId);
	}

	@PreAuthorize("hasRole('ADMIN')")
	@Transactional(noRollbackFor = UserChangeRefused.class) // refusals come before any write: their audit entry stays
	public ConsoleUser setRoles(long userId, Set<Role> roles, String operator) {
		ConsoleUser user = existing(userId);
		if (roles.isEmpty()) {
			throw new UserChangeRefused("users.refused.noRole");
		}
		if (user.login().equals(operator)) {
			// neither more (a second role to act as both maker and checker) nor less: another admin does it
			audit.record(operator, AuditAction.USER_ROLES_CHANGED, "user:" + user.login(), AuditOutcome.FAILURE,
					"refused: one's own roles " + user.roles() + " -> " + roles);
			throw new UserChangeRefused("users.refused.ownRoles");
		}
		users.setRoles(userId, roles, clock.instant());
		Set<Role> added = java.util.EnumSet.copyOf(roles);
		added.removeAll(user.roles());
		if (!added.isEmpty()) {
			duties.handedOver(user.login(), operator, SeparationOfDuties.Handover.ROLES_ADDED, "added " + added);
		}
		audit.record(operator, AuditAction.USER_ROLES_CHANGED, "user:" + user.login(), AuditOutcome.SUCCESS,
				user.roles() + " -> " + roles);
		endSessions(user.login());
		return existing(userId);
	}

	/** A new one-time password; the user must change it at the next login. */
	@PreAuthorize("hasRole('ADMIN')")
	@Transactional
	public CreatedUser resetPassword(long userId, String operator) {
		ConsoleUser user = existing(userId);
		String password = oneTimePassword();
		Instant now = clock.instant();
		users.setPassword(userId, encoder.encode(password), true, now.plus(ONE_TIME_PASSWORD_LIFETIME), now);
		if (!user.login().equals(operator)) {
			duties.handedOver(user.login(), operator, SeparationOfDuties.Handover.PASSWORD_RESET, null);
		}
		audit.record(operator, AuditAction.USER_PASSWORD_RESET, "user:" + user.login(), AuditOutcome.SUCCESS, null);
		endSessions(user.login());
		return new CreatedUser(existing(userId), password);
	}

	/**
	 * The signed-in user changes their own password (the only one they can change), then every other session of
	 * theirs ends ({@code keepSessionId} is the one they are using). The current password is checked like a login
	 * (issue 11): a wrong one counts in the {@link LoginThrottle} for this login and address, and while that holds
	 * the password is not even looked at. The new one must pass {@link ConsolePasswords#problem}.
	 */
	@PreAuthorize("isAuthenticated() and #login == authentication.name")
	@Transactional
	public void changeOwnPassword(String login, String currentPassword, String newPassword, String address,
			String keepSessionId) {
		ConsoleUser user = users.findByLogin(login).orElseThrow(() -> new UserChangeRefused("users.refused.noSuch"));
		if (!throttle.retryAfter(login, address).isZero()) {
			throttle.refused(login, address);
			throw new UserChangeRefused("password.throttled");
		}
		if (currentPassword == null || !encoder.matches(currentPassword, user.passwordHash())) {
			LoginThrottle.Failure failure = throttle.failed(login, address);
			audit.recordRefusal(login, AuditAction.PASSWORD_CHANGED, "user:" + login, "the current password is wrong"
					+ (failure.blocked() ? "; must wait " + failure.waitFor().toSeconds() + " s" : ""));
			throw new UserChangeRefused("password.wrongCurrent");
		}
		String problem = passwords.problem(login, newPassword).orElse(null);
		if (problem == null && ConsolePasswords.normalise(newPassword).equals(ConsolePasswords.normalise(currentPassword))) {
			problem = "password.rule.same";
		}
		if (problem != null) {
			audit.recordRefusal(login, AuditAction.PASSWORD_CHANGED, "user:" + login, problem);
			throw new UserChangeRefused(problem, ConsolePasswords.MIN_LENGTH, ConsolePasswords.MAX_LENGTH);
		}
		throttle.succeeded(login, address);
		users.setPassword(user.id(), encoder.encode(newPassword), false, clock.instant());
		audit.record(login, AuditAction.PASSWORD_CHANGED, "user:" + login, AuditOutcome.SUCCESS, null);
		endSessions(login, keepSessionId);
	}

	/** Creates a user outside any request (first admin, demo users): no operator, no authorisation check. */
	@Transactional
	CreatedUser bootstrap(String login, Set<Role> roles, String password, boolean mustChange, AuditAction action) {
		Instant now = clock.instant();
		if (!users.insert(login, encoder.encode(password), roles, mustChange, now.plus(ONE_TIME_PASSWORD_LIFETIME), now)) {
			return null;
		}
		audit.record("system", action, "user:" + login, AuditOutcome.SUCCESS, "roles " + roles, null);
		return new CreatedUser(users.findByLogin(login).orElseThrow(), password);
	}

	/** A new one-time password for a user, outside any request (see {@link ConsoleUserBootstrap}); audited. */
	@Transactional
	String reissueOneTimePassword(long userId) {
		ConsoleUser user = existing(userId);
		String password = oneTimePassword();
		Instant now = clock.instant();
		users.setPassword(userId, encoder.encode(password), true, now.plus(ONE_TIME_PASSWORD_LIFETIME), now);
		audit.record("system", AuditAction.USER_PASSWORD_RESET, "user:" + user.login(), AuditOutcome.SUCCESS,
				"the one-time password had expired unused and no admin could sign in", null);
		return password;
	}

	static String oneTimePassword() {
		StringBuilder out = new StringBuilder(20);
		for (int i = 0; i < 20; i++) {
			out.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
		}
		return out.toString();
	}

	private ConsoleUser existing(long userId) {
		return users.findById(userId).orElseThrow(() -> new UserChangeRefused("users.refused.noSuch"));
	}

	private void endSessions(String login) {
		endSessions(login, null);
	}

	/** Ends every session of {@code login} but {@code keepSessionId} (none kept when null). */
	private void endSessions(String login, String keepSessionId) {
		for (Object principal : sessions.getAllPrincipals()) {
			if (principal instanceof ConsoleUserDetails details && details.getUsername().equals(login)) {
				sessions.getAllSessions(principal, false)
					.stream()
					.filter(session -> !session.getSessionId().equals(keepSessionId))
					.forEach(SessionInformation::expireNow);
			}
		}
	}
}
