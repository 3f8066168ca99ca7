package com.payrecon.console;

import static com.payrecon.db.Tables.SECOND_FACTOR;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.payrecon.security.Base32;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.Role;
import com.payrecon.security.SecretCipher;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Console users for tests: fresh logins, known passwords, no forced password change (unless asked). ADMIN and FINANCE
 * users get a confirmed TOTP second factor (required for them, as in production), stored as PayRecon stores it: the
 * base-32 secret sealed with the master key under "second-factor/&lt;login&gt;"; the test signs in with codes from
 * its {@link Authenticator}.
 */
@Component
public class ConsoleTestUsers {

	private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L);
	private static final SecureRandom RANDOM = new SecureRandom();
	private static final Set<Role> NEED_A_FACTOR = EnumSet.of(Role.ADMIN, Role.FINANCE);

	private final ConsoleUserRepository users;
	private final PasswordEncoder encoder;
	private final SecretCipher cipher;
	private final DSLContext dsl;
	private final Clock clock;

	ConsoleTestUsers(ConsoleUserRepository users, PasswordEncoder encoder, SecretCipher cipher, DSLContext dsl,
			Clock clock) {
		this.users = users;
		this.encoder = encoder;
		this.cipher = cipher;
		this.dsl = dsl;
		this.clock = clock;
	}

	/** A test user; {@code authenticator} is null for a user without a second factor. */
	public record TestUser(long id, String login, String password, @Nullable Authenticator authenticator) {
	}

	public TestUser create(Role first, Role... more) {
		return create(false, first, more);
	}

	public TestUser create(boolean mustChangePassword, Role first, Role... more) {
		EnumSet<Role> roles = EnumSet.of(first, more);
		TestUser user = createWithoutSecondFactor(mustChangePassword, roles);
		if (roles.stream().noneMatch(NEED_A_FACTOR::contains)) {
			return user;
		}
		return new TestUser(user.id(), user.login(), user.password(), enrol(user.login()));
	}

	/** A user who has not set up a second factor (yet): an admin or finance user must enrol at the first sign-in. */
	public TestUser createWithoutSecondFactor(boolean mustChangePassword, Set<Role> roles) {
		String login = roles.iterator().next().name().toLowerCase(java.util.Locale.ROOT) + SEQUENCE.incrementAndGet();
		String password = "pw-" + login + "-Secret!";
		if (!users.insert(login, encoder.encode(password), roles, mustChangePassword, Instant.now())) {
			throw new IllegalStateException("login taken: " + login);
		}
		return new TestUser(users.findByLogin(login).orElseThrow().id(), login, password, null);
	}

	/** A confirmed second factor with a fresh secret, as an enrolment through the pages leaves it. */
	public Authenticator enrol(String login) {
		byte[] secret = new byte[20];
		RANDOM.nextBytes(secret);
		dsl.insertInto(SECOND_FACTOR)
			.set(SECOND_FACTOR.LOGIN, login)
			.set(SECOND_FACTOR.SECRET, cipher.encrypt(Base32.encode(secret), "second-factor/" + login))
			.set(SECOND_FACTOR.CREATED_AT, Instant.now().truncatedTo(ChronoUnit.MICROS))
			.set(SECOND_FACTOR.CONFIRMED_AT, Instant.now().truncatedTo(ChronoUnit.MICROS))
			.execute();
		return new Authenticator(secret, clock);
	}

	public Authenticator authenticator(byte[] secret) {
		return new Authenticator(secret, clock);
	}
}
