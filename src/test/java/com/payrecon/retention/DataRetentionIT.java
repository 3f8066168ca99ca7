package com.payrecon.retention;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.BILL_ARCHIVE;
import static com.payrecon.db.Tables.BILL_ARCHIVE_CHUNK;
import static com.payrecon.db.Tables.PROVIDER_QUERY;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.RAW_NOTIFICATION_ARCHIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.payrecon.account.AccountRegistry;
import com.payrecon.notify.RawNotificationArchive;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;
import com.payrecon.support.JobRuns;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 12 §4: the data-retention job removes what is past its period, in small chunks, keeps the evidence a finance
 * audit needs (signed provider answers, raw notifications and bills for at least five years; notifications moved into
 * compressed archives with a hash manifest, read back intact), and never touches the audit log. Old rows are planted
 * years back; the other tests' rows are all recent and stay.
 */
@PayReconIT
class DataRetentionIT {

	@Autowired
	JobOperations jobs;

	@Autowired
	DSLContext dsl;

	@Autowired
	OrderService orders;

	@Autowired
	RawNotificationArchive archives;

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	AccountRegistry accounts;

	@Test
	void oldRowsGoInSmallChunksEvidenceIsKeptOrArchivedAndTheAuditLogStays() throws Exception {
		Instant now = Instant.now();
		PaymentOrder order = orders.create(new CreateOrder("wx2-md5", TestData.outTradeNo(), Fen.of(100), "CNY",
				"retention", null), Cause.api("test", "set-up")).order();
		long indefiniteOld = query(order, now.minus(Duration.ofDays(100)), "ERROR");
		long notPaidOld = query(order, now.minus(Duration.ofDays(100)), "NOT_PAID");
		long paidOld = query(order, now.minus(Duration.ofDays(100)), "PAID");
		long indefiniteRecent = query(order, now.minus(Duration.ofDays(10)), "ERROR");
		long paidAncient = query(order, now.minus(Duration.ofDays(6 * 366)), "PAID");
		List<Long> hot = new ArrayList<>();
		List<Long> old = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			old.add(notification(now.minus(Duration.ofDays(500 + i)), "old body " + i));
		}
		List<Long> ancient = List.of(notification(now.minus(Duration.ofDays(11 * 366)), "ancient body"));
		hot.add(notification(now.minus(Duration.ofDays(30)), "hot body"));
		long staleJob = staleBatchRun(now.minus(Duration.ofDays(120)));
		RunSummary billed = oldBill(now.minus(Duration.ofDays(11 * 366)));
		int audit = dsl.fetchCount(AUDIT_ENTRY);
		int archivesBefore = dsl.fetchCount(RAW_NOTIFICATION_ARCHIVE);

		JobRun run = JobRuns.runNowAndWait(jobs, "data-retention");

		assertThat(run.status()).as(run.exitMessage()).isEqualTo("COMPLETED");
		assertThat(ids(PROVIDER_QUERY, PROVIDER_QUERY.ID, List.of(indefiniteOld, notPaidOld, paidOld, indefiniteRecent, paidAncient)))
			.as("indefinite answers after 90 days, everything after 5 years; a signed PAID answer is evidence")
			.containsExactlyInAnyOrder(paidOld, indefiniteRecent);
		assertThat(ids(RAW_NOTIFICATION, RAW_NOTIFICATION.ID, concat(old, ancient, hot))).containsExactlyElementsOf(hot);
		assertThat(dsl.fetchCount(RAW_NOTIFICATION_ARCHIVE)).as("one archive of the eight, oldest first")
			.isEqualTo(archivesBefore + 1);
		assertThat(dsl.fetchCount(DSL.table("BATCH_JOB_INSTANCE"), DSL.field("JOB_INSTANCE_ID").eq(staleJob))).isZero();
		assertThat(dsl.fetchCount(BILL_ARCHIVE, BILL_ARCHIVE.ID.eq(billed.billArchiveId()))).isZero();
		assertThat(dsl.fetchCount(BILL_ARCHIVE_CHUNK, BILL_ARCHIVE_CHUNK.ARCHIVE_ID.eq(billed.billArchiveId()))).isZero();
		assertThat(reconciliation.run(billed.id()).orElseThrow().archiveSha256()).as("the run keeps the bill's hash")
			.isEqualTo(billed.archiveSha256());
		assertThat(dsl.fetchCount(AUDIT_ENTRY)).as("the audit log is never purged").isEqualTo(audit);
		assertThat(run.step("data-retention.provider-queries").writeCount()).isEqualTo(3);
		assertThat(run.step("data-retention.raw-notifications").writeCount()).isGreaterThanOrEqualTo(8);

