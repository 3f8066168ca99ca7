package com.payrecon.security;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 11, section 3: the login as an outsider sees it (throttling that reveals nothing and locks nobody out from
 * elsewhere, aggregated audit of throttled attempts), NIST SP 800-63B passwords, one-time passwords that expire,
 * password changes that end the other sessions and are throttled like a login, and refused operator actions that
 * stay in the audit log although the action rolls back. Each test uses addresses of its own (X-Forwarded-For from
 * the local proxy), so the per-address rules of one test do not touch another.
 */
@PayReconIT
class LoginAndPasswordsIT {

	static final AtomicInteger ADDRESS = new AtomicInteger();
	static final Pattern ONE_TIME = Pattern.compile("id=\"one-time-password-value\"[^>]*>([^<]+)<");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers testUsers;

	@Autowired
	ConsoleUserRepository users;

	@Autowired
	LoginAttempts attempts;

	@Autowired
	MutableClock clock;

	@Autowired
	DSLContext dsl;

	@BeforeEach
	@AfterEach
	void resetClock() {
		clock.reset();
	}

	static String freshAddress() {
		int n = ADDRESS.incrementAndGet();
		return "198.51." + (100 + n / 250) + "." + (1 + n % 250);
	}

	ConsoleSession from(String address) {
		return new ConsoleSession(port, address);
	}

	@Test
	void theAnswersAreTheSameForALoginThatExistsAndOneThatDoesNot() {
		TestUser support = testUsers.create(Role.SUPPORT);
		List<String> known = new ArrayList<>();
		List<String> unknown = new ArrayList<>();
		String a = freshAddress();
		String b = freshAddress();
		for (int i = 1; i <= 7; i++) {
			known.add(location(from(a).login(support.login(), "wrong-password-" + i)));
			unknown.add(location(from(b).login("nobody-" + support.id(), "wrong-password-" + i)));
		}
		assertThat(known).isEqualTo(unknown);
		assertThat(known.get(0)).endsWith("/login?error");
		assertThat(known.get(6)).endsWith("/login?blocked");
	}

	@Test
	void failuresFromOneAddressDoNotLockTheUserOutFromAnother() {
		TestUser admin = testUsers.create(Role.ADMIN);
		String attacker = freshAddress();
		for (int i = 1; i <= 8; i++) {
			from(attacker).login(admin.login(), "guess-" + i);
		}
		assertThat(location(from(attacker).login(admin.login(), admin.password()))).as("from the attacker's address")
			.endsWith("/login?blocked");
		from(freshAddress()).loggedInAs(admin);
	}

