package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;
import static com.payrecon.bench.BenchReport.percentileMillis;
import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.payrecon.notify.Notifications;
import com.payrecon.order.OrderEvent;
import com.payrecon.support.WebhookReceiver;
import com.payrecon.webhook.WebhookEndpoint;
import com.payrecon.webhook.WebhookEndpoints;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Benchmark 1: the notify endpoint under concurrent HTTP clients (JDK HttpClient on virtual threads) posting valid,
 * signed, distinct notifications for pre-created orders, per channel, for a fixed time; the database-only ceiling of
 * the same work with plain JDBC; and a duplicate storm (every notification ten times at once).
 */
class NotifyBenchmark extends BenchSupport {

	enum Channel {
		V2("wechatpay-v2", "wx2-md5"), V3("wechatpay-v3", "wx3"), ALIPAY("alipay", "ali");

		final String wire;
		final String account;

		Channel(String wire, String account) {
			this.wire = wire;
			this.account = account;
		}
	}

	record Delivery(String path, String contentType, byte[] body, Map<String, String> headers) {
	}



	static final Duration WARM_UP = Duration.ofSeconds(3);

	@Autowired
	DataSource dataSource;

	final HttpClient client = HttpClient.newBuilder()
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	final int clients = Integer.getInteger("bench.notify.clients", 16);
	final int seconds = Integer.getInteger("bench.notify.seconds", (int) Math.max(3, Math.round(20 * BenchReport.scale())));

	@Test
	void notifyThroughputAgainstTheDatabaseCeilingAndADuplicateStorm() throws Exception {
		// at most this many distinct notifications per channel are signed up front (a run ends early if they run out)
		int prepared = Math.max(300, seconds * Integer.getInteger("bench.notify.max-rate", 600));
		StringBuilder md = new StringBuilder("## 1. Notify throughput and latency\n\n");
		md.append(f("%d concurrent clients (JDK HttpClient, virtual threads, HTTP/1.1 keep-alive) post valid, signed, "
				+ "distinct payment notifications for pre-created PENDING orders, %d s per channel, against the whole "
				+ "application on loopback (raw store, verification, apply under the row lock, verdict). Latency is "
				+ "per request, at the client. Up to %,d notifications per channel are signed before the clock starts; "
				+ "the first tenth of them warm the channel up (at most 3 s, not measured).%n%n",
				clients, seconds, prepared));
		md.append("| channel | requests | notifications/s | p50 ms | p99 ms | failure answers (not 2xx) | orders PAID (database) |\n");
		md.append("|---|---|---|---|---|---|---|\n");
		double bestHttp = 0;
		for (Channel channel : Channel.values()) {
			String prefix = prefix("N" + channel.ordinal());
			List<String> numbers = pendingOrders(channel.account, prefix, prepared, 100, Instant.now(),
					Instant.now().plus(Duration.ofHours(2)));
			List<Delivery> deliveries = numbers.parallelStream().map(no -> delivery(channel, no)).toList();
			// warm-up (not measured): the first tenth, for at most WARM_UP
			int warmCount = deliveries.size() / 10;
			Load warm = run(deliveries.subList(0, warmCount), clients, WARM_UP);
			Load load = run(deliveries.subList(warmCount, deliveries.size()), clients, Duration.ofSeconds(seconds));
			int paid = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(channel.account),
					PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.STATUS.eq("PAID"));
			int paidMeasured = paid - (warm.done() - warm.errors());
			md.append(f("| %s | %,d | %.0f | %.1f | %.1f | %d | %,d |%n", channel.wire, load.done(), load.perSecond(),
					percentileMillis(load.latencies(), 50), percentileMillis(load.latencies(), 99), load.errors(),
					paidMeasured));
			bestHttp = Math.max(bestHttp, load.perSecond());
			assertThat(paidMeasured).as("every success answer applied its payment; first error " + FIRST_ERROR.get())
				.isEqualTo(load.done() - load.errors());
		}

