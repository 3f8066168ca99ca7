package com.payrecon.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The TOTP second factor of console users ({@link Totp}: RFC 6238, any authenticator app). A user enrols by scanning
 * a QR code (or typing the secret) and proving it with a first code; the secret is stored only sealed with the master
 * key. At sign-in, after the password, a code of the current step (± one) is asked for before any page; a code of a
 * step already used is refused (replay), and wrong codes count as failed logins (so they lock the user like wrong
 * passwords do). Ten one-time recovery codes are handed out at enrolment, stored as hashes. An admin may reset
 * another user's factor (never their own). Every step is audited. Required for ADMIN and FINANCE when
 * {@code payrecon.console.require-second-factor} is on (the default; off in the demo profile only).
 */
@Service
public class SecondFactors implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(SecondFactors.class);
	static final String ISSUER = "PayRecon";
	static final int RECOVERY_CODES = 10;
	private static final char[] RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
	private static final SecureRandom RANDOM = new SecureRandom();
	private static final Set<Role> REQUIRED_FOR = Set.of(Role.ADMIN, Role.FINANCE);

	/** What a user still has to do after the password. */
	public enum Need {
		NONE, CODE, ENROL
	}

	/** An enrolment under way: the secret in base 32 for typing, the otpauth URI, its QR code. */
	public record Enrolment(String login, String secret, String uri, String qrCode) {
		@Override
		public String toString() {
			return "Enrolment[" + login + ", secret=****]";
		}
	}

	/** How a code at sign-in was taken. */
	public enum Verdict {
		ACCEPTED, RECOVERY_CODE_ACCEPTED, WRONG, REPLAYED, LOCKED
	}

	private final SecondFactorRepository factors;
	private final ConsoleUserRepository users;
	private final SecretCipher cipher;
	private final AuditLog audit;
	private final ConsoleSecurityProperties loginProperties;
	private final ConsoleDutiesProperties properties;
	private final SeparationOfDuties duties;
	private final SessionRegistry sessions;
	private final LoginThrottle throttle;
	private final Clock clock;

	SecondFactors(SecondFactorRepository factors, ConsoleUserRepository users, SecretCipher cipher, AuditLog audit,
			ConsoleSecurityProperties loginProperties, ConsoleDutiesProperties properties, SeparationOfDuties duties,
			SessionRegistry sessions, LoginThrottle throttle, Clock clock) {
		this.factors = factors;
		this.throttle = throttle;
		this.users = users;
		this.cipher = cipher;
		this.audit = audit;
		this.loginProperties = loginProperties;
		this.properties = properties;
		this.duties = duties;
		this.sessions = sessions;
		this.clock = clock;
	}

	/** A required factor needs the master key to seal secrets: stop at start-up rather than lock everyone out later. */
	@Override
	public void afterSingletonsInstantiated() {
		if (!properties.requireSecondFactor()) {
			log.warn("Second factor is OFF (payrecon.console.require-second-factor=false): admins and finance sign in with "
					+ "a password only. Acceptable for the demo, never in production.");
			return;
		}
		if (!cipher.available()) {
			throw new IllegalStateException("payrecon.console.require-second-factor is on: payrecon.secrets.master-key is "
					+ "required to store second-factor secrets encrypted (base64 of 32 random bytes), or set "
					+ "payrecon.console.require-second-factor=false");
		}
	}

	public boolean required() {
		return properties.requireSecondFactor();
	}

	/** What {@code login}, holding {@code roles}, must do after the password. */
	@Transactional(readOnly = true)
	public Need need(String login, Set<Role> roles) {
		if (factors.confirmed(login)) {
			return Need.CODE;
		}
		boolean required = properties.requireSecondFactor() && roles.stream().anyMatch(REQUIRED_FOR::contains);
		return required ? Need.ENROL : Need.NONE;
	}

	@Transactional(readOnly = true)
	public boolean enrolled(String login) {
		return factors.confirmed(login);
	}

	/** The logins with a confirmed second factor (Admin → Users). */
	@PreAuthorize("hasRole('ADMIN')")
	@Transactional(readOnly = true)
	public Set<String> enrolledLogins() {
		return factors.confirmedLogins();
	}

	@Transactional(readOnly = true)
	public int unusedRecoveryCodes(String login) {
		return factors.unusedRecoveryCodes(login);
	}

	/**
	 * The user's enrolment: a new secret the first time, the same one until confirmed (a reload shows the same QR code).
	 * @throws Refused {@code factor.enrolled.already} when a confirmed factor exists (an admin must reset it first),
	 * {@code factor.noMasterKey}
	 */
	@Transactional
	public Enrolment enrolment(String login) {
		if (!cipher.available()) {
			throw new Refused("factor.noMasterKey");
		}
		var existing = factors.find(login);
		if (existing.isPresent() && existing.get().confirmed()) {
			throw new Refused("factor.enrolled.already");
		}
		String secret;
		if (existing.isPresent()) {
			secret = cipher.decrypt(existing.get().sealedSecret(), associatedData(login));
		}
		else {
			byte[] raw = new byte[20]; // 160 bits, as RFC 4226 recommends for HMAC-SHA-1
			RANDOM.nextBytes(raw);
			secret = Base32.encode(raw);
			if (!factors.insert(login, cipher.encrypt(secret, associatedData(login)), now())) {
				throw new Refused("factor.enrolled.already");
			}
			audit.record(login, AuditAction.SECOND_FACTOR_ENROLLED, "user:" + login, AuditOutcome.SUCCESS,
					"enrolment started: secret created (sealed)");
		}
		String uri = otpauthUri(login, secret);
		return new Enrolment(login, secret, uri, QrCodes.svgDataUri(uri));
	}

	/**
	 * Confirms the enrolment with a first code; returns the recovery codes (shown once, stored as hashes).
	 * @throws Refused {@code factor.wrongCode}, {@code factor.notStarted}
	 */
	@Transactional(noRollbackFor = Refused.class)
	public List<String> confirm(String login, String code) {
		var factor = factors.find(login).orElseThrow(() -> new Refused("factor.notStarted"));
		if (factor.confirmed()) {
			throw new Refused("factor.enrolled.already");
		}
		byte[] secret = Base32.decode(cipher.decrypt(factor.sealedSecret(), associatedData(login)));
		Instant now = now();
		OptionalLong step = Totp.match(secret, normalise(code), now, factor.lastStep());
		if (step.isEmpty() || !factors.useStep(login, step.getAsLong(), now)) {
			audit.record(login, AuditAction.SECOND_FACTOR_ENROLLED, "user:" + login, AuditOutcome.FAILURE,
					"first code wrong: enrolment not confirmed");
			throw new Refused("factor.wrongCode");
		}
		List<String> codes = new ArrayList<>();
		List<String> hashes = new ArrayList<>();
		for (int i = 0; i < RECOVERY_CODES; i++) {
			String c = recoveryCode();
			codes.add(c);
			hashes.add(hash(c));
		}
		factors.insertRecoveryCodes(login, hashes, now);
		audit.record(login, AuditAction.SECOND_FACTOR_ENROLLED, "user:" + login, AuditOutcome.SUCCESS,
				"confirmed with a first code; " + RECOVERY_CODES + " recovery codes issued");
		return codes;
	}

	/**
	 * Checks a code at sign-in: a TOTP code of the current step ± 1 not used before, or an unused recovery code. A wrong
	 * or replayed code counts as a failed login of that login from that address (the same throttle as wrong passwords:
	 * {@link LoginThrottle}); while it holds, no code is even looked at.
	 */
	@Transactional
	public Verdict verify(String login, String input, String address) {
		if (!throttle.retryAfter(login, address).isZero()) {
			throttle.refused(login, address); // counted; audited later with the others from that address
			return Verdict.LOCKED;
		}
		String code = normalise(input);
		var factor = factors.find(login).filter(SecondFactorRepository.Factor::confirmed).orElse(null);
		Instant now = now();
		if (factor == null) {
			return failed(login, "no second factor enrolled", address, Verdict.WRONG);
		}
		if (code.length() == Totp.DIGITS) {
			byte[] secret = Base32.decode(cipher.decrypt(factor.sealedSecret(), associatedData(login)));
			OptionalLong step = Totp.match(secret, code, now, factor.lastStep());
			if (step.isPresent() && factors.useStep(login, step.getAsLong(), now)) {
				audit.record(login, AuditAction.SECOND_FACTOR_USED, "user:" + login, AuditOutcome.SUCCESS, "code", address);
				return Verdict.ACCEPTED;
			}
			boolean replay = step.isEmpty() && Totp.match(secret, code, now, Long.MIN_VALUE).isPresent();
			return replay || step.isPresent() ? failed(login, "code already used (replay)", address, Verdict.REPLAYED)
					: failed(login, "wrong code", address, Verdict.WRONG);
		}
		if (factors.useRecoveryCode(login, hash(code), now)) {
			int left = factors.unusedRecoveryCodes(login);
			audit.record(login, AuditAction.SECOND_FACTOR_USED, "user:" + login, AuditOutcome.SUCCESS,
					"recovery code (" + left + " left)", address);
			return Verdict.RECOVERY_CODE_ACCEPTED;
		}
		return failed(login, "wrong or used recovery code", address, Verdict.WRONG);
	}

	private Verdict failed(String login, String why, String address, Verdict verdict) {
		audit.record(login, AuditAction.SECOND_FACTOR_USED, "user:" + login, AuditOutcome.FAILURE, why, address);
		LoginThrottle.Failure failure = throttle.failed(login, address);
		if (failure.loginLockedNow()) {
			audit.record("system", AuditAction.LOGIN_THROTTLED, "user:" + login, AuditOutcome.DENIED,
					loginProperties.maxFailures() + " failed sign-ins in a row from " + address + " (second factor): this "
							+ "address may not try '" + login + "' for " + loginProperties.lockDuration() + " (other addresses may)",
					address);
		}
		return failure.blocked() ? Verdict.LOCKED : verdict;
	}

	/** An admin resets another user's second factor: they enrol again at their next sign-in; their sessions end. */
	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	@Transactional(noRollbackFor = Refused.class)
	public ConsoleUser reset(long userId, String operator) {
		ConsoleUser user = users.findById(userId).orElseThrow(() -> new Refused("users.noSuchUser"));
		if (user.login().equals(operator)) {
			audit.record(operator, AuditAction.SECOND_FACTOR_RESET, "user:" + user.login(), AuditOutcome.FAILURE,
					"refused: one's own second factor");
			throw new Refused("factor.resetSelf");
		}
		factors.delete(user.login());
		duties.handedOver(user.login(), operator, SeparationOfDuties.Handover.SECOND_FACTOR_RESET, null);
		audit.record(operator, AuditAction.SECOND_FACTOR_RESET, "user:" + user.login(), AuditOutcome.SUCCESS,
				"second factor and recovery codes removed; enrols again at the next sign-in");
		for (Object principal : sessions.getAllPrincipals()) {
			if (principal instanceof ConsoleUserDetails details && details.getUsername().equals(user.login())) {
				sessions.getAllSessions(principal, false).forEach(SessionInformation::expireNow);
			}
		}
		return user;
	}

	private Instant now() {
		return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
	}

	static String associatedData(String login) {
		return "second-factor/" + login;
	}

	static String otpauthUri(String login, String secret) {
		String label = URLEncoder.encode(ISSUER + ":" + login, StandardCharsets.UTF_8).replace("+", "%20");
		return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + ISSUER + "&algorithm=SHA1&digits="
				+ Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
	}

	private static String normalise(String code) {
		return code == null ? "" : code.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
	}

	private static String recoveryCode() {
		StringBuilder out = new StringBuilder(19);
		for (int i = 0; i < 16; i++) {
			if (i > 0 && i % 4 == 0) {
				out.append('-');
			}
			out.append(RECOVERY_ALPHABET[RANDOM.nextInt(RECOVERY_ALPHABET.length)]);
		}
		return out.toString();
	}

	static String hash(String code) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(normalise(code).getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
