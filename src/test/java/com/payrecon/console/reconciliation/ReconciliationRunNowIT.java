package com.payrecon.console.reconciliation;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.payrecon.checkout.FakeProviderEnvironment;
import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.jobs.DailyReconciliationView;
import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.RunStatus;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.reconcile.WechatBill;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;
import com.payrecon.security.Role;
import com.payrecon.support.JobRuns;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Run now of the daily reconciliation names the account-days the job will reconcile, read from the job's own rule
 * (the days due since issue 12: days without a conclusive run, a day whose bill failed, not a day already reconciled),
 * runs only once confirmed, and touches no sign-off; a run of the job shows the business days it reconciled and links
 * the reconciliation runs it produced (issue 16). Each test uses days or an account no other test reconciles, so the
 * suite's other runs do not change what it sees.
 */
@PayReconIT
class ReconciliationRunNowIT {

	static final String ACCOUNT = "wx2-fake"; // the it profile's catalogue reconciles this account only
	static final String OWN_ACCOUNT = "runnow-fake"; // reconciled by this class only
	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	DailyReconciliationView view;

	@Autowired
	MutableClock clock;

	@Autowired
	JobOperations jobs;

	@Autowired
	DSLContext dsl;

	final FakeServer fake = FakeProviderEnvironment.server();

	@AfterEach
	void realTime() {
		clock.reset();
		SecurityContextHolder.clearContext();
	}

	@Test
	void runNowListsTheDaysDueNotASignedOffDayAndRunsOnlyWhenConfirmed() {
		// three fresh days: the first reconciled and signed off, the second's bill failed, the third not run yet
		LocalDate signed = days.freshDay();
		LocalDate failed = signed.plusDays(1);
		LocalDate yesterday = signed.plusDays(2);
		clock.set(yesterday.plusDays(1).atTime(12, 0).atZone(SHANGHAI).toInstant());
		days.reconcile(ACCOUNT, signed, new WechatBill());
		TestUser clerk = users.create(Role.FINANCE);
		ConsoleSession finance = new ConsoleSession(port).loggedInAs(clerk).csrfFrom("/reconciliation/" + ACCOUNT + "/" + signed);
		assertThat(finance.post("/reconciliation/" + ACCOUNT + "/" + signed + "/sign-off", Map.of()).statusCode()).isEqualTo(302);
		RunSummary failedRun = reconciliation.reconcile(days.account(ACCOUNT), failed, reconciliation.options("test", false),
				() -> new BillDownload(false, "SYSTEMERROR", null, BillDownload.WECHAT_TEXT)).run();
		assertThat(failedRun.status()).isEqualTo(RunStatus.FAILED);

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);
		String page = session.get("/jobs/daily-reconciliation/run-now").body();
		assertThat(page).contains("id=\"run-now-" + ACCOUNT + "-" + yesterday + "\"")
			.contains("id=\"run-now-" + ACCOUNT + "-" + failed + "\"")
			.doesNotContain("id=\"run-now-" + ACCOUNT + "-" + signed + "\"");
		assertThat(ReconciliationPagesIT.text(page, "last-run-" + ACCOUNT + "-" + yesterday)).isEqualTo("not reconciled yet");
		assertThat(ReconciliationPagesIT.text(page, "last-run-" + ACCOUNT + "-" + failed)).contains("FAILED")
			.contains("SYSTEMERROR");
		assertThat(ReconciliationPagesIT.text(page, "run-now-no-sign-off")).contains("clears no sign-off");
		assertThat(page).doesNotContain("id=\"run-now-warning\"").doesNotContain("signed-off-");
		// the list's button leads to this page; a POST without the confirmation comes back to it and runs nothing
		assertThat(ReconciliationPagesIT.href(session.get("/jobs").body(), "run-now-daily-reconciliation"))
			.isEqualTo("/jobs/daily-reconciliation/run-now");
		HttpResponse<String> unconfirmed = session.post("/jobs/daily-reconciliation/run-now", Map.of());
		assertThat(unconfirmed.headers().firstValue("Location").orElseThrow()).endsWith("/jobs/daily-reconciliation/run-now");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("JOB_RUN_NOW"))).isZero();
	}

	@Test
	void aRunReconcilesTheDaysThePreviewNamedAndItsPageLinksTheirRuns() {
		fake.on("/fake/wechatpay/pay/downloadbill", r -> Response.of(200,
				"<xml><return_code>FAIL</return_code><return_msg>No Bill Exist</return_msg><error_code>20002</error_code></xml>"));
		Map<String, String> own = Map.of("accounts", OWN_ACCOUNT);
		authenticateAs("admin-preview", Role.ADMIN);
		List<DailyReconciliationView.AccountDay> announced = view.runNow(own);
		assertThat(announced).isNotEmpty().allSatisfy(d -> assertThat(d.accountId()).isEqualTo(OWN_ACCOUNT));

		JobRun run = JobRuns.runNowAndWait(jobs, "daily-reconciliation", own);
		assertThat(run.status()).as(run.exitMessage()).isEqualTo("COMPLETED");
		String page = new ConsoleSession(port).loggedInAs(users.create(Role.FINANCE)).get("/jobs/runs/" + run.executionId()).body();
		for (DailyReconciliationView.AccountDay day : announced) {
			RunSummary produced = reconciliation.currentRun(OWN_ACCOUNT, day.day()).orElseThrow();
			assertThat(produced.triggeredBy()).startsWith("job:daily-reconciliation#" + run.executionId());
			assertThat(page).contains("href=\"/reconciliation/" + OWN_ACCOUNT + "/" + day.day() + "?run=" + produced.id() + "\"");
		}
		assertThat(ReconciliationPagesIT.text(page, "reconciled")).contains(announced.get(0).day().toString());
		// reconciled: nothing is due any more, and the preview says so
		assertThat(view.runNow(own)).isEmpty();
	}

	private static void authenticateAs(String login, Role... roles) {
		var authorities = java.util.Arrays.stream(roles).map(r -> new SimpleGrantedAuthority(r.authority())).toList();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(login, null, authorities));
	}
}
