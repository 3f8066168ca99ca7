package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;
import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.SANDBOX_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TimeZone;
import java.util.stream.Collectors;

import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.repair.RepairProperties;
import com.payrecon.repair.StalePendingSweep;
import com.payrecon.scheduling.CatalogueEntry;
import com.payrecon.scheduling.JobCatalogueLoader;
import com.payrecon.support.MutableClock;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;
import org.springframework.batch.core.job.Job;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Benchmark 5: time-to-repair of a lost notification (from the provider's paid time to PAID here), with the default
 * job catalogue's sweep only, and with the payer's browser return (Alipay {@code return_url}) as an extra signal.
 * <p>
 * Compressed time: the real schedule (a sweep every minute, back-off up to an hour) would take hours of wall time, so
 * the run drives the application's {@link MutableClock} through simulated time and, at each firing time of the
 * default catalogue's {@code stale-pending-sweep} cron, runs the job's work ({@link StalePendingSweep}) with the
 * catalogue's parameters. Everything else is real: orders created through {@link OrderService}, paid at the built-in
 * sandbox (merchant {@code ali-lost}, which drops every notification), questions asked over HTTP with signed
 * answers, the browser return verified and followed up by the application's own listener. Orders come in pairs with
 * the same creation and payment time; only the second of a pair gets a browser return.
 */
class RepairTimeBenchmark extends BenchSupport {

	static final String ACCOUNT = "ali-lost";
	static final String SWEEP = "stale-pending-sweep";
	static final long SEED = 20261203L;

	@Autowired
	OrderService orderService;

	@Autowired
	StalePendingSweep sweep;

	@Autowired
	RepairProperties repair;

	@Autowired
	MutableClock clock;

	@Autowired
	List<Job> jobs;

	final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	/** One simulated order: created, paid at the provider, perhaps returned in the browser. */
	record Order(String outTradeNo, Instant createdAt, Instant paidAt, Instant returnAt) {
	}

	/** A point of simulated time and what happens then; ties run in the order of {@code rank}. */
	record Step(Instant at, int rank, Runnable action) {
	}

	@Test
	void timeToRepairOfALostNotificationWithAndWithoutThePayersReturn() throws Exception {
		CatalogueEntry entry = defaultCatalogue(SWEEP);
		CronExpression cron = new CronExpression(entry.cron());
		cron.setTimeZone(TimeZone.getTimeZone(entry.zone()));
		StalePendingSweep.Parameters parameters = new StalePendingSweep.Parameters(
				Duration.parse(entry.parameters().get("staleAfter").toString()),
				((Number) entry.parameters().get("concurrency")).intValue(),
				((Number) entry.parameters().get("maxPerAccount")).intValue(), Set.of(ACCOUNT));

		int pairs = BenchReport.scaled(150, 10);
		Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofDays(1));
		Random random = new Random(SEED);
		String prefix = prefix("RT");
		List<Order> sweepOnly = new ArrayList<>();
		List<Order> withReturn = new ArrayList<>();
		PriorityQueue<Step> steps = new PriorityQueue<>(Comparator.comparing(Step::at).thenComparing(Step::rank));
		for (int i = 0; i < pairs; i++) {
			Instant created = t0.plusMillis((long) (random.nextDouble() * Duration.ofHours(1).toMillis()));
			Instant paid = created.plus(payerDelay(random));
			Instant returned = paid.plusMillis(2000 + random.nextInt(8000));
			sweepOnly.add(new Order(prefix + "S" + i, created, paid, null));
			withReturn.add(new Order(prefix + "R" + i, created, paid, returned));
		}
		for (Order o : concat(sweepOnly, withReturn)) {
			steps.add(new Step(o.createdAt(), 0, () -> create(o)));
			steps.add(new Step(o.paidAt(), 1, () -> pay(o)));
			if (o.returnAt() != null) {
				steps.add(new Step(o.returnAt(), 2, () -> browserReturn(o)));
			}
		}
		Instant end = t0.plus(Duration.ofHours(6));
		int[] ticks = { 0 };
		int firing = 0;
		for (Date fire = cron.getNextValidTimeAfter(Date.from(t0)); fire.toInstant().isBefore(end);
				fire = cron.getNextValidTimeAfter(fire)) {
			String run = SWEEP + "#" + (900_000 + firing++);
			steps.add(new Step(fire.toInstant(), 3, () -> {
				sweep.sweep(parameters, run);
				ticks[0]++;
			}));
		}

		long wall = System.nanoTime();
		Map<String, Long> returnLatencyNanos = returnLatencies;
		while (!steps.isEmpty() && !allPaid(prefix, 2 * pairs)) {
			Step step = steps.poll();
			clock.set(step.at());
			step.action().run();
		}
		double wallSeconds = (System.nanoTime() - wall) / 1e9;

		Map<String, Long> ttr = timesToRepair(prefix);
		assertThat(ttr).as("every paid order was repaired").hasSize(2 * pairs);
		long[] a = millis(sweepOnly, ttr, Map.of());
		long[] b = millis(withReturn, ttr, returnLatencyNanos);
		long byReturn = repairedBy(prefix + "R", "payer-return:");
		long returnMedianMs = Math.round(BenchReport.percentileMillis(returnLatencyNanos.values().stream()
			.mapToLong(Long::longValue).sorted().toArray(), 50));

		BenchReport.section("5-repair-time", f("""
				## 5. Time to repair a lost notification

				From the provider's paid time (the sandbox's `paid_at`) to PAID here (the time of the order's PAID
				event), for orders whose notification never came (sandbox merchant `%s` drops every one). The default
				catalogue's `%s`: cron `%s` (%s), `staleAfter` %s, back-off %s then %s (`payrecon.repair`), never
				past expiry (2 h).
				%,d pairs of orders created over one hour; each pair shares its creation and payment time; the payer
				pays 5–60 s after the order is created (80 %%) or 1–15 min after (20 %%); the second order of each pair
				gets the payer's verified browser return 2–10 s after paying.

				| | orders | p50 | p90 | p99 | max | repaired by the return |
				|---|---|---|---|---|---|---|
				| sweep only (notification lost) | %,d | %s | %s | %s | %s | — |
				| with the payer's browser return | %,d | %s | %s | %s | %s | %,d of %,d |

				Method: compressed time. The harness (`bench/RepairTimeBenchmark`) moves the application's clock from
				event to event (order created, paid at the sandbox, browser return, and every firing time of the
				catalogue's cron within 6 simulated hours) and runs the sweep job's work (`StalePendingSweep`, the
				catalogue's parameters, this account only) at each firing, synchronously; %,d sweeps and %,d orders ran
				in %.1f s of wall time. Everything else is the application: orders through `OrderService`, the
				provider's signed query answers over HTTP, the return verified and followed up by `FollowUpQueries`.
				A repair's time is read from the simulated clock, so a sweep's own duration (milliseconds) is not in
				it; for a return, the measured wall time from the request to the committed PAID (median %d ms) is
				added to the return's simulated delay. Every payer returning is the best case: a payer who closes the
				browser is repaired by the sweep, as in the first row.
				""", ACCOUNT, SWEEP, entry.cron(), entry.zone(), parameters.staleAfter(),
				repair.backoff().stream().map(RepairTimeBenchmark::compact).collect(Collectors.joining(", ")),
				compact(repair.afterBackoff()), pairs, a.length, human(a, 50), human(a, 90), human(a, 99), human(a, 100),
				b.length, human(b, 50), human(b, 90), human(b, 99), human(b, 100), byReturn, pairs, ticks[0], 2 * pairs,
				wallSeconds, returnMedianMs));
	}

	/** 80 %: 5–60 s; 20 %: 1–15 min. */
	static Duration payerDelay(Random random) {
		return random.nextDouble() < 0.8 ? Duration.ofMillis(5_000 + (long) (random.nextDouble() * 55_000))
				: Duration.ofMillis(60_000 + (long) (random.nextDouble() * 14 * 60_000));
	}

	/** Per order with a return: wall time from the return request to the committed PAID, in nanoseconds. */
	private final Map<String, Long> returnLatencies = new java.util.concurrent.ConcurrentHashMap<>();

	private void create(Order o) {
		orderService.create(new CreateOrder(ACCOUNT, o.outTradeNo(), Fen.of(990), "CNY", "repair benchmark", null),
				Cause.api("benchmark", "repair time"));
		control("POST", "/orders", "{\"merchantId\":\"" + ACCOUNT + "\",\"outTradeNo\":\"" + o.outTradeNo()
				+ "\",\"amount\":990}");
	}

	private void pay(Order o) {
		control("POST", "/orders/" + ACCOUNT + "/" + o.outTradeNo() + "/pay", "{}");
	}

	/** The payer's browser comes back; waits (wall time) until the follow-up query has settled the order. */
	private void browserReturn(Order o) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("charset", "utf-8");
		params.put("out_trade_no", o.outTradeNo());
		params.put("method", "alipay.trade.page.pay.return");
		params.put("total_amount", "9.90");
		params.put("trade_no", "2026" + o.outTradeNo().replace("-", ""));
		params.put("app_id", "2021000000000012");
		params.put("seller_id", "2088000000000012");
		params.put("timestamp", "2026-12-03 10:00:00");
		String query = new String(Notifications.alipayForm(params), StandardCharsets.US_ASCII);
		long start = System.nanoTime();
		send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify/alipay/" + ACCOUNT + "/return?" + query))
			.GET());
		for (int i = 0; i < 500; i++) {
			if (!"PENDING".equals(status(o.outTradeNo()))) {
				returnLatencies.put(o.outTradeNo(), System.nanoTime() - start);
				return;
			}
			sleep(2);
		}
	}

	private String status(String no) {
		return dsl.select(PAYMENT_ORDER.STATUS).from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT), PAYMENT_ORDER.OUT_TRADE_NO.eq(no))
			.fetchOne(PAYMENT_ORDER.STATUS);
	}

	private boolean allPaid(String prefix, int count) {
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT),
				PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.STATUS.eq("PAID")) == count;
	}

	/** Per order: PAID event time − the provider's paid time, in nanoseconds. */
	private Map<String, Long> timesToRepair(String prefix) {
		Map<String, Instant> paidThere = dsl.select(SANDBOX_ORDER.OUT_TRADE_NO, SANDBOX_ORDER.PAID_AT).from(SANDBOX_ORDER)
			.where(SANDBOX_ORDER.MERCHANT_ID.eq(ACCOUNT), SANDBOX_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetchMap(SANDBOX_ORDER.OUT_TRADE_NO, SANDBOX_ORDER.PAID_AT);
		Map<String, Long> ttr = new LinkedHashMap<>();
		dsl.select(PAYMENT_ORDER.OUT_TRADE_NO, ORDER_EVENT.CREATED_AT).from(ORDER_EVENT).join(PAYMENT_ORDER)
			.on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
			.where(PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT), PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix),
					ORDER_EVENT.TO_STATUS.eq("PAID"))
			.forEach(r -> ttr.put(r.value1(), Duration.between(paidThere.get(r.value1()), r.value2()).toNanos()));
		return ttr;
	}

	private long repairedBy(String prefix, String actorPrefix) {
		return dsl.fetchCount(ORDER_EVENT.join(PAYMENT_ORDER).on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID)),
				PAYMENT_ORDER.ACCOUNT_ID.eq(ACCOUNT), PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix),
				ORDER_EVENT.TO_STATUS.eq("PAID"), ORDER_EVENT.ACTOR.startsWith(actorPrefix));
	}

	/** Sorted times to repair in nanoseconds, with the measured wall latency of a return added where there was one. */
	private static long[] millis(List<Order> orders, Map<String, Long> ttr, Map<String, Long> extra) {
		return orders.stream().mapToLong(o -> ttr.get(o.outTradeNo()) + extra.getOrDefault(o.outTradeNo(), 0L)).sorted()
			.toArray();
	}

	private static String human(long[] sortedNanos, double p) {
		return human(Duration.ofNanos(Math.round(BenchReport.percentileMillis(sortedNanos, p) * 1e6)));
	}

	static String human(Duration d) {
		if (d.compareTo(Duration.ofMinutes(1)) < 0) {
			return f("%.1f s", d.toMillis() / 1000.0);
		}
		if (d.compareTo(Duration.ofHours(1)) < 0) {
			return f("%d min %02d s", d.toMinutes(), d.toSecondsPart());
		}
		return f("%d h %02d min", d.toHours(), d.toMinutesPart());
	}

	/** 1m, 30m, 1h. */
	static String compact(Duration d) {
		return d.toMinutes() % 60 == 0 && d.toHours() > 0 ? d.toHours() + "h" : d.toMinutes() + "m";
	}

	private CatalogueEntry defaultCatalogue(String name) {
		Set<String> names = jobs.stream().map(Job::getName).collect(Collectors.toSet());
		return new JobCatalogueLoader(names, java.time.ZoneId.of("Asia/Shanghai"), id -> null)
			.loadDirectory(Path.of("batch-jobs"))
			.stream()
			.filter(e -> e.name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private void control(String method, String path, String json) {
		HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sandbox/api" + path))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(json)));
		if (r.statusCode() >= 300) {
			throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
		}
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static List<Order> concat(List<Order> a, List<Order> b) {
		List<Order> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
