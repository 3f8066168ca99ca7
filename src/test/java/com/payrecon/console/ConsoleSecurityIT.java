package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.LoginThrottle;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Console threat cases C1 (CSRF), C2 (sessions), C3 (brute force), plus headers and the forced password change. */
@PayReconIT
class ConsoleSecurityIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers testUsers;

	@Autowired
	ConsoleUserRepository users;

	@Autowired
	LoginThrottle throttle;

	@Autowired
	MutableClock clock;

	@Autowired
	PasswordEncoder encoder;

	@Autowired
	DSLContext dsl;

	@BeforeEach
	@AfterEach
	void freshThrottleAndClock() {
		throttle.clear();
		clock.reset();
	}

	@Test
	void aFormPostedWithoutItsCsrfTokenIsRefused() {
		TestUser admin = testUsers.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);
		String login = "csrf" + admin.id();
		assertThat(session.postWithoutCsrf("/admin/users", Map.of("login", login, "roles", "ADMIN")).statusCode())
			.isEqualTo(403);
		assertThat(users.findByLogin(login)).isEmpty();
		assertThat(session.postWithoutCsrf("/logout", Map.of()).statusCode()).isEqualTo(403);
		assertThat(session.get("/admin/users").statusCode()).as("still logged in").isEqualTo(200);
		assertThat(new ConsoleSession(port).postWithoutCsrf("/login",
				Map.of("username", admin.login(), "password", admin.password())).statusCode())
			.isEqualTo(403);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("ACCESS_DENIED"),
				AUDIT_ENTRY.DETAILS.eq("missing or invalid CSRF token")))
			.isEqualTo(2);
		// with the token the same form works
		session.csrfFrom("/admin/users");
		assertThat(session.post("/admin/users", Map.of("login", login, "roles", "ADMIN")).statusCode()).isEqualTo(302);
		assertThat(users.findByLogin(login)).isPresent();
	}

	@Test
	void theSessionIdChangesAtLoginAndLogoutEndsTheSession() {
		TestUser support = testUsers.create(Role.SUPPORT);
		ConsoleSession session = new ConsoleSession(port);
		session.get("/login");
		String before = session.sessionId().orElseThrow();
		session.loggedInAs(support);
		String after = session.sessionId().orElseThrow();
		assertThat(after).isNotEqualTo(before);
		assertThat(session.get("/orders").statusCode()).isEqualTo(200);

		session.csrfFrom("/orders");
		HttpResponse<String> logout = session.post("/logout", Map.of());
		assertThat(logout.headers().firstValue("Location").orElseThrow()).endsWith("/login?logout");
		assertThat(session.get("/orders").statusCode()).isEqualTo(302);
		assertThat(audited(support.login(), "LOGIN")).isEqualTo(1);
		assertThat(audited(support.login(), "LOGOUT")).isEqualTo(1);
	}

	@Test
	void disablingAUserEndsTheirSessionsAtOnce() {
		TestUser admin = testUsers.create(Role.ADMIN);
		TestUser finance = testUsers.create(Role.FINANCE);
		ConsoleSession financeSession = new ConsoleSession(port).loggedInAs(finance);
		assertThat(financeSession.get("/orders").statusCode()).isEqualTo(200);

		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/users");
		assertThat(adminSession.post("/admin/users/" + finance.id() + "/disable", Map.of()).statusCode()).isEqualTo(302);

		HttpResponse<String> next = financeSession.get("/orders");
		assertThat(next.statusCode()).isEqualTo(302);
		assertThat(next.headers().firstValue("Location").orElseThrow()).contains("/login");
		assertThat(new ConsoleSession(port).login(finance.login(), finance.password()).headers().firstValue("Location"))
			.hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
		assertThat(audited(admin.login(), "USER_DISABLED")).isEqualTo(1);
	}

	/** Issue 11: the lock is of this login from this address (LoginAndPasswordsIT: other addresses may still try). */
	@Test
	void fiveFailedLoginsLockTheLoginFromThatAddressForFifteenMinutes() {
		TestUser support = testUsers.create(Role.SUPPORT);
		for (int i = 1; i <= 4; i++) {
			assertThat(location(new ConsoleSession(port).login(support.login(), "wrong-" + i))).endsWith("/login?error");
		}
		assertThat(location(new ConsoleSession(port).login(support.login(), "wrong-5"))).endsWith("/login?blocked");
		// the right password does not help from this address while locked
		assertThat(location(new ConsoleSession(port).login(support.login(), support.password()))).endsWith("/login?blocked");

		clock.advance(Duration.ofMinutes(14));
		assertThat(location(new ConsoleSession(port).login(support.login(), support.password()))).endsWith("/login?blocked");
		clock.advance(Duration.ofMinutes(2));
		new ConsoleSession(port).loggedInAs(support);

		assertThat(audited(support.login(), "LOGIN_FAILED")).as("the five looked at; the two refused are counted").isEqualTo(5);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("LOGIN_THROTTLED"),
				AUDIT_ENTRY.TARGET.eq("user:" + support.login())))
			.isEqualTo(1);
		assertThat(audited(support.login(), "LOGIN")).isEqualTo(1);
	}

	@Test
	void anAddressThatKeepsFailingWaitsLongerAndLonger() {
		TestUser finance = testUsers.create(Role.FINANCE);
		clock.set(java.time.Instant.now());
		// different unknown logins, so no user lock is involved: 10 free failures, the 11th imposes a wait of 1 s
		for (int i = 1; i <= 11; i++) {
			assertThat(location(new ConsoleSession(port).login("nobody-" + finance.id() + "-" + i, "x")))
				.endsWith(i <= 10 ? "/login?error" : "/login?blocked");
		}
		// during the wait even the right password is not looked at
		assertThat(location(new ConsoleSession(port).login(finance.login(), finance.password()))).endsWith("/login?blocked");
		assertThat(audited(finance.login(), "LOGIN_FAILED")).as("refused unseen, only counted").isZero();
		assertThat(throttle.retryAfter("127.0.0.1")).isPositive();

		clock.advance(Duration.ofSeconds(2));
		assertThat(location(new ConsoleSession(port).login("nobody-" + finance.id() + "-12", "x"))).endsWith("/login?blocked");
		assertThat(throttle.retryAfter("127.0.0.1")).isEqualTo(Duration.ofSeconds(2));
		clock.advance(Duration.ofSeconds(3));
		new ConsoleSession(port).loggedInAs(finance);
	}

	@Test
	void aOneTimePasswordMustBeChangedBeforeAnythingElse() {
		TestUser fresh = testUsers.create(true, Role.SUPPORT);
		ConsoleSession session = new ConsoleSession(port);
		assertThat(location(session.login(fresh.login(), fresh.password()))).endsWith("/account/password");
		HttpResponse<String> orders = session.get("/orders");
		assertThat(orders.statusCode()).isEqualTo(302);
		assertThat(location(orders)).endsWith("/account/password");

		session.csrfFrom("/account/password");
		HttpResponse<String> tooShort = session.post("/account/password",
				Map.of("currentPassword", fresh.password(), "newPassword", "short", "confirmPassword", "short"));
		assertThat(tooShort.statusCode()).isEqualTo(200);
		assertThat(tooShort.body()).contains("The new password needs 12");
		assertThat(session.get("/orders").statusCode()).isEqualTo(302);

		String newPassword = "a much better passphrase";
		session.csrfFrom("/account/password");
		assertThat(location(session.post("/account/password",
				Map.of("currentPassword", fresh.password(), "newPassword", newPassword, "confirmPassword", newPassword))))
			.endsWith("/");
		assertThat(session.get("/orders").statusCode()).isEqualTo(200);
		var stored = users.findByLogin(fresh.login()).orElseThrow();
		assertThat(stored.mustChangePassword()).isFalse();
		assertThat(stored.passwordHash()).startsWith("{bcrypt-sha256}").doesNotContain(newPassword);
		assertThat(encoder.matches(newPassword, stored.passwordHash())).isTrue();
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(fresh.login()), AUDIT_ENTRY.ACTION.eq("PASSWORD_CHANGED"),
				AUDIT_ENTRY.OUTCOME.eq("SUCCESS")))
			.isEqualTo(1);
	}

	@Test
	void theFirstStartCreatedAnAdminWithAOneTimePasswordOnly() {
		var admin = users.findByLogin("admin").orElseThrow();
		assertThat(admin.roles()).containsExactly(Role.ADMIN);
		assertThat(admin.passwordHash()).startsWith("{bcrypt-sha256}");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("FIRST_ADMIN_CREATED"))).isEqualTo(1);
		// no default password: the usual guesses do not work
		for (String guess : new String[] { "admin", "password", "admin123", "changeme", "payrecon" }) {
			assertThat(encoder.matches(guess, admin.passwordHash())).as(guess).isFalse();
		}
	}

	@Test
	void consolePagesCarryAStrictContentSecurityPolicyAndRefuseFraming() {
		TestUser support = testUsers.create(Role.SUPPORT);
		HttpResponse<String> page = new ConsoleSession(port).loggedInAs(support).get("/orders");
		assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'")
			.contains("script-src 'self'")
			.contains("frame-ancestors 'none'")
			.doesNotContain("unsafe-inline")
			.doesNotContain("unsafe-eval");
		assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(page.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
		assertThat(page.body()).doesNotContain("<script>").doesNotContain(" style=\"").doesNotContain("onclick");
		HttpResponse<String> login = new ConsoleSession(port).get("/login");
		assertThat(login.headers().firstValue("Content-Security-Policy")).isPresent();
	}

	private int audited(String actor, String action) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(actor), AUDIT_ENTRY.ACTION.eq(action));
	}

	private static String location(HttpResponse<String> response) {
		return response.headers().firstValue("Location").orElse("(none: " + response.statusCode() + ")");
	}
}
