package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;
import static com.payrecon.bench.BenchReport.percentileMillis;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.RAW_NOTIFICATION_ARCHIVE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import com.payrecon.notify.Notifications;
import com.payrecon.scheduling.JobOperations;
import com.payrecon.scheduling.JobRun;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark 5: notify latency while the data-retention job moves 1,000,000 raw notifications (received two years
 * ago) into compressed archives and deletes them from the table notify inserts into: the same notify load (signed
 * WeChat Pay v2 notifications for pending orders, a few clients) first alone, then during the purge. The purge runs
 * as the job runs at night: chunks of {@code chunkSize} rows, each its own statement, a pause between them.
 */
class RetentionBenchmark extends BenchSupport {

	static final int CLIENTS = Integer.getInteger("bench.retention.clients", 4);

	@Autowired
	JobOperations jobs;

	final HttpClient client = HttpClient.newBuilder()
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@Test
	void notifyLatencyDuringAPurgeOfAMillionRows() throws Exception {
		int rows = BenchReport.scaled(1_000_000, 10_000);
		Instant old = Instant.now().minus(Duration.ofDays(730));
		long seedStart = System.nanoTime();
		seed(rows, old);
		double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
		int oldRows = dsl.fetchCount(RAW_NOTIFICATION, RAW_NOTIFICATION.RECEIVED_AT.lt(Instant.now().minus(Duration.ofDays(400))));
		int seconds = (int) Math.max(5, Math.round(30 * BenchReport.scale()));
		int archivesBefore = dsl.fetchCount(RAW_NOTIFICATION_ARCHIVE);

		Load alone = notifyFor(Duration.ofSeconds(seconds), () -> false);

		long purgeStart = System.nanoTime();
		String request = jobs.runNow("data-retention", Map.of("chunkSize", "500", "pause", "PT0.02S", "budget", "PT3H"));
		Load during = notifyFor(Duration.ofHours(3), () -> finished(request));
		JobRun purge = await(request);
		double purgeSeconds = (System.nanoTime() - purgeStart) / 1e9;
		int left = dsl.fetchCount(RAW_NOTIFICATION, RAW_NOTIFICATION.RECEIVED_AT.lt(Instant.now().minus(Duration.ofDays(400))));
		int archives = dsl.fetchCount(RAW_NOTIFICATION_ARCHIVE) - archivesBefore;
		long stored = dsl.select(DSL.field("coalesce(sum(length(content)), 0)", Long.class))
			.from(RAW_NOTIFICATION_ARCHIVE)
			.fetchOne(0, Long.class);

		StringBuilder md = new StringBuilder("## 6. Notify latency during a purge\n\n");
		md.append(f("%,d raw notifications received two years ago (%.0f s to seed) are moved by the `data-retention` job "
				+ "into compressed archives (gzip JSON lines with a hash manifest, %,d rows per archive) and deleted from "
				+ "`raw_notification`, the table every notification is first inserted into, in chunks of 500 rows, "
				+ "each its own statement, 20 ms apart. Meanwhile %d clients post signed WeChat Pay v2 notifications "
				+ "for pending orders without pause (the same load as before the purge, %d s, for comparison).%n%n",
				oldRows, seedSeconds, 2000, CLIENTS, seconds));
		md.append("| notify load | requests | notifications/s | p50 ms | p99 ms | max ms | failure answers |\n|---|---|---|---|---|---|---|\n");
		md.append(row("alone", alone));
		md.append(row("during the purge", during));
		md.append(f("%nThe purge: **%,d rows in %.0f s (%,.0f rows/s)**, %,d archives (%,.1f MB compressed in all), "
				+ "job %s; %,d old rows left. The step's chunks never hold a lock for long: notify's p99 is the "
				+ "figure to watch.%n", oldRows - left, purgeSeconds, (oldRows - left) / purgeSeconds, archives,
				stored / 1e6, purge.status(), left));
		BenchReport.section("6-retention", md.toString());
		assertThat(purge.status()).isEqualTo("COMPLETED");
		assertThat(left).isZero();
		assertThat(alone.errors() + during.errors()).isZero();
	}