		ceiling(clients, WARM_UP, prepared); // warm-up, not measured
		Load ceiling = ceiling(clients, Duration.ofSeconds(seconds), prepared * 3);
		md.append(f("%n**Database-only ceiling** (plain JDBC, same %d concurrent workers, %d s): per notification one "
				+ "autocommitted raw row insert, then one transaction that locks the order (`SELECT … FOR UPDATE`), "
				+ "updates it to PAID, inserts the order event and records the verdict on the raw row: "
				+ "**%.0f notifications/s**, p50 %.1f ms, p99 %.1f ms, %d errors. The best channel over HTTP reaches "
				+ "**%.0f %%** of it; the rest is HTTP, parsing, signature verification (RSA for v3 and Alipay, with "
				+ "AES-GCM decryption for v3), the notification-id check and the JVM sharing the two cores with the "
				+ "database and the load generator.%n%n",
				clients, seconds, ceiling.perSecond(), percentileMillis(ceiling.latencies(), 50),
				percentileMillis(ceiling.latencies(), 99), ceiling.errors(), 100 * bestHttp / ceiling.perSecond()));

		int stormOrders = BenchReport.scaled(300, 10);
		md.append(f("**Duplicate storm**: %,d orders per channel, each notification sent 10 times at once (%d orders "
				+ "in flight, so %d requests race), then the PAID transitions per order counted in `order_event`:%n%n",
				stormOrders, Math.max(1, clients / 2), Math.max(1, clients / 2) * 10));
		md.append("| channel | requests | success answers (2xx) | failure answers | orders PAID | orders with more than one PAID event |\n");
		md.append("|---|---|---|---|---|---|\n");
		long doubleApplies = 0;
		for (Channel channel : Channel.values()) {
			String prefix = prefix("S" + channel.ordinal());
			List<String> numbers = pendingOrders(channel.account, prefix, stormOrders, 100, Instant.now(),
					Instant.now().plus(Duration.ofHours(2)));
			List<Delivery> deliveries = numbers.parallelStream().map(no -> delivery(channel, no)).toList();
			int[] answers = storm(deliveries, Math.max(1, clients / 2));
			int paid = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(channel.account),
					PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.STATUS.eq("PAID"));
			int twice = dsl.select(ORDER_EVENT.ORDER_ID)
				.from(ORDER_EVENT)
				.join(PAYMENT_ORDER)
				.on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
				.where(PAYMENT_ORDER.ACCOUNT_ID.eq(channel.account), PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix),
						ORDER_EVENT.EVENT_TYPE.eq(OrderEvent.STATUS_CHANGED), ORDER_EVENT.TO_STATUS.eq("PAID"))
				.groupBy(ORDER_EVENT.ORDER_ID)
				.having(DSL.count().gt(1))
				.fetch()
				.size();
			doubleApplies += twice;
			md.append(f("| %s | %,d | %,d | %,d | %,d | **%d** |%n", channel.wire, answers[0] + answers[1], answers[0],
					answers[1], paid, twice));
		}
		md.append(f("%nDouble applies in total: **%d**.%n", doubleApplies));
		BenchReport.section("1-notify", md.toString());
		assertThat(doubleApplies).isZero();
	}

	@Autowired
	WebhookEndpoints endpoints;

	/**
	 * Issue 15: the notify figures of one channel with webhook delivery off (no endpoint: events are written, nothing
	 * is sent) and on (one endpoint for the account, a local receiver that verifies every request with the official
	 * Standard Webhooks library and answers 200), and the events delivered per second to it while the load runs.
	 */
	@Test
	void notifyWithWebhookDeliveryOffAndOnAndEventsDeliveredPerSecond() throws Exception {
		Channel channel = Channel.ALIPAY;
		int prepared = Math.max(300, seconds * Integer.getInteger("bench.notify.max-rate", 600));
		StringBuilder md = new StringBuilder("## 1b. Notify with webhook delivery off and on (issue 15)\n\n");
		md.append(f("%s, %d concurrent clients, %d s each, as in section 1 (fresh PENDING orders, the first tenth as "
				+ "warm-up). **Off**: no webhook endpoint, so each payment still writes its `order.paid` event in its "
				+ "transaction but nothing is sent. **On**: one endpoint for the account, delivering to a receiver on "
				+ "loopback in the same JVM that verifies every request with the official Standard Webhooks library "
				+ "and answers 200 (`payrecon.webhook-delivery` defaults: 8 requests in flight per node). *Events "
				+ "delivered/s* counts the distinct events the receiver verified while the load ran; *drained after* is "
				+ "how long after the load ended the last event of the run arrived.%n%n", channel.wire, clients, seconds));
		md.append("| delivery | requests | notifications/s | p50 ms | p99 ms | failure answers | events delivered/s during the load | drained after |\n");
		md.append("|---|---|---|---|---|---|---|---|\n");
		for (boolean on : new boolean[] { false, true }) {
			String prefix = prefix("W" + (on ? 1 : 0));
			List<String> numbers = pendingOrders(channel.account, prefix, prepared, 100, Instant.now(),
					Instant.now().plus(Duration.ofHours(2)));
			List<Delivery> deliveries = numbers.parallelStream().map(no -> delivery(channel, no)).toList();
			int warmCount = deliveries.size() / 10;
			WebhookReceiver receiver = on ? WebhookReceiver.start() : null;
			WebhookEndpoint endpoint = null;
			try {
				if (on) {
					SecurityContextHolder.getContext()
						.setAuthentication(new TestingAuthenticationToken("bench-admin", null, "ROLE_ADMIN"));
					var created = endpoints.create("bench-" + prefix.toLowerCase().replace("-", ""), receiver.url("/hooks"),
							List.of(channel.account), List.of(), "bench-admin");
					endpoint = created.endpoint();
					receiver.trust(created.secret());
				}
				run(deliveries.subList(0, warmCount), clients, WARM_UP);
				int before = on ? receiver.countsById().size() : 0;
				Load load = run(deliveries.subList(warmCount, deliveries.size()), clients, Duration.ofSeconds(seconds));
				long loadEnd = System.nanoTime();
				String delivered = "—";
				String drained = "—";
				if (on) {
					int duringLoad = receiver.countsById().size() - before;
					int expected = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(channel.account),
							PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.STATUS.eq("PAID"));
					boolean all = receiver.await(r -> receiver.countsById().size() >= expected, Duration.ofMinutes(5));
					delivered = f("%.0f", duringLoad / load.seconds());
					drained = all ? f("%.1f s", (System.nanoTime() - loadEnd) / 1e9) : "not within 5 min";
					assertThat(all).as("every event of the run delivered").isTrue();
					assertThat(receiver.received()).allSatisfy(r -> assertThat(r.verified()).isTrue());
				}
				md.append(f("| %s | %,d | %.0f | %.1f | %.1f | %d | %s | %s |%n", on ? "on" : "off", load.done(),
						load.perSecond(), percentileMillis(load.latencies(), 50), percentileMillis(load.latencies(), 99),
						load.errors(), delivered, drained));
			}
			finally {
				if (endpoint != null) {
					endpoints.disable(endpoint.id(), "bench-admin");
				}
				if (receiver != null) {
					receiver.close();
				}
				SecurityContextHolder.clearContext();
			}
		}
		BenchReport.section("1b-webhooks", md.toString());
	}

	private static Delivery delivery(Channel channel, String no) {
		String txn = "4200" + no.replace("-", "");
		return switch (channel) {
			case V2 -> new Delivery("/notify/wechatpay-v2/wx2-md5", "text/xml",
					Notifications.v2Paid(no, 100, txn).getBytes(StandardCharsets.UTF_8), Map.of());
			case V3 -> {
				Notifications.V3Delivery v3 = Notifications.v3Paid(no, 100, txn, Instant.now());
				yield new Delivery("/notify/wechatpay-v3/wx3", "application/json", v3.body(), v3.headers());
			}
			case ALIPAY -> new Delivery("/notify/alipay/ali", "application/x-www-form-urlencoded; charset=utf-8",
					Notifications.alipayPaid(no, "1.00", txn), Map.of());
		};
	}

	private boolean post(Delivery d) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + d.path()))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", d.contentType())
			.POST(HttpRequest.BodyPublishers.ofByteArray(d.body()));
		d.headers().forEach(request::header);
		HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		boolean acknowledged = response.statusCode() / 100 == 2; // 200, or 204 for WeChat Pay v3
		if (!acknowledged) {
			FIRST_ERROR.compareAndSet(null, "HTTP " + response.statusCode() + " " + response.body());
		}
		return acknowledged;
	}

	/** {@code workers} loops taking the next delivery until the time is up or none is left. */
	private Load run(List<Delivery> deliveries, int workers, Duration duration) throws Exception {
		return timed(workers, duration, deliveries.size(), i -> post(deliveries.get(i)));
	}

	/** Each delivery 10 times at once; {@code parallelOrders} orders at a time. Returns {success answers, others}. */
	private int[] storm(List<Delivery> deliveries, int parallelOrders) throws Exception {
		AtomicInteger ok = new AtomicInteger();
		AtomicInteger other = new AtomicInteger();
		AtomicInteger next = new AtomicInteger();
		try (ExecutorService orders = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int w = 0; w < parallelOrders; w++) {
				orders.submit(() -> {
					int i;
					while ((i = next.getAndIncrement()) < deliveries.size()) {
						Delivery d = deliveries.get(i);
						CountDownLatch go = new CountDownLatch(1);
						try (ExecutorService copies = Executors.newVirtualThreadPerTaskExecutor()) {
							for (int c = 0; c < 10; c++) {
								copies.submit(() -> {
									go.await();
									(post(d) ? ok : other).incrementAndGet();
									return null;
								});
							}
							go.countDown();
						}
					}
					return null;
				});
			}
		}
		return new int[] { ok.get(), other.get() };
	}

	/** The same database work as an applied notification, with plain JDBC and nothing else. */
	private Load ceiling(int workers, Duration duration, int count) throws Exception {
		String prefix = prefix("C");
		List<String> numbers = pendingOrders("bench-ceiling", prefix, count, 100, Instant.now(),
				Instant.now().plus(Duration.ofHours(2)));
		byte[] body = Notifications.v2Paid(prefix + "0", 100, "4200000000").getBytes(StandardCharsets.UTF_8);
		AtomicLong sha = new AtomicLong();
		return timed(workers, duration, numbers.size(), i -> {
			try (Connection c = dataSource.getConnection()) {
				Timestamp now = Timestamp.valueOf(LocalDateTime.now(ZoneOffset.UTC));
				long rawId;
				c.setAutoCommit(true);
				try (PreparedStatement insert = c.prepareStatement("insert into raw_notification (received_at, channel, "
						+ "kind, account_id, method, request_uri, remote_addr, content_type, headers, body, body_length, "
						+ "body_truncated, body_sha256) values (?, 'wechatpay-v2', 'NOTIFY', 'bench-ceiling', 'POST', "
						+ "'/notify/wechatpay-v2/bench-ceiling', '127.0.0.1', 'text/xml', ?, ?, ?, false, ?)",
						Statement.RETURN_GENERATED_KEYS)) {
					insert.setTimestamp(1, now);
					insert.setString(2, "{\"content-type\":[\"text/xml\"],\"host\":[\"127.0.0.1\"]}");
					insert.setBytes(3, body);
					insert.setLong(4, body.length);
					insert.setString(5, String.format("%064x", sha.incrementAndGet()));
					insert.executeUpdate();
					try (ResultSet keys = insert.getGeneratedKeys()) {
						keys.next();
						rawId = keys.getLong(1);
					}
				}
				c.setAutoCommit(false);
				try {
					long orderId;
					try (PreparedStatement lock = c.prepareStatement(
							"select id from payment_order where account_id = 'bench-ceiling' and out_trade_no = ? for update")) {
						lock.setString(1, numbers.get(i));
						try (ResultSet r = lock.executeQuery()) {
							r.next();
							orderId = r.getLong(1);
						}
					}
					try (PreparedStatement update = c.prepareStatement("update payment_order set status = 'PAID', "
							+ "provider_txn_id = ?, paid_at = ?, updated_at = ?, version = version + 1 "
							+ "where id = ? and status = 'PENDING'")) {
						update.setString(1, "4200" + i);
						update.setTimestamp(2, now);
						update.setTimestamp(3, now);
						update.setLong(4, orderId);
						update.executeUpdate();
					}
					try (PreparedStatement event = c.prepareStatement("insert into order_event (order_id, event_type, "
							+ "from_status, to_status, source, actor, raw_notification_id, reason, details, created_at) "
							+ "values (?, 'STATUS_CHANGED', 'PENDING', 'PAID', 'NOTIFY', 'notify', ?, "
							+ "'wechatpay-v2 notification', 'transaction 4200', ?)")) {
						event.setLong(1, orderId);
						event.setLong(2, rawId);
						event.setTimestamp(3, now);
						event.executeUpdate();
					}
					try (PreparedStatement settle = c.prepareStatement("update raw_notification set verdict = 'APPLIED', "
							+ "verdict_reason = 'PENDING → PAID', processed_at = ?, process_count = process_count + 1, "
							+ "response_status = 200, response_body = '<xml>…</xml>', out_trade_no = ?, "
							+ "provider_txn_id = ?, order_id = ?, version = version + 1 where id = ?")) {
						settle.setTimestamp(1, now);
						settle.setString(2, numbers.get(i));
						settle.setString(3, "4200" + i);
						settle.setLong(4, orderId);
						settle.setLong(5, rawId);
						settle.executeUpdate();
					}
					c.commit();
					return true;
				}
				catch (SQLException ex) {
					c.rollback();
					throw ex;
				}
				finally {
					c.setAutoCommit(true);
				}
			}
		});
	}
}
