package com.payrecon.security;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Step-up: the signed-in operator re-enters their password before an action that changes money or keys (proposing
 * and approving a key replacement), so a session left open or taken over is not enough. Throttled per user:
 * {@code stepUpMaxFailures} wrong passwords in a row refuse further step-ups of that user for {@code stepUpLock}, even
 * with the right password (kept in memory, per node; the login's own lock is untouched). Every attempt is audited
 * ({@code STEP_UP}) in its own transaction, so a refusal stays on record when the action it guarded rolls back.
 */
@Service
public class StepUp {

	private record Failures(int count, Instant lockedUntil) {
	}

	private final ConsoleUserRepository users;
	private final PasswordEncoder encoder;
	private final AuditLog audit;
	private final ConsoleDutiesProperties properties;
	private final Clock clock;
	private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

	StepUp(ConsoleUserRepository users, PasswordEncoder encoder, AuditLog audit, ConsoleDutiesProperties properties,
			Clock clock) {
		this.users = users;
		this.encoder = encoder;
		this.audit = audit;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Checks {@code password} against the operator's own.
	 * @param action what it guards, for the audit entry (e.g. "approve key proposal 7")
	 * @throws Refused {@code stepup.wrong} or {@code stepup.throttled}
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW, noRollbackFor = Refused.class)
	public void confirm(String login, String password, String action) {
		Instant now = clock.instant();
		Failures f = failures.get(login);
		if (f != null && f.lockedUntil() != null && f.lockedUntil().isAfter(now)) {
			audit.record(login, AuditAction.STEP_UP, "user:" + login, AuditOutcome.DENIED,
					action + ": step-up refused until " + f.lockedUntil() + " (too many wrong passwords)");
			throw new Refused("stepup.throttled");
		}
		String hash = users.findByLogin(login).map(ConsoleUser::passwordHash).orElse(null);
		if (!matches(password, hash)) {
			Failures after = failures.compute(login, (k, old) -> {
				int count = (old == null || (old.lockedUntil() != null && !old.lockedUntil().isAfter(now))) ? 1
						: old.count() + 1;
				return new Failures(count, count >= properties.stepUpMaxFailures() ? now.plus(properties.stepUpLock()) : null);
			});
			audit.record(login, AuditAction.STEP_UP, "user:" + login, AuditOutcome.FAILURE,
					action + ": wrong password (" + after.count() + " in a row)"
							+ (after.lockedUntil() == null ? "" : "; step-ups refused until " + after.lockedUntil()));
			throw new Refused("stepup.wrong");
		}
		failures.remove(login);
		audit.record(login, AuditAction.STEP_UP, "user:" + login, AuditOutcome.SUCCESS, action);
	}

	private boolean matches(String password, String hash) {
		try {
			return password != null && !password.isEmpty() && hash != null && encoder.matches(password, hash);
		}
		catch (IllegalArgumentException ex) { // BCrypt refuses more than 72 bytes: such a password is not the stored one
			return false;
		}
	}

	/** Forgets every failure (tests). */
	public void clear() {
		failures.clear();
	}
}
