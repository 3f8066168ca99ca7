package com.payrecon.notify;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Channel;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.PaymentOrder;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;
import com.payrecon.support.JobRuns;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * "Nothing is lost" when the provider stops retrying: a notification stored by a process that died before deciding
 * on it (or whose database went away in between), or answered with our own failure (ERROR), is run again by the
 * stale-pending sweep's first step once it is older than {@code staleAfter}, without anyone pressing Re-process. The
 * chaos run found the case: a refund made in the provider's platform, its notification stored at the moment
 * PayRecon was killed, the provider's retries spent while it was down; no query can find a refund PayRecon never
 * heard of, so it stayed unknown until the day's bill.
 */
class StrandedNotificationsIT extends NotifyTestSupport {

	/** probe-fake (JobWorkIT's account: no order unless a test makes one), WeChat Pay v2, HMAC-SHA256. */
	static final String ACCOUNT = "probe-fake";
	static final String KEY = "192006250b4c09247ec02edce69f6a2d";

	@Autowired
	RawNotificationRepository rawLog;

	@Autowired
	NotificationReprocessor reprocessor;

	@Autowired
	JobOperations jobs;

	@Test
	void storedButUndecidedOrFailedNotificationsAreDecidedByTheNextSweepAndYoungOnesAreLeftToTheirRequest() {
		Instant now = Instant.now();
		PaymentOrder crashed = pendingOrder(ACCOUNT, TestData.outTradeNo(), 1234);
		PaymentOrder failed = pendingOrder(ACCOUNT, TestData.outTradeNo(), 5678);
		PaymentOrder young = pendingOrder(ACCOUNT, TestData.outTradeNo(), 910);
		long crashedRaw = store(crashed, now.minus(Duration.ofMinutes(3)));
		long failedRaw = store(failed, now.minus(Duration.ofMinutes(3)));
		dsl.update(RAW_NOTIFICATION) // answered "retry later" when our database failed mid-transaction
			.set(RAW_NOTIFICATION.VERDICT, Verdict.ERROR.name())
			.set(RAW_NOTIFICATION.PROCESS_COUNT, 1)
			.where(RAW_NOTIFICATION.ID.eq(failedRaw))
			.execute();
		long youngRaw = store(young, now.minus(Duration.ofSeconds(30))); // its request may still be deciding

		JobRun run = JobRuns.runNowAndWait(jobs, "stale-pending-sweep", Map.of("accounts", ACCOUNT));

		assertThat(run.status()).isEqualTo("COMPLETED");
		for (var c : List.of(Map.entry(crashed, crashedRaw), Map.entry(failed, failedRaw))) {
			PaymentOrder order = c.getKey();
			assertThat(statusOf(ACCOUNT, order.outTradeNo())).as(order.outTradeNo()).isEqualTo("PAID");
			assertThat(paidTransitions(order)).isEqualTo(1);
			OrderEvent paid = events(order).get(1);
			assertThat(paid.rawNotificationId()).as("applied from its stored notification, not by a query").isEqualTo(c.getValue());
			assertThat(verdict(c.getValue())).isEqualTo(Verdict.APPLIED.name());
		}
		assertThat(verdict(youngRaw)).isNull();
		assertThat(statusOf(ACCOUNT, young.outTradeNo())).isEqualTo("PENDING");
		JobRun.StepRun step = run.step("stale-pending-sweep.stranded");
		assertThat(step.readCount()).as("notifications run again").isEqualTo(2);
		assertThat(step.writeCount()).as("decided (not ERROR again)").isEqualTo(2);

		// a second run finds nothing left to decide and changes nothing
		JobRuns.runNowAndWait(jobs, "stale-pending-sweep", Map.of("accounts", ACCOUNT));
		assertThat(paidTransitions(crashed)).isEqualTo(1);
		assertThat(paidTransitions(failed)).isEqualTo(1);

		// leave probe-fake as JobWorkIT expects it: nothing stranded, nothing pending
		assertThat(reprocessor.reprocess(youngRaw, "test").orElseThrow().verdict()).isEqualTo(Verdict.APPLIED);
	}

	@Test
	void aRowOlderThanTheHorizonIsLeftToAPerson() {
		PaymentOrder order = pendingOrder(ACCOUNT, TestData.outTradeNo(), 2468);
		long rawId = store(order, Instant.now().minus(StrandedNotifications.HORIZON).minus(Duration.ofMinutes(1)));

		JobRuns.runNowAndWait(jobs, "stale-pending-sweep", Map.of("accounts", ACCOUNT));

		assertThat(verdict(rawId)).isNull();
		assertThat(reprocessor.reprocess(rawId, "test").orElseThrow().verdict()).isEqualTo(Verdict.APPLIED);
	}

	@Test
	void aNotificationThatKeepsFailingIsRunAgainOnlyUntilItsTriesAreSpent() {
		PaymentOrder order = pendingOrder(ACCOUNT, TestData.outTradeNo(), 4321);
		long rawId = store(order, Instant.now().minus(Duration.ofMinutes(3)));
		dsl.update(RAW_NOTIFICATION)
			.set(RAW_NOTIFICATION.VERDICT, Verdict.ERROR.name())
			.set(RAW_NOTIFICATION.PROCESS_COUNT, StrandedNotifications.MAX_TRIES)
			.where(RAW_NOTIFICATION.ID.eq(rawId))
			.execute();

		JobRuns.runNowAndWait(jobs, "stale-pending-sweep", Map.of("accounts", ACCOUNT));

		assertThat(verdict(rawId)).as("left for a person: console, Notifications, verdict ERROR").isEqualTo("ERROR");
		assertThat(statusOf(ACCOUNT, order.outTradeNo())).isEqualTo("PENDING");
		assertThat(reprocessor.reprocess(rawId, "test").orElseThrow().verdict()).isEqualTo(Verdict.APPLIED);
	}

	/** What NotificationIntake commits before parsing a genuine v2 payment notification; the process then dies. */
	private long store(PaymentOrder order, Instant received) {
		Map<String, String> fields = Notifications.v2Fields(order.outTradeNo(), order.amount().value(), TestData.transactionId());
		fields.put("mch_id", "10000102");
		byte[] body = Notifications.v2Xml(fields, KEY, WechatSignType.HMAC_SHA256).getBytes(StandardCharsets.UTF_8);
		Map<String, List<String>> headers = new LinkedHashMap<>();
		headers.put("content-type", List.of("text/xml"));
		return rawLog.insert(new RawRequest(received, Channel.WECHATPAY_V2, RawRequest.NOTIFY, ACCOUNT, "POST",
				"/notify/wechatpay-v2/" + ACCOUNT, null, "127.0.0.1", "text/xml", headers, body, body.length, false,
				HexFormat.of().formatHex(new byte[32])));
	}

	private String verdict(long rawId) {
		return dsl.select(RAW_NOTIFICATION.VERDICT).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(rawId))
			.fetchOne(RAW_NOTIFICATION.VERDICT);
	}
}
