package com.payrecon.security;

import java.util.EnumSet;
import java.util.Set;

import com.payrecon.audit.AuditAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * No default password: on the first start with no console users, {@code admin} is created with a random one-time
 * password, printed once to the log, which must be changed at the first login. With
 * {@code payrecon.console.demo-users=true} (demo runs only) the users finance, support and admin are seeded instead
 * with the demo passwords of the README.
 */
@Component
class ConsoleUserBootstrap implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(ConsoleUserBootstrap.class);

	/** Known demo passwords: documented in the README, for demo runs only. */
	static final String DEMO_PASSWORD_SUFFIX = "-demo-2026";

	private final ConsoleUsers consoleUsers;
	private final ConsoleUserRepository users;
	private final ConsoleSecurityProperties properties;

	ConsoleUserBootstrap(ConsoleUsers consoleUsers, ConsoleUserRepository users, ConsoleSecurityProperties properties) {
		this.consoleUsers = consoleUsers;
		this.users = users;
		this.properties = properties;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (properties.demoUsers()) {
			seedDemo("finance", EnumSet.of(Role.FINANCE));
			seedDemo("support", EnumSet.of(Role.SUPPORT));
			seedDemo("admin", EnumSet.of(Role.ADMIN));
			return;
		}
		if (users.count() > 0) {
			reissueExpiredFirstAdmin();
			return;
		}
		ConsoleUsers.CreatedUser admin = consoleUsers.bootstrap("admin", EnumSet.of(Role.ADMIN),
				ConsoleUsers.oneTimePassword(), true, AuditAction.FIRST_ADMIN_CREATED);
		if (admin != null) {
			// the only time this password exists outside the hash: it is not stored or shown anywhere else
			log.warn("No console users yet: created 'admin' with the one-time password {} (change it at the first login)",
					admin.oneTimePassword());
		}
	}

	/**
	 * One-time passwords expire after 24 hours (issue 11). When no enabled admin can sign in any more because each
	 * one still holds an expired one-time password (the first start's {@code admin} was never used), {@code admin}
	 * gets a new one, printed once as at the first start: otherwise nobody could ever administer this PayRecon.
	 */
	private void reissueExpiredFirstAdmin() {
		java.time.Instant now = java.time.Instant.now();
		var admins = users.all().stream().filter(u -> u.enabled() && u.roles().contains(Role.ADMIN)).toList();
		if (admins.isEmpty() || admins.stream().anyMatch(u -> !u.oneTimePasswordExpiredAt(now))) {
			return;
		}
		users.findByLogin("admin").filter(u -> u.oneTimePasswordExpiredAt(now)).ifPresent(admin -> {
			String password = consoleUsers.reissueOneTimePassword(admin.id());
			log.warn("The one-time password of 'admin' expired unused and no other admin can sign in: 'admin' has the new "
					+ "one-time password {} (change it at the first login, within 24 hours)", password);
		});
	}

	private void seedDemo(String login, Set<Role> roles) {
		if (consoleUsers.bootstrap(login, roles, login + DEMO_PASSWORD_SUFFIX, false, AuditAction.DEMO_USERS_SEEDED) != null) {
			log.warn("Demo user '{}' seeded with the demo password from the README (payrecon.console.demo-users=true)", login);
		}
	}
}
