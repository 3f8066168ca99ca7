package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.function.Predicate;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobParameterNames;
import com.payrecon.scheduling.JobRun;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Jobs pages over real HTTP, Quartz and the Spring Batch tables: the catalogue with Quartz's next fire time, run
 * now through Quartz, a failed run restarted from the console, both audited. The IT catalogue
 * (src/test/resources/batch-jobs-it) has no triggers; one is added here for the page to show and removed after.
 */
@PayReconIT
class JobsPagesIT {

	static final String JOB = "stale-pending-report";
	static final String GROUP = "payrecon-batch";

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	JobOperations operations;

	@Autowired
	Scheduler scheduler;

	@Autowired
	OrderService orders;

	@Autowired
	MutableClock clock;

	@Autowired
	DSLContext dsl;

	private String ghost;

	@AfterEach
	void cleanUp() {
		clock.reset();
		if (ghost != null) { // an order of an unknown account fails every later run of the report
			orders.transition("jobs-ghost", ghost, OrderStatus.CLOSED, Cause.api("test", "clean up"));
			ghost = null;
		}
	}

	@Test
	void theCatalogueIsListedWithQuartzsNextFireTime() throws Exception {
		TriggerKey key = TriggerKey.triggerKey("micropay-watchdog", GROUP);
		scheduler.scheduleJob(TriggerBuilder.newTrigger()
			.withIdentity(key)
			.forJob(JobKey.jobKey("micropay-watchdog", GROUP))
			.withSchedule(CronScheduleBuilder.cronSchedule("0 0 3 1 1 ? 2099")
				.inTimeZone(TimeZone.getTimeZone("Asia/Shanghai")))
			.build());
		try {
			String page = session(Role.FINANCE).get("/jobs").body();
			for (String job : new String[] { "daily-reconciliation", "micropay-watchdog", JOB, "stale-pending-sweep" }) {
				assertThat(page).contains("id=\"job-" + job + "\"");
			}
			String watchdog = section(page, "micropay-watchdog");
			assertThat(watchdog).contains("2099-01-01 03:00:00 Asia/Shanghai").contains("0/5 * * * * ?").contains("batch=100");
			assertThat(section(page, JOB)).contains("staleAfter=PT2H").contains("chunkSize=2");
			assertThat(page).as("finance looks, does not act").doesNotContain("run-now-");
		}
		finally {
			scheduler.unscheduleJob(key);
		}
	}

	@Test
	void anAdminRunsAJobNowAndSeesTheRunInItsHistory() {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/jobs");
		assertThat(session.get("/jobs").body()).contains("id=\"run-now-" + JOB + "\"");

		HttpResponse<String> posted = session.post("/jobs/" + JOB + "/run-now", Map.of());

		assertThat(posted.statusCode()).isEqualTo(302);
		assertThat(posted.headers().firstValue("Location").orElseThrow()).endsWith("/jobs/" + JOB);
		String request = requestOf(admin);
		JobRun run = await(r -> firedBy(r, request) && ended(r));
		assertThat(run.status()).isEqualTo("COMPLETED");

		String history = session.get("/jobs/" + JOB).body();
		assertThat(history).contains("Run of " + JOB + " requested (request " + request + ")");
		assertThat(ConsolePages.rowIds(history, "run")).contains(run.executionId());
		String detail = session.get("/jobs/runs/" + run.executionId()).body();
		assertThat(ConsolePages.text(detail, "run-status")).isEqualTo("COMPLETED");
		assertThat(detail).contains(JOB + ".count").contains("operator:" + request).doesNotContain("data-progress-url");
		String progress = session.get("/jobs/runs/" + run.executionId() + "/progress").body();
		assertThat(progress).contains("\"status\":\"COMPLETED\"").contains("\"running\":false").contains("\"percent\":100");
	}

	@Test
	void anAdminRestartsAFailedRunFromTheConsole() {
		clock.set(Instant.now().minus(Duration.ofHours(3)));
		ghost = TestData.outTradeNo();
		orders.create(new CreateOrder("jobs-ghost", ghost, Fen.of(100), "CNY", "jobs page test", null),
				Cause.api("test", "a stale order of an account that is not configured"));
		clock.reset();
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin).csrfFrom("/jobs");
		session.post("/jobs/" + JOB + "/run-now", Map.of());
		String request = requestOf(admin);
		JobRun failed = await(r -> firedBy(r, request) && ended(r));
		assertThat(failed.status()).isEqualTo("FAILED");
		String detail = session.get("/jobs/runs/" + failed.executionId()).body();
		assertThat(detail).contains("id=\"restart\"").contains("jobs-ghost");

		orders.transition("jobs-ghost", ghost, OrderStatus.CLOSED, Cause.api("test", "fixed"));
		ghost = null;
		HttpResponse<String> restart = session.post("/jobs/runs/" + failed.executionId() + "/restart", Map.of());

		assertThat(restart.statusCode()).isEqualTo(302);
		assertThat(restart.headers().firstValue("Location").orElseThrow()).endsWith("/jobs/" + JOB);
		JobRun restarted = await(r -> r.instanceId() == failed.instanceId() && r.executionId() > failed.executionId() && ended(r));
		assertThat(restarted.status()).isEqualTo("COMPLETED");
		assertThat(audited(admin, "JOB_RESTARTED", "SUCCESS")).isEqualTo(1);
		assertThat(ConsolePages.rowIds(session.get("/jobs/" + JOB).body(), "run")).contains(restarted.executionId(),
				failed.executionId());

		// a run that did not fail cannot be restarted; the refusal is audited
		HttpResponse<String> refused = session.post("/jobs/runs/" + restarted.executionId() + "/restart", Map.of());
		assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/jobs/runs/" + restarted.executionId());
		assertThat(session.get("/jobs/runs/" + restarted.executionId()).body())
			.contains("only a FAILED or STOPPED run can be restarted");
		assertThat(audited(admin, "JOB_RESTARTED", "FAILURE")).isEqualTo(1);
	}

	/** The request id of the admin's (only) run-now, from the audit log. */
	private String requestOf(TestUser admin) {
		return dsl.select(AUDIT_ENTRY.DETAILS)
			.from(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.ACTOR.eq(admin.login()), AUDIT_ENTRY.ACTION.eq("JOB_RUN_NOW"),
					AUDIT_ENTRY.TARGET.eq("job:" + JOB), AUDIT_ENTRY.OUTCOME.eq("SUCCESS"))
			.fetchOne(AUDIT_ENTRY.DETAILS)
			.replace("request ", "");
	}

	private static boolean firedBy(JobRun r, String request) {
		return ("operator:" + request).equals(r.parameter(JobParameterNames.FIRED_BY));
	}

	private long audited(TestUser user, String action, String outcome) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(user.login()), AUDIT_ENTRY.ACTION.eq(action),
				AUDIT_ENTRY.OUTCOME.eq(outcome));
	}

	private static boolean ended(JobRun r) {
		return !r.status().equals("STARTING") && !r.status().equals("STARTED");
	}

	private JobRun await(Predicate<JobRun> wanted) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			Optional<JobRun> run = operations.runs(JOB, 20).stream().filter(wanted).findFirst();
			if (run.isPresent()) {
				return run.get();
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
		throw new AssertionError("no such run of " + JOB + " within 30 s");
	}

	/** The part of the jobs page about one job. */
	private static String section(String page, String job) {
		int start = page.indexOf("id=\"job-" + job + "\"");
		int end = page.indexOf("</section>", start);
		return page.substring(start, end);
	}

	private ConsoleSession session(Role role) {
		TestUser user = users.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}
}