	@Test
	void attemptsRefusedWhileThrottledAreAuditedTogetherNotOneRowEach() {
		TestUser finance = testUsers.create(Role.FINANCE);
		String address = freshAddress();
		int before = throttledRows(address);
		for (int i = 1; i <= 5; i++) {
			from(address).login(finance.login(), "guess-" + i);
		}
		for (int i = 0; i < 40; i++) {
			assertThat(location(from(address).login(finance.login(), "guess-x" + i))).endsWith("/login?blocked");
		}
		assertThat(throttledRows(address) - before).as("the lock, written when it began").isEqualTo(1);

		clock.advance(Duration.ofMinutes(2)); // the address has been quiet for a minute
		attempts.auditRefusals();
		assertThat(throttledRows(address) - before).isEqualTo(2);
		assertThat(dsl.select(AUDIT_ENTRY.DETAILS)
			.from(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.ACTION.eq("LOGIN_THROTTLED"), AUDIT_ENTRY.TARGET.eq("address:" + address))
			.fetchOne(AUDIT_ENTRY.DETAILS)).startsWith("40 attempt(s) refused while throttled").contains(finance.login());
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(finance.login()), AUDIT_ENTRY.ACTION.eq("LOGIN_FAILED")))
			.as("one row per failure that was looked at").isEqualTo(5);
	}

	@Test
	void aOneTimePasswordStopsWorkingAfter24Hours() {
		TestUser admin = testUsers.create(Role.ADMIN);
		ConsoleSession adminSession = from(freshAddress()).loggedInAs(admin).csrfFrom("/admin/users");
		String login = "otp" + admin.id();
		adminSession.post("/admin/users", Map.of("login", login, "roles", "SUPPORT"));
		Matcher otp = ONE_TIME.matcher(adminSession.get("/admin/users").body());
		assertThat(otp.find()).isTrue();

		clock.advance(Duration.ofHours(24).plusMinutes(1));
		assertThat(location(from(freshAddress()).login(login, otp.group(1)))).endsWith("/login?otp-expired");
		clock.advance(Duration.ofHours(-2));
		assertThat(location(from(freshAddress()).login(login, otp.group(1)))).endsWith("/account/password");
	}

	@Test
	void passwordsFollowNistLongOnesWorkAndCommonOnesAreRefused() {
		TestUser user = testUsers.create(Role.SUPPORT);
		ConsoleSession session = from(freshAddress()).loggedInAs(user.login(), user.password());

		HttpResponse<String> common = change(session, user.password(), "qwerty123456");
		assertThat(common.statusCode()).isEqualTo(200);
		assertThat(common.body()).contains("too common");

		String longChinese = "我们的对账系统需要一个足够长而且容易记住的句子作为密码，比七十二个字节长得多也没有关系";
		HttpResponse<String> changed = change(session, user.password(), longChinese);
		assertThat(changed.statusCode()).as(changed.body()).isEqualTo(302);
		assertThat(users.findByLogin(user.login()).orElseThrow().passwordHash()).startsWith("{bcrypt-sha256}");
		from(freshAddress()).loggedInAs(user.login(), longChinese);
		assertThat(location(from(freshAddress()).login(user.login(), longChinese + "。"))).endsWith("/login?error");
	}

	@Test
	void changingThePasswordEndsTheOtherSessions() {
		TestUser user = testUsers.create(Role.FINANCE);
		ConsoleSession office = from(freshAddress()).loggedInAs(user);
		ConsoleSession laptop = from(freshAddress()).loggedInAs(user);
		assertThat(laptop.get("/orders").statusCode()).isEqualTo(200);

		assertThat(change(office, user.password(), "a brand new passphrase for finance").statusCode()).isEqualTo(302);
		assertThat(office.get("/orders").statusCode()).as("the session that changed it").isEqualTo(200);
		HttpResponse<String> other = laptop.get("/orders");
		assertThat(other.statusCode()).isEqualTo(302);
		assertThat(location(other)).contains("/login");
	}

	@Test
	void theCurrentPasswordCheckIsThrottledLikeTheLoginAndEveryRefusalIsAudited() {
		TestUser user = testUsers.create(Role.SUPPORT);
		ConsoleSession session = from(freshAddress()).loggedInAs(user.login(), user.password());
		for (int i = 1; i <= 5; i++) {
			assertThat(change(session, "not-my-password-" + i, "another fine passphrase").body())
				.contains("The current password is wrong.");
		}
		HttpResponse<String> right = change(session, user.password(), "another fine passphrase");
		assertThat(right.statusCode()).isEqualTo(200);
		assertThat(right.body()).contains("Too many wrong passwords");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(user.login()), AUDIT_ENTRY.ACTION.eq("PASSWORD_CHANGED"),
				AUDIT_ENTRY.OUTCOME.eq("FAILURE")))
			.as("each wrong current password, although the change rolled back").isEqualTo(5);
	}

	@Test
	void refusedAdminActionsStayInTheAuditLogAlthoughTheyRollBack() {
		TestUser admin = testUsers.create(Role.ADMIN);
		ConsoleSession session = from(freshAddress()).loggedInAs(admin).csrfFrom("/admin/users");
		String login = "dup" + admin.id();
		session.post("/admin/users", Map.of("login", login, "roles", "SUPPORT"));
		session.csrfFrom("/admin/users");
		session.post("/admin/users", Map.of("login", login, "roles", "SUPPORT"));
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("USER_CREATED"),
				AUDIT_ENTRY.OUTCOME.eq("FAILURE"), AUDIT_ENTRY.DETAILS.eq("login taken")))
			.isEqualTo(1);

		session.csrfFrom("/admin/users");
		session.post("/admin/users/" + admin.id() + "/disable", Map.of());
		assertThat(users.findById(admin.id()).orElseThrow().enabled()).isTrue();
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("USER_DISABLED"),
				AUDIT_ENTRY.OUTCOME.eq("FAILURE")))
			.isEqualTo(1);

		session.csrfFrom("/admin/accounts");
		assertThat(session.post("/admin/accounts/wx2-md5/keys", Map.of("key", "no-such-key", "value", "x")).statusCode())
			.isEqualTo(404);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()),
				AUDIT_ENTRY.ACTION.eq("ACCOUNT_KEY_REPLACED"), AUDIT_ENTRY.OUTCOME.eq("FAILURE")))
			.as("a key name that does not exist").isEqualTo(1);
		// a key of another channel is refused by the key proposal (issue 11, section 2), which audits its refusals
	}

	private HttpResponse<String> change(ConsoleSession session, String current, String next) {
		session.csrfFrom("/account/password");
		return session.post("/account/password",
				Map.of("currentPassword", current, "newPassword", next, "confirmPassword", next));
	}

	private int throttledRows(String address) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("LOGIN_THROTTLED"), AUDIT_ENTRY.REMOTE_ADDR.eq(address));
	}

	private static String location(HttpResponse<String> response) {
		return response.headers().firstValue("Location").orElse("(none: " + response.statusCode() + ")");
	}
}
