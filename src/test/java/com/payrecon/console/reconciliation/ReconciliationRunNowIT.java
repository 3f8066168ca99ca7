package com.payrecon.console.reconciliation;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
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

/**
 * Run now of the daily reconciliation names the account-days it will reconcile again and warns about sign-offs it
 * may clear, and runs only once confirmed; a run of the job shows the business days it reconciled and links the
 * reconciliation runs it produced (issue 16). The it profile's catalogue reconciles account wx2-fake only.
 */
@PayReconIT
class ReconciliationRunNowIT {

	static final String ACCOUNT = "wx2-fake";
	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	MutableClock clock;

	@Autowired
	JobOperations jobs;

	@Autowired
	DSLContext dsl;

	@AfterEach
	void realTime() {
		clock.reset();
	}

	@Test
	void runNowNamesTheDaysWarnsAboutSignOffsAndRunsOnlyWhenConfirmed() {
		LocalDate day = days.freshDay();
		clock.set(day.plusDays(1).atTime(12, 0).atZone(SHANGHAI).toInstant());
		days.reconcile(ACCOUNT, day, new WechatBill());
		TestUser clerk = users.create(Role.FINANCE);
		ConsoleSession finance = new ConsoleSession(port).loggedInAs(clerk).csrfFrom("/reconciliation/" + ACCOUNT + "/" + day);
		assertThat(finance.post("/reconciliation/" + ACCOUNT + "/" + day + "/sign-off", Map.of()).statusCode()).isEqualTo(302);

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);
		String page = session.get("/jobs/daily-reconciliation/run-now").body();
		assertThat(ReconciliationPagesIT.text(page, "run-now-" + ACCOUNT)).contains(day.toString());
		assertThat(ReconciliationPagesIT.text(page, "signed-off-" + ACCOUNT)).contains(clerk.login());
		assertThat(ReconciliationPagesIT.text(page, "run-now-warning")).contains("sign-off is cleared");
		// the list's button leads to this page; a POST without the confirmation comes back to it and runs nothing
		assertThat(ReconciliationPagesIT.href(session.get("/jobs").body(), "run-now-daily-reconciliation"))
			.isEqualTo("/jobs/daily-reconciliation/run-now");
		HttpResponse<String> unconfirmed = session.post("/jobs/daily-reconciliation/run-now", Map.of());
		assertThat(unconfirmed.headers().firstValue("Location").orElseThrow()).endsWith("/jobs/daily-reconciliation/run-now");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("JOB_RUN_NOW"))).isZero();
	}

	@Test
	void aRunOfTheJobShowsTheBusinessDayItReconciledAndLinksItsRuns() {
		JobRun run = JobRuns.runNowAndWait(jobs, "daily-reconciliation", java.time.Duration.ofSeconds(60));
		LocalDate yesterday = LocalDate.ofInstant(java.time.Instant.parse(run.parameter("fireTime")), SHANGHAI).minusDays(1);
		String page = new ConsoleSession(port).loggedInAs(users.create(Role.FINANCE)).get("/jobs/runs/" + run.executionId()).body();
		assertThat(ReconciliationPagesIT.text(page, "reconciled-" + ACCOUNT)).contains(yesterday.toString());
		assertThat(page).containsPattern("href=\"/reconciliation/" + ACCOUNT + "/" + yesterday + "\\?run=\\d+\"");
	}
}
