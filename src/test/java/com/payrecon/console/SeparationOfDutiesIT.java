package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.KEY_PROPOSAL;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.util.HtmlUtils;

/**
 * Issue 11: an admin cannot get around maker-checker by changing their own roles or by making a second account to
 * approve with. Users tied by a handover (created, given a role, enabled, password or second factor reset) within 7
 * days do not approve each other's proposals, in either direction; after the 7 days they may. This is also how a shop
 * with one admin gets its second: the first admin creates the second, who then works normally but approves none of
 * the first admin's proposals (nor the first theirs) for 7 days. Account duties-wx2 is used by no other test.
 */
@PayReconIT
class SeparationOfDutiesIT {

	static final String ACCOUNT = "duties-wx2";
	static final Pattern ONE_TIME = Pattern.compile("id=\"one-time-password-value\"[^>]*>([^<]+)<");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ConsoleUserRepository userRepository;

	@Autowired
	AccountRegistry registry;

	@Autowired
	MutableClock clock;

	@Autowired
	DSLContext dsl;

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void anAdminCannotChangeTheirOwnRoles() {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/admin/users");

		// FINANCE on top of ADMIN would make one person maker (finance proposes) and checker (admin approves)
		HttpResponse<String> more = session.post("/admin/users/" + admin.id() + "/roles", Map.of("roles", "ADMIN,FINANCE"));
		assertThat(more.statusCode()).isEqualTo(302);
		assertThat(ConsolePages.text(session.get("/admin/users").body(), "flash-error"))
			.isEqualTo("You cannot change your own roles: another admin must do it.");
		assertThat(userRepository.findById(admin.id()).orElseThrow().roles()).containsExactly(Role.ADMIN);
		session.post("/admin/users/" + admin.id() + "/roles", Map.of("roles", "SUPPORT"));
		assertThat(ConsolePages.text(session.get("/admin/users").body(), "flash-error"))
			.isEqualTo("You cannot change your own roles: another admin must do it.");
		assertThat(userRepository.findById(admin.id()).orElseThrow().roles()).containsExactly(Role.ADMIN);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("USER_ROLES_CHANGED"),
				AUDIT_ENTRY.OUTCOME.eq("FAILURE"))).isEqualTo(2);
	}

	@Test
	void aSecondAdminCreatedByTheFirstApprovesNoneOfTheirProposalsFor7DaysThenMay() {
		TestUser first = users.create(Role.ADMIN);
		ConsoleSession firstSession = new ConsoleSession(port).loggedInAs(first).csrfFrom("/admin/users");
		TestUser second = onboardNewAdmin(firstSession);
		ConsoleSession secondSession = new ConsoleSession(port).loggedInAs(second).csrfFrom("/admin/accounts");
		TestUser unrelated = users.create(Role.ADMIN);

		// the first proposes; the admin they created may not approve (nor approve it for them)
		long proposal = propose(firstSession, first);
		assertThat(approve(secondSession, second, proposal)).startsWith(second.login() + " may not approve a proposal of "
				+ first.login() + " until ").contains(first.login() + " handed power to " + second.login() + " (CREATED)");
		assertThat(state(proposal)).isEqualTo("PROPOSED");
		// nor the other way round: the second proposes, the first approves
		reject(firstSession, proposal);
		long theirs = propose(secondSession, second);
		assertThat(approve(firstSession, first, theirs)).startsWith(first.login() + " may not approve a proposal of "
				+ second.login());
		assertThat(state(theirs)).isEqualTo("PROPOSED");
		// an admin with no such tie may
		ConsoleSession unrelatedSession = new ConsoleSession(port).loggedInAs(unrelated).csrfFrom("/admin/accounts");
		assertThat(approve(unrelatedSession, unrelated, theirs)).startsWith("Proposal " + theirs + " approved");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(second.login()), AUDIT_ENTRY.ACTION.eq("KEY_CHANGE_APPROVED"),
				AUDIT_ENTRY.OUTCOME.eq("FAILURE"))).isEqualTo(1);

		// 7 days later the tie is over
		clock.set(Instant.now().plus(Duration.ofDays(7)).plusSeconds(60));
		// a session lives at most 12 h after its sign-in (issue 11): both sign in again a week later
		firstSession = new ConsoleSession(port).loggedInAs(first).csrfFrom("/admin/accounts");
		secondSession = new ConsoleSession(port).loggedInAs(second).csrfFrom("/admin/accounts");
		long later = propose(firstSession, first);
		assertThat(approve(secondSession, second, later)).startsWith("Proposal " + later + " approved");
	}

	@Test
	void resettingAnotherAdminsPasswordTiesThemLikeCreatingThem() {
		TestUser resetter = users.create(Role.ADMIN);
		TestUser colleague = users.create(Role.ADMIN);
		ConsoleSession resetterSession = new ConsoleSession(port).loggedInAs(resetter).csrfFrom("/admin/users");
		resetterSession.post("/admin/users/" + colleague.id() + "/reset-password", Map.of());
		String oneTime = oneTimePassword(resetterSession.get("/admin/users").body());
		// whoever knows the one-time password (the resetter did) now holds the colleague's account: no approving each other
		ConsoleSession colleagueSession = new ConsoleSession(port);
		colleagueSession.login(new TestUser(colleague.id(), colleague.login(), oneTime, colleague.authenticator()));
		colleagueSession.csrfFrom("/account/password")
			.post("/account/password", Map.of("currentPassword", oneTime, "newPassword", "colleague-new-password-1",
					"confirmPassword", "colleague-new-password-1"));
		TestUser changed = new TestUser(colleague.id(), colleague.login(), "colleague-new-password-1", colleague.authenticator());
		colleagueSession.csrfFrom("/admin/accounts");
		resetterSession.csrfFrom("/admin/accounts");

		long proposal = propose(resetterSession, resetter);
		assertThat(approve(colleagueSession, changed, proposal)).contains(resetter.login() + " handed power to "
				+ colleague.login() + " (PASSWORD_RESET)");
		reject(resetterSession, proposal);
	}

	/** The first admin creates the second through Admin → Users; the second signs in, enrols a second factor, changes the one-time password. */
	private TestUser onboardNewAdmin(ConsoleSession creator) {
		String login = "second" + System.nanoTime() % 1_000_000_000L;
		creator.post("/admin/users", Map.of("login", login, "roles", "ADMIN"));
		String oneTime = oneTimePassword(creator.get("/admin/users").body());
		ConsoleSession session = new ConsoleSession(port);
		HttpResponse<String> afterPassword = session.login(login, oneTime);
		assertThat(afterPassword.headers().firstValue("Location").orElseThrow()).endsWith("/account/second-factor");
		String enrolPage = session.get("/account/second-factor").body();
		String secret = ConsolePages.text(enrolPage, "enrol-secret");
		Authenticator authenticator = users.authenticator(com.payrecon.security.Base32.decode(secret));
		HttpResponse<String> enrolled = session.post("/account/second-factor", Map.of("code", authenticator.nextCode()));
		assertThat(enrolled.body()).contains("id=\"recovery-codes\"");
		String chosen = "Chosen-Pass-" + System.nanoTime();
		HttpResponse<String> changed = session.csrfFrom("/account/password")
			.post("/account/password", Map.of("currentPassword", oneTime, "newPassword", chosen, "confirmPassword", chosen));
		assertThat(changed.statusCode()).as("password changed").isEqualTo(302);
		long id = userRepository.findByLogin(login).orElseThrow().id();
		return new TestUser(id, login, chosen, authenticator);
	}

	private long propose(ConsoleSession session, TestUser maker) {
		session.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", AccountKeysIT.randomKey(), "password", maker.password()));
		String flash = ConsolePages.text(session.get("/admin/accounts").body(), "flash-message");
		assertThat(flash).as("proposed").startsWith("Proposal ");
		return dsl.select(KEY_PROPOSAL.ID)
			.from(KEY_PROPOSAL)
			.where(KEY_PROPOSAL.ACCOUNT_ID.eq(ACCOUNT), KEY_PROPOSAL.STATE.eq("PROPOSED"))
			.fetchSingle(KEY_PROPOSAL.ID);
	}

	/** The flash after an approval: the message, or the error. */
	private String approve(ConsoleSession session, TestUser checker, long proposal) {
		session.post("/admin/accounts/key-proposals/" + proposal + "/approve", Map.of("password", checker.password()));
		String page = session.get("/admin/accounts").body();
		String message = ConsolePages.text(page, "flash-message");
		return message != null ? message : ConsolePages.text(page, "flash-error");
	}

	private void reject(ConsoleSession session, long proposal) {
		session.post("/admin/accounts/key-proposals/" + proposal + "/reject", Map.of("reason", "test over"));
		assertThat(ConsolePages.text(session.get("/admin/accounts").body(), "flash-message")).endsWith("nothing was changed.");
		assertThat(state(proposal)).isEqualTo("REJECTED");
	}

	private String state(long proposal) {
		return dsl.select(KEY_PROPOSAL.STATE).from(KEY_PROPOSAL).where(KEY_PROPOSAL.ID.eq(proposal)).fetchSingle(KEY_PROPOSAL.STATE);
	}

	private static String oneTimePassword(String page) {
		Matcher m = ONE_TIME.matcher(page);
		assertThat(m.find()).as("one-time password shown").isTrue();
		return HtmlUtils.htmlUnescape(m.group(1));
	}
}