	/** {@code rows} old notifications: 2,000 distinct ones, then doubled inside the database. */
	private void seed(int rows, Instant receivedAt) {
		int first = Math.min(rows, 2000);
		var insert = dsl.insertInto(RAW_NOTIFICATION, RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.CHANNEL,
				RAW_NOTIFICATION.KIND, RAW_NOTIFICATION.ACCOUNT_ID, RAW_NOTIFICATION.METHOD, RAW_NOTIFICATION.REQUEST_URI,
				RAW_NOTIFICATION.REMOTE_ADDR, RAW_NOTIFICATION.CONTENT_TYPE, RAW_NOTIFICATION.HEADERS, RAW_NOTIFICATION.BODY,
				RAW_NOTIFICATION.BODY_LENGTH, RAW_NOTIFICATION.BODY_TRUNCATED, RAW_NOTIFICATION.BODY_SHA256,
				RAW_NOTIFICATION.VERDICT);
		for (int i = 0; i < first; i++) {
			byte[] body = Notifications.v2Paid("OLD" + i, 100, "4200" + i).getBytes(StandardCharsets.UTF_8);
			insert = insert.values(receivedAt.plusSeconds(i), "wechatpay-v2", "NOTIFY", "wx2-md5", "POST",
					"/notify/wechatpay-v2/wx2-md5", "127.0.0.1", "text/xml", "{\"content-type\":[\"text/xml\"]}", body,
					(long) body.length, false, String.format("%064x", i), "APPLIED");
		}
		insert.execute();
		int have = first;
		while (have < rows) {
			int add = Math.min(have, rows - have);
			dsl.execute("insert into raw_notification (received_at, channel, kind, account_id, method, request_uri, "
					+ "remote_addr, content_type, headers, body, body_length, body_truncated, body_sha256, verdict) "
					+ "select date_add(received_at, interval " + have + " second), channel, kind, account_id, method, "
					+ "request_uri, remote_addr, content_type, headers, concat(body, '<!--', id, '-->'), body_length, "
					+ "body_truncated, body_sha256, verdict from raw_notification where received_at < ? order by id "
					+ "limit " + add, Instant.now().minus(Duration.ofDays(400)).atOffset(java.time.ZoneOffset.UTC).toLocalDateTime());
			have += add;
		}
	}

	static String row(String label, Load load) {
		long[] sorted = load.latencies();
		return f("| %s | %,d | %.0f | %.1f | %.1f | %.1f | %d |%n", label, load.done(), load.perSecond(),
				percentileMillis(sorted, 50), percentileMillis(sorted, 99),
				sorted.length == 0 ? 0.0 : sorted[sorted.length - 1] / 1e6, load.errors());
	}

	/** Posts notifications with {@link #CLIENTS} clients until {@code limit} passes or {@code stop} says so. */
	private Load notifyFor(Duration limit, java.util.function.BooleanSupplier stop) throws Exception {
		String prefix = prefix("R");
		int count = Integer.getInteger("bench.retention.orders", (int) Math.max(2000, 200_000 * BenchReport.scale()));
		List<String> numbers = pendingOrders("wx2-md5", prefix, count, 100, Instant.now(), Instant.now().plus(Duration.ofHours(4)));
		return timed(CLIENTS, limit, numbers.size(), stop, i -> {
			String no = numbers.get(i);
			HttpResponse<String> response = client.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify/wechatpay-v2/wx2-md5"))
				.header("Content-Type", "text/xml")
				.POST(HttpRequest.BodyPublishers.ofString(Notifications.v2Paid(no, 100, "4200" + no.replace("-", ""))))
				.build(), HttpResponse.BodyHandlers.ofString());
			return response.statusCode() / 100 == 2;
		});
	}

	private boolean finished(String request) {
		return jobs.runOfRequest("data-retention", request)
			.filter(r -> !r.status().equals("STARTING") && !r.status().equals("STARTED"))
			.isPresent();
	}

	private JobRun await(String request) throws InterruptedException {
		while (!finished(request)) {
			Thread.sleep(500);
		}
		return jobs.runOfRequest("data-retention", request).orElseThrow();
	}

}
