package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.payrecon.account.AccountKeyName;
import com.payrecon.account.AccountKeys;
import com.payrecon.account.KeyProposals;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.dashboard.DashboardQuery;
import com.payrecon.console.jobs.ConsoleJobs;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Threat cases C1 and C4 for the dashboard, the Jobs pages and account keys: every new URL against every role over
 * real HTTP, forms without their CSRF token, and the services refusing on their own.
 */
@PayReconIT
class AdminPagesAccessIT {

	static final String MISSING_RUN = "999999999";

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ConsoleJobs jobs;

	@Autowired
	AccountKeys keys;

	@Autowired
	KeyProposals proposals;

	@Autowired
	com.payrecon.security.SecondFactors factors;

	@Autowired
	DashboardQuery dashboard;

	@Autowired
	DSLContext dsl;

	static List<Arguments> pages() {
		return List.of(
				// path, SUPPORT, FINANCE, ADMIN
				Arguments.of("/dashboard", 200, 200, 200), Arguments.of("/dashboard?day=2026-01-01", 200, 200, 200),
				Arguments.of("/jobs", 403, 200, 200), Arguments.of("/jobs/stale-pending-report", 403, 200, 200),
				Arguments.of("/jobs/no-such-job", 403, 404, 404), Arguments.of("/jobs/runs/" + MISSING_RUN, 403, 404, 404),
				Arguments.of("/jobs/runs/" + MISSING_RUN + "/progress", 403, 404, 404),
				Arguments.of("/admin/accounts", 403, 200, 200));
	}

	@ParameterizedTest(name = "GET {0}: support {1}, finance {2}, admin {3}")
	@MethodSource("pages")
	void everyRoleGetsExactlyItsPages(String path, int support, int finance, int admin) {
		assertThat(session(Role.SUPPORT).get(path).statusCode()).as("support " + path).isEqualTo(support);
		assertThat(session(Role.FINANCE).get(path).statusCode()).as("finance " + path).isEqualTo(finance);
		assertThat(session(Role.ADMIN).get(path).statusCode()).as("admin " + path).isEqualTo(admin);
		HttpResponse<String> anonymous = new ConsoleSession(port).get(path);
		assertThat(anonymous.statusCode()).as("anonymous " + path).isEqualTo(302);
		assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
	}

	static List<String> actions() {
		return List.of("/jobs/stale-pending-report/run-now", "/jobs/runs/" + MISSING_RUN + "/restart",
				"/admin/accounts/keys-wx2/keys");
	}

	@ParameterizedTest(name = "POST {0}: admin only, and only with the form's CSRF token")
	@MethodSource("actions")
	void onlyAdminsActAndOnlyWithTheFormsToken(String path) {
		Map<String, String> form = Map.of("key", "api-key", "value", "x".repeat(32));
		for (Role role : List.of(Role.SUPPORT, Role.FINANCE)) {
			ConsoleSession session = session(role).csrfFrom("/dashboard");
			assertThat(session.post(path, form).statusCode()).as(role + " " + path).isEqualTo(403);
		}
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);
		assertThat(session.postWithoutCsrf(path, form).statusCode()).as("admin without CSRF " + path).isEqualTo(403);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("ACCESS_DENIED"),
				AUDIT_ENTRY.TARGET.eq("POST " + path), AUDIT_ENTRY.DETAILS.eq("missing or invalid CSRF token")))
			.isEqualTo(1);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()),
				AUDIT_ENTRY.ACTION.in("JOB_RUN_NOW", "JOB_RESTARTED", "ACCOUNT_KEY_REPLACED")))
			.as("nothing was done")
			.isZero();
	}

	@Test
	void financeSeesJobsWithoutTheirButtons() {
		String page = session(Role.FINANCE).get("/jobs").body();
		assertThat(page).contains("id=\"job-stale-pending-sweep\"").doesNotContain("run-now-").doesNotContain("/restart");
		assertThat(session(Role.SUPPORT).get("/dashboard").body()).contains("id=\"nav-dashboard\"")
			.doesNotContain("id=\"nav-jobs\"");
	}

	@Test
	void servicesRefuseOnTheirOwnWithoutTheRightRole() {
		try {
			assertThatThrownBy(() -> dashboard.figures(null, null)).isInstanceOf(AuthenticationCredentialsNotFoundException.class);
			authenticateAs("someone", Role.FINANCE);
			assertThat(dashboard.figures(null, null)).isNotEmpty();
			assertThat(jobs.catalogue()).isNotEmpty();
			assertThatThrownBy(() -> jobs.runNow("stale-pending-report", "someone")).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> jobs.restart(1, "someone")).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> proposals.propose("keys-wx2", List.of(new KeyProposals.KeyChange(AccountKeyName.API_KEY, null, "x".repeat(32))),
					null, "pw", "someone"))
				.isInstanceOf(AccessDeniedException.class);
			authenticateAs("someone", Role.SUPPORT);
			assertThatThrownBy(() -> jobs.catalogue()).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> keys.replacements()).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> proposals.recent()).isInstanceOf(AccessDeniedException.class);
			authenticateAs("someone", Role.FINANCE);
			assertThatThrownBy(() -> proposals.approve(1, "pw", "someone")).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> proposals.reject(1, "no", "someone")).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> factors.reset(1, "someone")).isInstanceOf(AccessDeniedException.class);
			authenticateAs("someone", Role.ADMIN);
			// an admin acting in somebody else's name is refused too
			assertThatThrownBy(() -> jobs.runNow("stale-pending-report", "somebody-else"))
				.isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> proposals.propose("keys-wx2", List.of(new KeyProposals.KeyChange(AccountKeyName.API_KEY, null, "x".repeat(32))),
					null, "pw", "somebody-else"))
				.isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> proposals.approve(1, "pw", "somebody-else")).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> factors.reset(1, "somebody-else")).isInstanceOf(AccessDeniedException.class);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	private ConsoleSession session(Role role) {
		TestUser user = users.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}

	private static void authenticateAs(String login, Role... roles) {
		var authorities = java.util.Arrays.stream(roles).map(r -> new SimpleGrantedAuthority(r.authority())).toList();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(login, null, authorities));
	}
}
