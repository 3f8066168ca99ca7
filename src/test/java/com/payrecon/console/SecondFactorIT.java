package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.RECOVERY_CODE;
import static com.payrecon.db.Tables.SECOND_FACTOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.Base32;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.LoginThrottle;
import com.payrecon.security.Role;
import com.payrecon.security.SecretCipher;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 11: the TOTP second factor over real HTTP. Admins and finance give a code after the password and before any
 * page; a code is good once; wrong codes lock like wrong passwords; enrolment through the pages (QR code, secret,
 * first code, recovery codes shown once); recovery codes work once each; an admin resets another user's factor but
 * not their own; everything audited.
 */
@PayReconIT
class SecondFactorIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ConsoleUserRepository userRepository;

	@Autowired
	SecretCipher cipher;

	@Autowired
	LoginThrottle throttle;

	@Autowired
	MutableClock clock;

	@Autowired
	DSLContext dsl;

	@AfterEach
	void reset() {
		clock.reset();
		throttle.clear();
	}

	@Test
	void anAdminGivesACodeAfterThePasswordAndSeesNoPageBefore() {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port);

		assertThat(location(session.login(admin.login(), admin.password()))).endsWith("/login/second-factor");
		for (String page : List.of("/", "/dashboard", "/orders", "/admin/users", "/admin/accounts", "/account/password")) {
			HttpResponse<String> answer = session.get(page);
			assertThat(answer.statusCode()).as(page).isEqualTo(302);
			assertThat(location(answer)).as(page).endsWith("/login/second-factor");
		}
		HttpResponse<String> create = session.csrfFrom("/login/second-factor")
			.post("/admin/users", Map.of("login", "sneaky" + admin.id(), "roles", "ADMIN"));
		assertThat(location(create)).endsWith("/login/second-factor");
		assertThat(userRepository.findByLogin("sneaky" + admin.id())).isEmpty();
		assertThat(audited(admin.login(), "LOGIN", "SUCCESS")).as("not signed in yet").isZero();

		HttpResponse<String> wrong = session.secondFactor(wrongCode(admin));
		assertThat(wrong.statusCode()).isEqualTo(200);
		assertThat(wrong.body()).contains("That code is not right.");
		assertThat(audited(admin.login(), "SECOND_FACTOR_USED", "FAILURE")).isEqualTo(1);

		String code = admin.authenticator().nextCode();
		HttpResponse<String> right = session.secondFactor(code);
		assertThat(right.statusCode()).isEqualTo(302);
		assertThat(location(right)).doesNotContain("/login");
		assertThat(session.get("/admin/users").statusCode()).isEqualTo(200);
		assertThat(audited(admin.login(), "SECOND_FACTOR_USED", "SUCCESS")).isEqualTo(1);
		assertThat(audited(admin.login(), "LOGIN", "SUCCESS")).isEqualTo(1);
		assertThat(userRepository.findByLogin(admin.login()).orElseThrow().failedAttempts()).as("reset by the success").isZero();

		// the same code again, in another session (someone who watched it being typed): refused
		ConsoleSession replay = new ConsoleSession(port);
		assertThat(location(replay.login(admin.login(), admin.password()))).endsWith("/login/second-factor");
		HttpResponse<String> replayed = replay.secondFactor(code);
		assertThat(replayed.statusCode()).isEqualTo(200);
		assertThat(replayed.body()).contains("That code was used already");
		assertThat(replay.get("/dashboard").statusCode()).isEqualTo(302);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("SECOND_FACTOR_USED"),
				AUDIT_ENTRY.OUTCOME.eq("FAILURE"), AUDIT_ENTRY.DETAILS.contains("replay"))).isEqualTo(1);
	}

	@Test
	void supportSignsInWithThePasswordAloneUnlessTheyEnrolled() {
		TestUser support = users.create(Role.SUPPORT);
		assertThat(location(new ConsoleSession(port).login(support.login(), support.password()))).isEqualTo("/"); // relative: never the Host a client sent (issue 11)
	}

	@Test
	void fiveWrongCodesLockTheUserLikeWrongPasswordsAndARightPasswordInBetweenDoesNotHelp() {
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession first = new ConsoleSession(port);
		first.login(finance.login(), finance.password());
		for (int i = 1; i <= 3; i++) {
			assertThat(first.secondFactor(wrongCode(finance)).statusCode()).as("attempt " + i).isEqualTo(200);
		}
		// signing in again with the right password does not start the count afresh
		ConsoleSession second = new ConsoleSession(port);
		assertThat(location(second.login(finance.login(), finance.password()))).endsWith("/login/second-factor");
		assertThat(second.secondFactor(wrongCode(finance)).statusCode()).isEqualTo(200);
		HttpResponse<String> fifth = second.secondFactor(wrongCode(finance));
		assertThat(location(fifth)).endsWith("/login?blocked");
		// the lock is on this login from this address (issue 11: nobody elsewhere can keep a user out), not on the user
		assertThat(userRepository.findByLogin(finance.login()).orElseThrow().lockedUntil()).isNull();
		// a right password and a right code do not help while locked
		assertThat(location(new ConsoleSession(port).login(finance.login(), finance.password()))).endsWith("/login?blocked");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("LOGIN_THROTTLED"),
				AUDIT_ENTRY.TARGET.eq("user:" + finance.login()))).isEqualTo(1);
		clock.advance(Duration.ofMinutes(16));
		new ConsoleSession(port).loggedInAs(finance);
	}

	@Test
	void aFinanceUserEnrolsAtTheFirstSignInAndARecoveryCodeWorksOnce() {
		TestUser fresh = users.createWithoutSecondFactor(false, EnumSet.of(Role.FINANCE));
		ConsoleSession session = new ConsoleSession(port);
		assertThat(location(session.login(fresh.login(), fresh.password()))).endsWith("/account/second-factor");
		assertThat(location(session.get("/reconciliation"))).endsWith("/account/second-factor");

		String page = session.get("/account/second-factor").body();
		assertThat(page).contains("id=\"enrol-qr\" src=\"data:image/svg+xml;base64,");
		String secret = ConsolePages.text(page, "enrol-secret");
		assertThat(secret).matches("[A-Z2-7]{32}");
		assertThat(ConsolePages.text(page, "enrol-uri")).isEqualTo("otpauth://totp/PayRecon%3A" + fresh.login() + "?secret="
				+ secret + "&issuer=PayRecon&algorithm=SHA1&digits=6&period=30");
		assertThat(session.get("/account/second-factor").body()).as("a reload shows the same secret").contains(secret);
		// stored sealed, not as the secret
		byte[] stored = dsl.select(SECOND_FACTOR.SECRET).from(SECOND_FACTOR).where(SECOND_FACTOR.LOGIN.eq(fresh.login()))
			.fetchSingle(SECOND_FACTOR.SECRET);
		assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
		assertThat(cipher.decrypt(stored, "second-factor/" + fresh.login())).isEqualTo(secret);

		Authenticator phone = users.authenticator(Base32.decode(secret));
		HttpResponse<String> wrong = session.post("/account/second-factor", Map.of("code", wrongCode(phone)));
		assertThat(wrong.body()).contains("That code is not right.").doesNotContain("id=\"recovery-codes\"");
		HttpResponse<String> confirmed = session.post("/account/second-factor", Map.of("code", phone.nextCode()));
		List<String> recovery = recoveryCodes(confirmed.body());
		assertThat(recovery).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[a-z2-9]{4}(-[a-z2-9]{4}){3}"));
		assertThat(session.get("/reconciliation").statusCode()).isEqualTo(200);
		assertThat(dsl.fetchCount(RECOVERY_CODE, RECOVERY_CODE.LOGIN.eq(fresh.login()))).isEqualTo(10);
		assertThat(dsl.fetchCount(RECOVERY_CODE, RECOVERY_CODE.LOGIN.eq(fresh.login()), RECOVERY_CODE.CODE_HASH.in(recovery)))
			.as("stored hashed").isZero();
		assertThat(audited(fresh.login(), "SECOND_FACTOR_ENROLLED", "SUCCESS")).isEqualTo(2); // started, confirmed
		assertThat(audited(fresh.login(), "SECOND_FACTOR_ENROLLED", "FAILURE")).isEqualTo(1);

		// from now on the code is asked for; a recovery code instead works once
		ConsoleSession withRecovery = new ConsoleSession(port);
		assertThat(location(withRecovery.login(fresh.login(), fresh.password()))).endsWith("/login/second-factor");
		assertThat(location(withRecovery.secondFactor(recovery.get(3).toUpperCase()))).doesNotContain("/login");
		ConsoleSession again = new ConsoleSession(port);
		again.login(fresh.login(), fresh.password());
		assertThat(again.secondFactor(recovery.get(3)).statusCode()).isEqualTo(200);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(fresh.login()), AUDIT_ENTRY.ACTION.eq("SECOND_FACTOR_USED"),
				AUDIT_ENTRY.DETAILS.eq("recovery code (9 left)"))).isEqualTo(1);
		// and the enrolled factor cannot be replaced by the user: only an admin resets it
		assertThat(new ConsoleSession(port).loggedInAs(new TestUser(fresh.id(), fresh.login(), fresh.password(), phone))
			.get("/account/second-factor").body()).contains("id=\"factor-enrolled\"").doesNotContain("enrol-secret");
	}

	@Test
	void anAdminResetsAnotherUsersSecondFactorButNotTheirOwn() {
		TestUser admin = users.create(Role.ADMIN);
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession financeSession = new ConsoleSession(port).loggedInAs(finance);
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/users");
		assertThat(adminSession.get("/admin/users").body()).contains("id=\"reset-factor-" + finance.login() + "\"");

		adminSession.post("/admin/users/" + admin.id() + "/reset-second-factor", Map.of());
		assertThat(ConsolePages.text(adminSession.get("/admin/users").body(), "flash-error"))
			.isEqualTo("You cannot reset your own second factor: another admin must do it.");
		assertThat(dsl.fetchCount(SECOND_FACTOR, SECOND_FACTOR.LOGIN.eq(admin.login()))).isEqualTo(1);

		adminSession.post("/admin/users/" + finance.id() + "/reset-second-factor", Map.of());
		assertThat(dsl.fetchCount(SECOND_FACTOR, SECOND_FACTOR.LOGIN.eq(finance.login()))).isZero();
		assertThat(location(financeSession.get("/orders"))).as("their session ended").contains("/login");
		assertThat(location(new ConsoleSession(port).login(finance.login(), finance.password()))).endsWith("/account/second-factor");
		assertThat(audited(admin.login(), "SECOND_FACTOR_RESET", "SUCCESS")).isEqualTo(1);
		assertThat(audited(admin.login(), "SECOND_FACTOR_RESET", "FAILURE")).isEqualTo(1);
	}

	@Test
	void theLoginPageSaysNothingAboutTheFactorWhenItIsRequired() {
		assertThat(new ConsoleSession(port).get("/login").body()).doesNotContain("second-factor-off");
	}

	private static String wrongCode(TestUser user) {
		return wrongCode(user.authenticator());
	}

	/** A six-digit code that is none of the three the server accepts now. */
	private static String wrongCode(Authenticator authenticator) {
		String current = authenticator.currentCode();
		return current.equals("000000") ? "000001" : "000000";
	}

	private int audited(String actor, String action, String outcome) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(actor), AUDIT_ENTRY.ACTION.eq(action),
				AUDIT_ENTRY.OUTCOME.eq(outcome));
	}

	private static List<String> recoveryCodes(String page) {
		Matcher m = Pattern.compile("class=\"recovery-code\">([^<]+)<").matcher(page);
		List<String> codes = new ArrayList<>();
		while (m.find()) {
			codes.add(m.group(1));
		}
		return codes;
	}

	private static String location(HttpResponse<String> response) {
		return response.headers().firstValue("Location").orElse("");
	}
}
