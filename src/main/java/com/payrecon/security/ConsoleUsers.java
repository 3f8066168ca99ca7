package com.payrecon.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;

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
	public static final int MIN_PASSWORD_LENGTH = 12;

	private final ConsoleUserRepository users;
	private final PasswordEncoder encoder;
	private final AuditLog audit;
	private final SessionRegistry sessions;
	private final Clock clock;
	private final SeparationOfDuties duties;

	ConsoleUsers(ConsoleUserRepository users, PasswordEncoder encoder, AuditLog audit, SessionRegistry sessions,
			Clock clock, SeparationOfDuties duties) {
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

	/** Refused input: a message for the operator, no secret in it. */
	public static class UserChangeRefused extends RuntimeException {
		public UserChangeRefused(String message) {
			super(message);
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
			throw new UserChangeRefused("A login is 2–64 characters: letters, digits, '.', '_' or '-', starting with a letter.");
		}
		if (roles.isEmpty()) {
			throw new UserChangeRefused("Choose at least one role.");
		}
		String password = oneTimePassword();
		if (!users.insert(normalised, encoder.encode(password), roles, true, clock.instant())) {
			audit.record(operator, AuditAction.USER_CREATED, "user:" + normalised, AuditOutcome.FAILURE, "login taken");
			throw new UserChangeRefused("The login '" + normalised + "' is taken.");
		}
		ConsoleUser user = users.findByLogin(normalised).orElseThrow();
		duties.handedOver(normalised, operator, SeparationOfDuties.Handover.CREATED, "roles " + roles);
		audit.record(operator, AuditAction.USER_CREATED, "user:" + normalised, AuditOutcome.SUCCESS, "roles " + roles);
		return new CreatedUser(user, password);
	}

	@PreAuthorize("hasRole('ADMIN')")
	@Transactional
	public ConsoleUser setEnabled(long userId, boolean enabled, String operator) {
		ConsoleUser user = existing(userId);
		if (!enabled && user.login().equals(operator)) {
			throw new UserChangeRefused("You cannot disable yourself.");
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
			throw new UserChangeRefused("Choose at least one role.");
		}
		if (user.login().equals(operator)) {
			// neither more (a second role to act as both maker and checker) nor less: another admin does it
			audit.record(operator, AuditAction.USER_ROLES_CHANGED, "user:" + user.login(), AuditOutcome.FAILURE,
					"refused: one's own roles " + user.roles() + " -> " + roles);
			throw new UserChangeRefused("You cannot change your own roles: another admin must do it.");
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
		users.setPassword(userId, encoder.encode(password), true, clock.instant());
		if (!user.login().equals(operator)) {
			duties.handedOver(user.login(), operator, SeparationOfDuties.Handover.PASSWORD_RESET, null);
		}
		audit.record(operator, AuditAction.USER_PASSWORD_RESET, "user:" + user.login(), AuditOutcome.SUCCESS, null);
		endSessions(user.login());
		return new CreatedUser(existing(userId), password);
	}

	/** The signed-in user changes their own password (the only one they can change). */
	@PreAuthorize("isAuthenticated() and #login == authentication.name")
	@Transactional
	public void changeOwnPassword(String login, String currentPassword, String newPassword) {
		ConsoleUser user = users.findByLogin(login).orElseThrow(() -> new UserChangeRefused("Unknown user."));
		String problem = null;
		if (currentPassword == null || !encoder.matches(currentPassword, user.passwordHash())) {
			problem = "The current password is wrong.";
		}
		else if (newPassword == null || newPassword.length() < MIN_PASSWORD_LENGTH || newPassword.length() > 128) {
			problem = "The new password needs " + MIN_PASSWORD_LENGTH + " to 128 characters.";
		}
		else if (newPassword.equals(currentPassword)) {
			problem = "The new password must differ from the current one.";
		}
		else if (newPassword.toLowerCase(java.util.Locale.ROOT).contains(user.login())) {
			problem = "The new password must not contain the login.";
		}
		if (problem != null) {
			audit.record(login, AuditAction.PASSWORD_CHANGED, "user:" + login, AuditOutcome.FAILURE, problem);
			throw new UserChangeRefused(problem);
		}
		users.setPassword(user.id(), encoder.encode(newPassword), false, clock.instant());
		audit.record(login, AuditAction.PASSWORD_CHANGED, "user:" + login, AuditOutcome.SUCCESS, null);
	}

	/** Creates a user outside any request (first admin, demo users): no operator, no authorisation check. */
	@Transactional
	CreatedUser bootstrap(String login, Set<Role> roles, String password, boolean mustChange, AuditAction action) {
		Instant now = clock.instant();
		if (!users.insert(login, encoder.encode(password), roles, mustChange, now)) {
			return null;
		}
		audit.record("system", action, "user:" + login, AuditOutcome.SUCCESS, "roles " + roles, null);
		return new CreatedUser(users.findByLogin(login).orElseThrow(), password);
	}

	static String oneTimePassword() {
		StringBuilder out = new StringBuilder(20);
		for (int i = 0; i < 20; i++) {
			out.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
		}
		return out.toString();
	}

	private ConsoleUser existing(long userId) {
		return users.findById(userId).orElseThrow(() -> new UserChangeRefused("No such user."));
	}

	private void endSessions(String login) {
		for (Object principal : sessions.getAllPrincipals()) {
			if (principal instanceof ConsoleUserDetails details && details.getUsername().equals(login)) {
				sessions.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
			}
		}
	}
}