		// the archive gives every notification back, byte for byte, and checks itself
		long archiveId = dsl.select(DSL.max(RAW_NOTIFICATION_ARCHIVE.ID)).from(RAW_NOTIFICATION_ARCHIVE).fetchOne(0, Long.class);
		List<Map<String, Object>> rows = archives.read(archiveId);
		assertThat(rows).extracting(r -> ((Number) r.get("id")).longValue()).containsExactlyInAnyOrderElementsOf(concat(old, ancient));
		assertThat(rows).extracting(r -> new String(Base64.getDecoder().decode((String) r.get("body")), StandardCharsets.UTF_8))
			.contains("old body 0", "old body 6");
		Path dir = Files.createTempDirectory("raw-archive");
		List<Path> files = archives.export(archiveId, dir);
		String manifest = Files.readString(files.get(1));
		byte[] jsonl;
		try (var in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(files.get(0))))) {
			jsonl = in.readAllBytes();
		}
		assertThat(manifest).contains("sha256(jsonl) " + HexFormat.of().formatHex(java.security.MessageDigest
			.getInstance("SHA-256").digest(jsonl)));
		assertThat(manifest.lines().filter(l -> Character.isDigit(l.charAt(0)))).hasSize(old.size() + ancient.size());

		// an archive goes when its newest notification is older than `notifications` (10 years), not before
		JobRuns.runNowAndWait(jobs, "data-retention");
		assertThat(dsl.fetchCount(RAW_NOTIFICATION_ARCHIVE, RAW_NOTIFICATION_ARCHIVE.ID.eq(archiveId))).isOne();
		dsl.update(RAW_NOTIFICATION_ARCHIVE)
			.set(RAW_NOTIFICATION_ARCHIVE.LAST_RECEIVED_AT, now.minus(Duration.ofDays(10 * 366)))
			.where(RAW_NOTIFICATION_ARCHIVE.ID.eq(archiveId))
			.execute();
		JobRuns.runNowAndWait(jobs, "data-retention");
		assertThat(dsl.fetchCount(RAW_NOTIFICATION_ARCHIVE, RAW_NOTIFICATION_ARCHIVE.ID.eq(archiveId))).isZero();

	}

	@Test
	void aChangedArchiveIsRefused() {
		long id = notification(Instant.now().minus(Duration.ofDays(450)), "to be changed");
		long archiveId = archives.archiveNext(Instant.now().minus(Duration.ofDays(400))).orElseThrow().id();
		while (archives.deleteArchived(100) > 0) {
			// the rows of the archive go
		}
		assertThat(dsl.fetchCount(RAW_NOTIFICATION, RAW_NOTIFICATION.ID.eq(id))).isZero();
		assertThat(archives.read(archiveId)).isNotEmpty();
		dsl.update(RAW_NOTIFICATION_ARCHIVE)
			.set(RAW_NOTIFICATION_ARCHIVE.CONTENT_SHA256, "0".repeat(64))
			.where(RAW_NOTIFICATION_ARCHIVE.ID.eq(archiveId))
			.execute();
		assertThatThrownBy(() -> archives.read(archiveId)).isInstanceOf(RawNotificationArchive.TamperedArchive.class)
			.hasMessageContaining("content SHA-256");
	}

	@Test
	void aFinanceAuditFloorRefusesShorterEvidencePeriods() {
		assertThatThrownBy(() -> DataRetentionParameters.of(new org.springframework.batch.core.job.parameters.JobParametersBuilder()
			.addString("bills", "P4Y").toJobParameters())).hasMessageContaining("bills: evidence is kept at least P5Y");
		assertThatThrownBy(() -> DataRetentionParameters.of(new org.springframework.batch.core.job.parameters.JobParametersBuilder()
			.addString("notifications", "P3Y").toJobParameters())).hasMessageContaining("notifications");
	}

	private long query(PaymentOrder order, Instant askedAt, String status) {
		return dsl.insertInto(PROVIDER_QUERY)
			.set(PROVIDER_QUERY.ORDER_ID, order.id())
			.set(PROVIDER_QUERY.ACCOUNT_ID, order.accountId())
			.set(PROVIDER_QUERY.OUT_TRADE_NO, order.outTradeNo())
			.set(PROVIDER_QUERY.OPERATION, "QUERY")
			.set(PROVIDER_QUERY.SOURCE, "QUERY")
			.set(PROVIDER_QUERY.ACTOR, "retention-it")
			.set(PROVIDER_QUERY.ASKED_AT, askedAt)
			.set(PROVIDER_QUERY.ANSWER_STATUS, status)
			.set(PROVIDER_QUERY.OUTCOME, "planted")
			.returning(PROVIDER_QUERY.ID)
			.fetchOne(PROVIDER_QUERY.ID);
	}

	private long notification(Instant receivedAt, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return dsl.insertInto(RAW_NOTIFICATION)
			.set(RAW_NOTIFICATION.RECEIVED_AT, receivedAt)
			.set(RAW_NOTIFICATION.CHANNEL, "wechatpay-v2")
			.set(RAW_NOTIFICATION.KIND, "NOTIFY")
			.set(RAW_NOTIFICATION.ACCOUNT_ID, "wx2-md5")
			.set(RAW_NOTIFICATION.METHOD, "POST")
			.set(RAW_NOTIFICATION.REQUEST_URI, "/notify/wechatpay-v2/wx2-md5")
			.set(RAW_NOTIFICATION.REMOTE_ADDR, "127.0.0.1")
			.set(RAW_NOTIFICATION.HEADERS, "{}")
			.set(RAW_NOTIFICATION.BODY, bytes)
			.set(RAW_NOTIFICATION.BODY_LENGTH, (long) bytes.length)
			.set(RAW_NOTIFICATION.BODY_TRUNCATED, false)
			.set(RAW_NOTIFICATION.BODY_SHA256, HexFormat.of().formatHex(sha256(bytes)))
			.returning(RAW_NOTIFICATION.ID)
			.fetchOne(RAW_NOTIFICATION.ID);
	}

	/** A finished job run, moved back in time as if it had ended {@code endedAt}. */
	private long staleBatchRun(Instant endedAt) {
		JobRun run = JobRuns.runNowAndWait(jobs, "stale-pending-sweep", Map.of("accounts", "probe-fake"));
		var then = java.time.LocalDateTime.ofInstant(endedAt, java.time.ZoneId.systemDefault());
		dsl.update(DSL.table("BATCH_JOB_EXECUTION"))
			.set(DSL.field("CREATE_TIME", java.time.LocalDateTime.class), then)
			.set(DSL.field("START_TIME", java.time.LocalDateTime.class), then)
			.set(DSL.field("END_TIME", java.time.LocalDateTime.class), then)
			.where(DSL.field("JOB_EXECUTION_ID").eq(run.executionId()))
			.execute();
		return run.instanceId();
	}

	/** A reconciled day whose bill was archived {@code createdAt}. */
	private RunSummary oldBill(Instant createdAt) {
		LocalDate day = LocalDate.of(2015, 3, 1).plusDays(java.util.concurrent.ThreadLocalRandom.current().nextInt(1000));
		byte[] bill = new com.payrecon.reconcile.WechatBill().text().getBytes(StandardCharsets.UTF_8);
		RunSummary run = reconciliation.reconcile(accounts.find("wx2-md5").orElseThrow(), day,
				reconciliation.options("retention-it", false),
				() -> new BillDownload(false, null, new ByteArrayInputStream(bill), BillDownload.WECHAT_TEXT)).run();
		dsl.update(BILL_ARCHIVE).set(BILL_ARCHIVE.CREATED_AT, createdAt).where(BILL_ARCHIVE.ID.eq(run.billArchiveId())).execute();
		return run;
	}

	private <T> List<Long> ids(org.jooq.Table<?> table, org.jooq.Field<Long> id, List<Long> among) {
		return dsl.select(id).from(table).where(id.in(among)).fetch(id);
	}

	@SafeVarargs
	private static List<Long> concat(List<Long>... lists) {
		List<Long> all = new ArrayList<>();
		for (List<Long> l : lists) {
			all.addAll(l);
		}
		return all;
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
