package com.payrecon.scheduling;

import static com.payrecon.db.Tables.MICROPAY_ATTEMPT;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Channel;
import com.payrecon.checkout.MicropayAttempts;
import com.payrecon.notify.RawNotificationRepository;
import com.payrecon.notify.RawRequest;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.support.JobRuns;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 12 §4: the jobs that fire every few seconds create Spring Batch job instances only when they have work, so
 * that the Batch tables grow with work done, not with time; and Quartz keeps no history of its firings.
 */
@PayReconIT
class JobWorkIT {

	static final int FIRINGS = 10;

	@Autowired
	BatchRuns runs;

	@Autowired
	JobOperations jobs;

	@Autowired
	DSLContext dsl;

	@Autowired
	MicropayAttempts attempts;

	@Autowired
	OrderService orders;

	@Autowired
	MutableClock clock;

	@Autowired
	RawNotificationRepository rawLog;

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void watchdogFiringsWithNothingToAdoptCreateNoJobInstances() {
		// the precondition "nothing to adopt": attempts that earlier tests left behind, past their deadline, are done
		dsl.update(MICROPAY_ATTEMPT)
			.set(MICROPAY_ATTEMPT.STATE, "DONE")
			.set(MICROPAY_ATTEMPT.OUTCOME, "left by an earlier test; settled by JobWorkIT")
			.where(MICROPAY_ATTEMPT.STATE.eq("POLLING"), MICROPAY_ATTEMPT.DEADLINE_AT.lt(Instant.now()))
			.execute();
		int before = instances("micropay-watchdog");

		for (int i = 0; i < FIRINGS; i++) {
			assertThat(runs.start("micropay-watchdog", Instant.now(), "quartz:test", false)).isEqualTo(BatchRuns.Outcome.NO_WORK);
		}
		assertThat(instances("micropay-watchdog")).as("job instances after %d idle firings", FIRINGS).isEqualTo(before);

		PaymentOrder order = pending("probe-fake", Instant.now());
		Instant started = Instant.now().minusSeconds(40);
		attempts.start(order, "job-work-it", started, started.plusSeconds(35)); // its poller died 40 s ago
		assertThat(runs.start("micropay-watchdog", Instant.now(), "quartz:test", false)).isEqualTo(BatchRuns.Outcome.RAN);
		assertThat(instances("micropay-watchdog")).isEqualTo(before + 1);
	}

	@Test
	void sweepFiringsWithNoOrderDueCreateNoJobInstancesAndAnOperatorsRunAlwaysRuns() {
		int before = instances("stale-pending-sweep");
		Map<String, String> quiet = Map.of("accounts", "probe-fake");

		for (int i = 0; i < FIRINGS; i++) {
			assertThat(runs.start("stale-pending-sweep", Instant.now(), "quartz:test", null, quiet, false))
				.isEqualTo(BatchRuns.Outcome.NO_WORK);
		}
		assertThat(instances("stale-pending-sweep")).isEqualTo(before);

		JobRun asked = JobRuns.runNowAndWait(jobs, "stale-pending-sweep", quiet);
		assertThat(asked.status()).isEqualTo("COMPLETED");
		assertThat(instances("stale-pending-sweep")).as("run now is the operator's choice").isEqualTo(before + 1);

		clock.set(Instant.now().minus(Duration.ofMinutes(10)));
		pending("probe-fake", Instant.now().plus(Duration.ofHours(1))); // stale: created ten minutes ago
		clock.reset();
		assertThat(runs.start("stale-pending-sweep", Instant.now(), "quartz:test", null, quiet, false))
			.isEqualTo(BatchRuns.Outcome.RAN);
		assertThat(instances("stale-pending-sweep")).isEqualTo(before + 2);
	}

	@Test
	void aStoredNotificationLeftUndecidedIsWorkForTheSweepEvenWithNoOrderDue() {
		Map<String, String> quiet = Map.of("accounts", "probe-fake");
		assertThat(runs.start("stale-pending-sweep", Instant.now(), "quartz:test", null, quiet, false))
			.isEqualTo(BatchRuns.Outcome.NO_WORK);
		byte[] body = "<xml><return_code>SUCCESS</return_code></xml>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		long rawId = rawLog.insert(new RawRequest(Instant.now().minus(Duration.ofMinutes(3)), Channel.WECHATPAY_V2,
				RawRequest.NOTIFY, "probe-fake", "POST", "/notify/wechatpay-v2/probe-fake", null, "127.0.0.1", "text/xml",
				Map.of("content-type", List.of("text/xml")), body, body.length, false, "0".repeat(64)));

		assertThat(runs.start("stale-pending-sweep", Instant.now(), "quartz:test", null, quiet, false))
			.isEqualTo(BatchRuns.Outcome.RAN);
		assertThat(dsl.select(RAW_NOTIFICATION.VERDICT).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(rawId))
			.fetchOne(RAW_NOTIFICATION.VERDICT)).as("decided by the run").isNotNull();
		assertThat(runs.start("stale-pending-sweep", Instant.now(), "quartz:test", null, quiet, false))
			.isEqualTo(BatchRuns.Outcome.NO_WORK);
	}

	@Test
	void quartzKeepsNoHistoryOfItsFirings() {
		int triggers = dsl.fetchCount(DSL.table("QRTZ_TRIGGERS"));
		int fired = dsl.fetchCount(DSL.table("QRTZ_FIRED_TRIGGERS"));

		for (int i = 0; i < 3; i++) {
			JobRuns.runNowAndWait(jobs, "stale-pending-sweep", Map.of("accounts", "probe-fake"));
		}

		assertThat(dsl.fetchCount(DSL.table("QRTZ_TRIGGERS"))).isEqualTo(triggers);
		assertThat(dsl.fetchCount(DSL.table("QRTZ_FIRED_TRIGGERS"))).isEqualTo(fired);
	}

	private PaymentOrder pending(String account, Instant expiresAt) {
		return orders.create(new CreateOrder(account, TestData.outTradeNo(), Fen.of(100), "CNY", "job work", expiresAt),
				Cause.api("test", "set-up")).order();
	}

	private int instances(String job) {
		return dsl.fetchCount(DSL.table("BATCH_JOB_INSTANCE"), DSL.field("JOB_NAME").eq(job));
	}
}
