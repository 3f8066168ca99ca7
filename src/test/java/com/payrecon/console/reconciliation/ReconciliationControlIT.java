package com.payrecon.console.reconciliation;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.FINANCE_NOTICE;
import static com.payrecon.db.Tables.RECONCILIATION_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.reconcile.Discrepancies;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.RunStatus;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.security.Role;
import com.payrecon.support.Await;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 12 §3 over real HTTP: finance dry-runs a chosen account and day and sees the result with nothing written;
 * a re-run of a signed-off day says so before it runs (refused until confirmed) and tells finance afterwards (a
 * notice, in the reader's language); FINANCE proposes, a different ADMIN runs or rejects; every step is audited.
 * The days are {@link ReconDays}' (account recon-console, reconciled from a fixture); the provider sandbox has no bill
 * for them, so a real re-run ends NO_BILL: a changed result.
 */
@PayReconIT
class ReconciliationControlIT {

	static final String ACCOUNT = ReconDays.ACCOUNT;

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	Discrepancies discrepancies;

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	DSLContext dsl;

	@Test
	void aSignedOffDayIsDryRunThenReRunOnlyWhenConfirmedAndFinanceIsToldWhatChanged() {
		Planted p = days.oneMissing();
		String dayPath = "/reconciliation/" + ACCOUNT + "/" + p.day();
		TestUser financeUser = users.create(Role.FINANCE);
		ConsoleSession finance = login(financeUser).csrfFrom(dayPath);
		discrepancies.resolve(p.id(DiscrepancyType.MISSING_AT_PROVIDER), "refunded offline", financeUser.login());
		assertThat(finance.post(dayPath + "/sign-off", Map.of()).statusCode()).isEqualTo(302);
		RunSummary signed = reconciliation.currentRun(ACCOUNT, p.day()).orElseThrow();
		int runsBefore = reconciliation.runs(ACCOUNT, p.day()).size();

		// the day page warns before anything runs
		String page = finance.get(dayPath).body();
		assertThat(page).contains("id=\"rerun-warning\"").contains("signed off by " + financeUser.login());

		// a dry run: started by finance, shown when done, nothing written
		HttpResponse<String> started = finance.post(dayPath + "/dry-run", Map.of());
		assertThat(started.statusCode()).isEqualTo(302);
		String resultPath = started.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", "");
		assertThat(resultPath).startsWith("/reconciliation/dry-runs/");
		String result = awaitPage(finance, resultPath, "id=\"dry-run-result\"");
		assertThat(result).contains("id=\"dry-status\"").contains(RunStatus.NO_BILL.name())
			.contains("id=\"would-change\"").contains("status UNBALANCED → NO_BILL")
			.contains("Nothing was written");
		assertThat(reconciliation.runs(ACCOUNT, p.day())).hasSize(runsBefore);

		// finance may not run; an admin's run of the signed-off day is refused until confirmed
		assertThat(finance.post(dayPath + "/run", Map.of()).statusCode()).isEqualTo(403);
		ConsoleSession admin = session(Role.ADMIN).csrfFrom(dayPath);
		assertThat(act(admin, dayPath + "/run", Map.of(), dayPath)).startsWith("error:").contains("signed off by " + financeUser.login());
		assertThat(reconciliation.runs(ACCOUNT, p.day())).hasSize(runsBefore);

		// finance proposes, the admin approves with the warning confirmed: the run starts
		assertThat(act(finance, dayPath + "/requests", Map.of("reason", "the bank says the order was refunded"), dayPath))
			.startsWith("message:");
		long request = dsl.select(RECONCILIATION_REQUEST.ID).from(RECONCILIATION_REQUEST)
			.where(RECONCILIATION_REQUEST.ACCOUNT_ID.eq(ACCOUNT), RECONCILIATION_REQUEST.BUSINESS_DATE.eq(p.day()))
			.fetchSingle(RECONCILIATION_REQUEST.ID);
		assertThat(act(admin, "/reconciliation/requests/" + request + "/approve", Map.of(), dayPath)).startsWith("error:");
		assertThat(act(admin, "/reconciliation/requests/" + request + "/approve", Map.of("confirm", "true"), dayPath))
			.startsWith("message:");
		RunSummary rerun = awaitCurrentRunOtherThan(signed.id(), p);
		assertThat(rerun.status()).isEqualTo(RunStatus.NO_BILL);
		assertThat(rerun.triggeredBy()).contains("proposed by " + financeUser.login());

		// afterwards (once the finished run is announced) finance is told, in its language, until it marks it read
		long notice = awaitNotice(p);
		String list = finance.get("/reconciliation").body();
		assertThat(list).contains("id=\"notice-" + notice + "\"").contains("the sign-off by " + financeUser.login())
			.contains("status UNBALANCED → NO_BILL");
		assertThat(finance.get("/reconciliation", Map.of("Accept-Language", "zh-CN")).body()).contains("签核")
			.contains("状态 不平 → 无账单");
		assertThat(finance.post("/reconciliation/notices/" + notice + "/read", Map.of()).statusCode()).isEqualTo(302);
		assertThat(finance.get("/reconciliation").body()).doesNotContain("id=\"notice-" + notice + "\"");

		String target = "reconciliation:" + ACCOUNT + "/" + p.day();
		assertThat(dsl.select(AUDIT_ENTRY.ACTION, AUDIT_ENTRY.OUTCOME).from(AUDIT_ENTRY).where(AUDIT_ENTRY.TARGET.eq(target))
			.orderBy(AUDIT_ENTRY.ID).fetch().map(r -> r.value1() + " " + r.value2()))
			.containsSubsequence("DAY_SIGNED_OFF SUCCESS", "RECONCILIATION_DRY_RUN SUCCESS", "RECONCILIATION_RUN FAILURE",
					"RECONCILIATION_RUN_PROPOSED SUCCESS", "RECONCILIATION_RUN_APPROVED FAILURE",
					"RECONCILIATION_RUN_APPROVED SUCCESS", "DAY_SIGN_OFF_CLEARED SUCCESS", "FINANCE_NOTICE_READ SUCCESS");
	}

	@Test
	void nobodyApprovesTheirOwnProposalAndAnAdminRunsADayWithoutOneAtOnce() {
		Planted p = days.oneMissing();
		String dayPath = "/reconciliation/" + ACCOUNT + "/" + p.day();
		ConsoleSession both = login(users.create(Role.FINANCE, Role.ADMIN)).csrfFrom(dayPath);
		assertThat(act(both, dayPath + "/requests", Map.of("reason", "re-check"), dayPath)).startsWith("message:");
		assertThat(act(both, dayPath + "/requests", Map.of("reason", "again"), dayPath)).startsWith("error:");
		long request = dsl.select(RECONCILIATION_REQUEST.ID).from(RECONCILIATION_REQUEST)
			.where(RECONCILIATION_REQUEST.ACCOUNT_ID.eq(ACCOUNT), RECONCILIATION_REQUEST.BUSINESS_DATE.eq(p.day()))
			.fetchSingle(RECONCILIATION_REQUEST.ID);
		assertThat(act(both, "/reconciliation/requests/" + request + "/approve", Map.of(), dayPath))
			.startsWith("error:").contains("a different admin must decide it");
		ConsoleSession admin = session(Role.ADMIN).csrfFrom(dayPath);
		assertThat(act(admin, "/reconciliation/requests/" + request + "/reject", Map.of("note", "not needed"), dayPath))
			.startsWith("message:");

		// a day that is not signed off: the admin runs it at once
		assertThat(act(admin, dayPath + "/run", Map.of(), dayPath)).startsWith("message:");
		assertThat(awaitCurrentRunOtherThan(p.result().run().id(), p).status()).isEqualTo(RunStatus.NO_BILL);
		// support sees no run controls and may not use them
		ConsoleSession support = session(Role.SUPPORT).csrfFrom("/orders");
		assertThat(support.post(dayPath + "/dry-run", Map.of()).statusCode()).isEqualTo(403);
	}

	String awaitPage(ConsoleSession session, String path, String marker) {
		return Await.until(Duration.ofSeconds(60), () -> Optional.of(session.get(path).body()).filter(b -> b.contains(marker)));
	}

	long awaitNotice(Planted p) {
		return Await.until(Duration.ofSeconds(30), () -> dsl.select(FINANCE_NOTICE.ID).from(FINANCE_NOTICE)
			.where(FINANCE_NOTICE.ACCOUNT_ID.eq(ACCOUNT), FINANCE_NOTICE.BUSINESS_DATE.eq(p.day()))
			.fetchOptional(FINANCE_NOTICE.ID));
	}

	RunSummary awaitCurrentRunOtherThan(long runId, Planted p) {
		return Await.until(Duration.ofSeconds(60),
				() -> reconciliation.currentRun(ACCOUNT, p.day()).filter(r -> r.id() != runId));
	}

	ConsoleSession session(Role role) {
		return login(users.create(role));
	}

	ConsoleSession login(TestUser user) {
		return new ConsoleSession(port).loggedInAs(user);
	}

	static String act(ConsoleSession session, String path, Map<String, String> form, String dayPath) {
		HttpResponse<String> response = session.post(path, form);
		assertThat(response.statusCode()).as(path).isEqualTo(302);
		assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith(dayPath);
		return ReconciliationPagesIT.flash(session.get(dayPath).body());
	}

}
