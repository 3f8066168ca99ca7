package com.payrecon.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;

import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The bookkeeping of every login attempt (threat case C3): audit it, count failures per user (locking it after
 * {@code maxFailures} in a row) and per remote address ({@link LoginThrottle}).
 */
@Service
class LoginAttempts {

	/** How a failed attempt is shown on the login page: never which of login or password was wrong. */
	enum Refusal {
		BAD_CREDENTIALS, BLOCKED
	}

	private final ConsoleUserRepository users;
	private final LoginThrottle throttle;
	private final AuditLog audit;
	private final ConsoleSecurityProperties properties;
	private final Clock clock;

	LoginAttempts(ConsoleUserRepository users, LoginThrottle throttle, AuditLog audit,
			ConsoleSecurityProperties properties, Clock clock) {
		this.users = users;
		this.throttle = throttle;
		this.audit = audit;
		this.properties = properties;
		this.clock = clock;
	}

	@Transactional
	public Refusal failed(String attemptedLogin, String address, AuthenticationException ex) {
		String login = ConsoleUserRepository.normalise(attemptedLogin);
		if (ex instanceof LoginThrottledException) {
			audit.record(login, AuditAction.LOGIN_THROTTLED, "user:" + login, AuditOutcome.DENIED, ex.getMessage(), address);
			return Refusal.BLOCKED;
		}
		Duration wait = throttle.failed(address);
		String waitNote = wait.isZero() ? "" : "; address must wait " + wait.toSeconds() + " s";
		if (ex instanceof LockedException) {
			audit.record(login, AuditAction.LOGIN_FAILED, "user:" + login, AuditOutcome.DENIED, "user is locked" + waitNote,
					address);
			return Refusal.BLOCKED;
		}
		Optional<ConsoleUser> user = users.findByLogin(login);
		if (user.isEmpty()) {
			audit.record(login, AuditAction.LOGIN_FAILED, "user:" + login, AuditOutcome.FAILURE, "unknown login" + waitNote,
					address);
			return wait.isZero() ? Refusal.BAD_CREDENTIALS : Refusal.BLOCKED;
		}
		String reason = ex instanceof DisabledException ? "user is disabled" : "bad password";
		Instant now = clock.instant();
		ConsoleUser after = users.recordFailure(user.get().id(), properties.maxFailures(), now.plus(properties.lockDuration()), now);
		audit.record(login, AuditAction.LOGIN_FAILED, "user:" + login, AuditOutcome.FAILURE, reason + waitNote, address);
		if (after.lockedAt(now)) {
			audit.record("system", AuditAction.ACCOUNT_LOCKED, "user:" + login, AuditOutcome.SUCCESS,
					properties.maxFailures() + " failed logins in a row; locked until " + after.lockedUntil(), address);
			return Refusal.BLOCKED;
		}
		return wait.isZero() ? Refusal.BAD_CREDENTIALS : Refusal.BLOCKED;
	}

	@Transactional
	public void succeeded(ConsoleUserDetails user, String address) {
		users.recordSuccess(user.userId(), clock.instant());
		audit.record(user.getUsername(), AuditAction.LOGIN, "user:" + user.getUsername(), AuditOutcome.SUCCESS,
				user.mustChangePassword() ? "must change password" : null, address);
	}
}
