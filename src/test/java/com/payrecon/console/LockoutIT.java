package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.LoginThrottle;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The lockout message says how long it lasts; an admin unlocks a locked user at once, audited (issue 16). */
@PayReconIT
class LockoutIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	LoginThrottle throttle;

	@Autowired
	DSLContext dsl;

	@BeforeEach
	@AfterEach
	void freshAddress() {
		throttle.clear();
	}

	@Test
	void aLockedUserIsToldHowLongAndAnAdminUnlocksThem() {
		TestUser support = users.create(Role.SUPPORT);
		ConsoleSession guesser = new ConsoleSession(port);
		String location = "";
		for (int i = 0; i < 5; i++) {
			location = guesser.login(support.login(), "wrong-" + i).headers().firstValue("Location").orElse("");
		}
		assertThat(location).endsWith("/login?blocked");
		String blocked = guesser.get("/login?blocked").body();
		assertThat(ConsolePages.text(blocked, "login-blocked")).contains("locked from your address for 15 min").contains("at most 5 min");
		assertThat(new ConsoleSession(port).login(support.login(), support.password()).headers().firstValue("Location")
			.orElse("")).as("the right password does not help while locked").contains("/login");

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/users");
		String page = adminSession.get("/admin/users").body();
		assertThat(ConsolePages.text(page, "locked-" + support.login())).startsWith("locked until");
		HttpResponse<String> unlocked = adminSession.post("/admin/users/" + support.id() + "/unlock", Map.of());
		assertThat(unlocked.statusCode()).isEqualTo(302);
		assertThat(ConsolePages.text(adminSession.get("/admin/users").body(), "flash-message"))
			.isEqualTo(support.login() + " unlocked: they can sign in again at once.");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("USER_UNLOCKED"),
				AUDIT_ENTRY.TARGET.eq("user:" + support.login()), AUDIT_ENTRY.ACTOR.eq(admin.login()))).isEqualTo(1);
		new ConsoleSession(port).loggedInAs(support);
	}

	/** Wrong second-factor codes count like wrong passwords (issue 11): the same message, the same unlock. */
	@Test
	void wrongSecondFactorCodesLockLikePasswordsAndAnAdminUnlocksThatToo() {
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession guesser = new ConsoleSession(port);
		guesser.login(finance.login(), finance.password());
		String wrong = finance.authenticator().currentCode().equals("000000") ? "000001" : "000000";
		String location = "";
		for (int i = 0; i < 5; i++) {
			location = guesser.secondFactor(wrong).headers().firstValue("Location").orElse("");
		}
		assertThat(location).endsWith("/login?blocked");
		assertThat(ConsolePages.text(new ConsoleSession(port).get("/login?blocked").body(), "login-blocked"))
			.contains("locked from your address for 15 min");

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/users");
		assertThat(ConsolePages.text(adminSession.get("/admin/users").body(), "locked-" + finance.login()))
			.startsWith("locked until");
		adminSession.post("/admin/users/" + finance.id() + "/unlock", Map.of());
		new ConsoleSession(port).loggedInAs(finance);
	}
}
