package com.payrecon.security;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The bookkeeping of every login attempt (threat case C3): audit it and count it in the {@link LoginThrottle}.
 * Every failure is audited ({@code LOGIN_FAILED}), and so is a throttle beginning ({@code LOGIN_THROTTLED}); the
 * attempts refused while a throttle holds are not audited one by one (issue 11: that let anyone grow the audit log
 * at will) but as one {@code LOGIN_THROTTLED} row per address with their count, once the address has been quiet for
 * a minute or every five minutes while it keeps trying.
 */
@Service
class LoginAttempts {

	private static final Logger log = LoggerFactory.getLogger(LoginAttempts.class);
	static final Duration QUIET = Duration.ofMinutes(1);
	static final Duration PERIOD = Duration.ofMinutes(5);

	/** How a failed attempt is shown on the login page: never which of login or password was wrong. */
	enum Refusal {
		BAD_CREDENTIALS, BLOCKED, ONE_TIME_PASSWORD_EXPIRED
	}

	private final ConsoleUserRepository users;
	private final LoginThrottle throttle;
	private final AuditLog audit;
	private final ConsoleSecurityProperties properties;
	private final java.time.Clock clock;
	private final ScheduledExecutorService flusher = Executors
		.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("login-refusals").factory());

	LoginAttempts(ConsoleUserRepository users, LoginThrottle throttle, AuditLog audit,
			ConsoleSecurityProperties properties, java.time.Clock clock) {
		this.clock = clock;
		this.users = users;
		this.throttle = throttle;
		this.audit = audit;
		this.properties = properties;
		flusher.scheduleWithFixedDelay(this::auditRefusalsSafely, 30, 30, TimeUnit.SECONDS);
	}

	@Transactional
	public Refusal failed(String attemptedLogin, String address, AuthenticationException ex) {
		String login = ConsoleUserRepository.normalise(attemptedLogin);
		if (ex instanceof LoginThrottledException) {
			throttle.refused(login, address); // counted; audited later with the others from that address
			return Refusal.BLOCKED;
		}
		if (ex instanceof CredentialsExpiredException) { // the right one-time password, but too late
			audit.record(login, AuditAction.LOGIN_FAILED, "user:" + login, AuditOutcome.DENIED,
					"one-time password expired", address);
			return Refusal.ONE_TIME_PASSWORD_EXPIRED;
		}
		LoginThrottle.Failure failure = throttle.failed(login, address);
		Optional<ConsoleUser> user = users.findByLogin(login);
		String reason = user.isEmpty() ? "unknown login" : ex instanceof DisabledException ? "user is disabled" : "bad password";
		audit.record(login, AuditAction.LOGIN_FAILED, "user:" + login, AuditOutcome.FAILURE,
				reason + (failure.blocked() ? "; must wait " + failure.waitFor().toSeconds() + " s" : ""), address);
		if (failure.loginLockedNow()) {
			audit.record("system", AuditAction.LOGIN_THROTTLED, "user:" + login, AuditOutcome.DENIED,
					properties.maxFailures() + " failed logins in a row from " + address + ": this address may not try '"
							+ login + "' for " + properties.lockDuration() + " (other addresses may)", address);
		}
		if (failure.addressThrottledNow()) {
			audit.record("system", AuditAction.LOGIN_THROTTLED, "address:" + LoginThrottle.key(address),
					AuditOutcome.DENIED, "too many failed logins from this address: it waits " + failure.waitFor().toSeconds()
							+ " s and longer after each further failure, whichever login it tries", address);
		}
		return failure.blocked() ? Refusal.BLOCKED : Refusal.BAD_CREDENTIALS;
	}

	@Transactional
	public void succeeded(ConsoleUserDetails user, String address) {
		throttle.succeeded(user.getUsername(), address);
		users.recordSuccess(user.userId(), clock.instant());
		audit.record(user.getUsername(), AuditAction.LOGIN, "user:" + user.getUsername(), AuditOutcome.SUCCESS,
				user.mustChangePassword() ? "must change password" : null, address);
	}

	/** One audit row per address for the attempts refused while throttled that are due (see the class comment). */
	void auditRefusals() {
		for (LoginThrottle.Refusals r : throttle.drainRefusals(QUIET, PERIOD)) {
			audit.record("system", AuditAction.LOGIN_THROTTLED, "address:" + r.address(), AuditOutcome.DENIED,
					r.count() + " attempt(s) refused while throttled, " + r.first() + " to " + r.last() + "; logins tried: "
							+ String.join(", ", r.logins()) + (r.logins().size() >= 5 ? ", …" : ""), r.address());
		}
	}

	private void auditRefusalsSafely() {
		try {
			auditRefusals();
		}
		catch (RuntimeException ex) {
			log.warn("Could not audit the throttled login attempts: {}", ex.toString());
		}
	}

	@PreDestroy
	void stop() {
		flusher.shutdownNow();
		throttle.drainRefusals(Duration.ZERO, Duration.ZERO).forEach(r -> log.info(
				"{} login attempt(s) from {} refused while throttled were not audited before shutdown", r.count(), r.address()));
	}
}
