package com.payrecon.console;

import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.Role;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/** Console users for tests: fresh logins, known passwords, no forced password change (unless asked). */
@Component
public class ConsoleTestUsers {

	private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L);

	private final ConsoleUserRepository users;
	private final PasswordEncoder encoder;

	ConsoleTestUsers(ConsoleUserRepository users, PasswordEncoder encoder) {
		this.users = users;
		this.encoder = encoder;
	}

	public record TestUser(long id, String login, String password) {
	}

	public TestUser create(Role first, Role... more) {
		return create(false, first, more);
	}

	public TestUser create(boolean mustChangePassword, Role first, Role... more) {
		String login = first.name().toLowerCase(java.util.Locale.ROOT) + SEQUENCE.incrementAndGet();
		String password = "pw-" + login + "-Secret!";
		if (!users.insert(login, encoder.encode(password), EnumSet.of(first, more), mustChangePassword, Instant.now())) {
			throw new IllegalStateException("login taken: " + login);
		}
		return new TestUser(users.findByLogin(login).orElseThrow().id(), login, password);
	}
}
