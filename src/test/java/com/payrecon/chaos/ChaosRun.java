package com.payrecon.chaos;

import static com.payrecon.db.Tables.OUTBOX_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.REFUND;
import static com.payrecon.db.Tables.SANDBOX_DELIVERY;
import static com.payrecon.db.Tables.SANDBOX_ORDER;
import static com.payrecon.db.Tables.SANDBOX_REFUND;
import static com.payrecon.db.Tables.WEBHOOK_DELIVERY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.chaos.ChaosChecks.Window;
import com.payrecon.support.WebhookReceiver;
import com.payrecon.support.db.EmbeddedMariaDb;
import com.payrecon.support.process.PayReconProcess;
import com.payrecon.support.process.PayReconProcess.Answer;
import org.jooq.CloseableDSLContext;
import org.jooq.impl.DSL;

/**
 * Issue 6's chaos run, loopback only and bounded in time. Three kinds of processes, so that each can fail alone:
 * <ul>
 * <li>two MariaDB servers ({@code mariadbd}, children of this JVM): PayRecon's, which is restarted mid-run, and the
 * provider's;</li>
 * <li>the provider: a PayRecon JVM with only the sandbox switched on, on its own database, playing WeChat Pay v2,
 * WeChat Pay v3 and Alipay, dropping 20 % of notifications, duplicating 20 %, forging 2 % (1 % tampered amount, 1 %
 * bad signature) and failing 5 % of API calls; it delivers to PayRecon's absolute loopback notify URLs only;</li>
 * <li>PayRecon under test, killed with SIGKILL mid-run and restarted, its stale-pending sweep every 5 s.</li>
 * </ul>
 * Checkout clients create orders through PayRecon's API (placed with the provider) and pay most of them at the
 * sandbox; some paid orders are then refunded through PayRecon's refund API (in part or whole), a few in the
 * provider's merchant platform (refunds PayRecon never asked for), with refund notifications dropped, duplicated and
 * forged like payment ones, some refund answers lost and some refunds turning abnormal at the bank. When everything
 * has settled, {@link ChaosChecks} compares the provider's ledger with PayRecon's database and prints
 * {@code N passed, M failed}. {@code main} exits non-zero when a check failed.
 */
public final class ChaosRun {

	static final String API_TOKEN = "chaos-checkout-token-0123456789";
	static final List<String> ACCOUNTS = List.of("chaos-wx2", "chaos-wx3", "chaos-ali");
	/** The webhook endpoint's secret (a run on loopback: nothing real). */
	static final String WEBHOOK_SECRET = "whsec_" + java.util.Base64.getEncoder()
		.encodeToString("chaos-run-webhook-secret-32bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
	static final double RECEIVER_FAILURE_SHARE = 0.2;

	private final ChaosParameters parameters;
	private final Path dir;
	private final String prefix;
	private final List<String> timeline = new ArrayList<>();
	private final List<Window> dbDown = new ArrayList<>();
	/** Orders PayRecon's API confirmed (2xx) although the provider did not know them when the payer came. */
	private final List<String> unconfirmed = java.util.Collections.synchronizedList(new ArrayList<>());
	/** Refunds asked for through PayRecon's API, and made in the provider's platform, during the run. */
	private final AtomicInteger apiRefunds = new AtomicInteger();
	private final AtomicInteger platformRefunds = new AtomicInteger();
	private final long startedNanos = System.nanoTime();
	/** Event ids the webhook receiver verified and answered 2xx (issue 15). */
	private final Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
	private final AtomicInteger okAnswers = new AtomicInteger();

	public ChaosRun(ChaosParameters parameters) {
		this.parameters = parameters;
		this.dir = parameters.dir().toAbsolutePath();
		this.prefix = "C" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36).toUpperCase() + "N";
	}

	public static void main(String[] args) {
		ChaosChecks.Report report = new ChaosRun(ChaosParameters.fromSystemProperties()).run();
		System.exit(report.failed() == 0 ? 0 : 1);
	}

	public ChaosChecks.Report run() {
		EmbeddedMariaDb payreconDb = null;
		EmbeddedMariaDb providerDb = null;
		PayReconProcess provider = null;
		PayReconProcess payrecon = null;
		// issue 15: the merchant's webhook receiver, verifying with the official library and failing 20 % of requests
		WebhookReceiver receiver = WebhookReceiver.start(WEBHOOK_SECRET);
		java.util.Random failures = new java.util.Random(parameters.seed());
		receiver.answer(r -> {
			boolean fail;
			synchronized (failures) {
				fail = failures.nextDouble() < RECEIVER_FAILURE_SHARE;
			}
			if (!fail) {
				okAnswers.incrementAndGet();
				if (r.verified()) {
					acknowledged.add(r.id());
				}
			}
			return fail ? WebhookReceiver.Answer.status(500) : WebhookReceiver.Answer.ok();
		});
		try {
			deleteLogs();
			note("chaos run: %d orders, %d SIGKILL(s), %d database restart(s), %d clients; faults: drop 20 %%, duplicate 20 %%, "
					+ "forge 2 %%, failing API calls 5 %%; webhook receiver failing 20 %%; stale after %s, retries %.0fx faster; "
					+ "logs in %s", parameters.orders(),
					parameters.kills(), parameters.dbRestarts(), parameters.clients(), parameters.staleAfter(),
					parameters.timeScale(), dir.resolve("logs"));
			// EmbeddedMariaDb tries again a start that was slow to become ready
			payreconDb = EmbeddedMariaDb.acquire(dir.resolve("payrecon-db"), 0, "payrecon", true);
			providerDb = EmbeddedMariaDb.acquire(dir.resolve("provider-db"), 0, "provider", true);
			int payreconPort = PayReconProcess.freePort();
			int providerPort = PayReconProcess.freePort();
			ChaosConfiguration config = new ChaosConfiguration(dir, parameters, payreconPort, providerPort,
					receiver.url("/payrecon/events"), WEBHOOK_SECRET);
			provider = PayReconProcess.start("provider", dir.resolve("logs"), config.provider(providerDb));
			payrecon = PayReconProcess.start("payrecon", dir.resolve("logs"), config.payrecon(payreconDb));
			provider.awaitStarted(Duration.ofSeconds(150));
			payrecon.awaitStarted(Duration.ofSeconds(150));
			note("started: MariaDB %d (PayRecon) and %d (provider), provider pid %d on %d, PayRecon pid %d on %d",
					payreconDb.port(), providerDb.port(), provider.pid(), providerPort, payrecon.pid(), payreconPort);

			Set<String> paid = drive(payrecon, provider, payreconDb);
			note("driven: %d orders created and placed, %d paid at the provider; %d refunds asked through PayRecon, %d made "
					+ "in the provider's platform", parameters.orders(), paid.size(), apiRefunds.get(), platformRefunds.get());
			settle(payreconDb, providerDb, paid);
			try (CloseableDSLContext pr = dsl(payreconDb); CloseableDSLContext pv = dsl(providerDb)) {
				ChaosChecks checks = new ChaosChecks(pr, pv, prefix, dbDown, unconfirmed,
						new ChaosChecks.Receiver(receiver.received(), Set.copyOf(acknowledged), okAnswers.get(),
								receiver.overlaps()));
				ChaosChecks.Report report = checks.run(timeline);
				report.print(System.out);
				Files.writeString(dir.resolve("report.txt"), report.text());
				return report;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			if (payrecon != null) {
				payrecon.stop();
			}
			if (provider != null) {
				provider.stop();
			}
			if (payreconDb != null) {
				payreconDb.release();
			}
			if (providerDb != null) {
				providerDb.release();
			}
			receiver.close();
		}
	}

	/**
	 * The checkout clients, with the chaos in between: SIGKILLs and database restarts spread evenly over the orders
	 * (by how many orders are done). Returns the out_trade_nos paid at the sandbox.
	 */
	private Set<String> drive(PayReconProcess payrecon, PayReconProcess provider, EmbeddedMariaDb db)
			throws InterruptedException {
		int events = parameters.kills() + parameters.dbRestarts();
		List<Runnable> chaos = new ArrayList<>();
		for (int k = 0, r = 0; k + r < events;) { // alternate: kill, restart, kill, ...
			if (k <= r && k < parameters.kills() || r >= parameters.dbRestarts()) {
				int n = ++k;
				chaos.add(() -> killAndRestart(payrecon, n));
			}
			else {
				int n = ++r;
				chaos.add(() -> restartDatabase(db, n));
			}
		}
		AtomicInteger done = new AtomicInteger();
		Set<String> paid = java.util.concurrent.ConcurrentHashMap.newKeySet();
		Instant deadline = Instant.now().plus(parameters.timeout());
		java.util.concurrent.atomic.AtomicReference<RuntimeException> chaosFailure = new java.util.concurrent.atomic.AtomicReference<>();
		Thread chaosThread = Thread.ofPlatform().name("chaos").start(() -> {
			try {
				for (int i = 0; i < chaos.size(); i++) {
					int at = parameters.orders() * (i + 1) / (chaos.size() + 1);
					while (done.get() < at && Instant.now().isBefore(deadline)) {
						sleep(50);
					}
					chaos.get(i).run();
				}
			}
			catch (RuntimeException ex) {
				note("chaos step failed: %s", ex.getMessage());
				chaosFailure.set(ex);
			}
		});
		ExecutorService refunders = Executors.newVirtualThreadPerTaskExecutor();
		List<Future<?>> refundTasks = java.util.Collections.synchronizedList(new ArrayList<>());
		try (ExecutorService clients = Executors.newFixedThreadPool(parameters.clients())) {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < parameters.orders(); i++) {
				int n = i;
				futures.add(clients.submit(() -> {
					String no = prefix + n;
					String account = ACCOUNTS.get(n % ACCOUNTS.size());
					Answer created = create(payrecon, account, no, 100 + n % 9_900, deadline);
					if (!unpaid(n)) {
						while (!pay(provider, account, no, deadline)) {
							// PayRecon confirmed the order as created and placed, yet the provider does not know it
							unconfirmed.add("%s: PayRecon answered %d %s".formatted(no, created.status(),
									created.body().length() > 200 ? created.body().substring(0, 200) : created.body()));
							created = create(payrecon, account, no, 100 + n % 9_900, deadline);
						}
						paid.add(no);
						long amount = 100 + n % 9_900;
						if (every(n, parameters.refundShare(), 3)) {
							refundTasks.add(refunders.submit(() -> refundThroughPayRecon(payrecon, account, no, partial(n, parameters.refundShare()) ? amount / 2 : amount, deadline)));
						}
						else if (every(n, parameters.platformRefundShare(), 7)) {
							refundTasks.add(refunders.submit(() -> refundInThePlatform(payrecon, provider, account, no, amount / 2, deadline)));
						}
					}
					done.incrementAndGet();
					return null;
				}));
			}
			for (Future<?> f : futures) {
				try {
					f.get();
				}
				catch (java.util.concurrent.ExecutionException ex) {
					throw new IllegalStateException("a checkout client failed: " + ex.getCause(), ex.getCause());
				}
			}
		}
		for (Future<?> f : new ArrayList<>(refundTasks)) {
			try {
				f.get();
			}
			catch (java.util.concurrent.ExecutionException ex) {
				throw new IllegalStateException("a refund client failed: " + ex.getCause(), ex.getCause());
			}
		}
		refunders.close();
		chaosThread.join();
		if (chaosFailure.get() != null) {
			throw chaosFailure.get();
		}
		return paid;
	}

	/**
	 * Every other refunded order is refunded in part: the picked orders are every 1/share-th one, so their numbers
	 * alternate by the picking period (not by parity, which is the same for all of them).
	 */
	private static boolean partial(int n, double share) {
		long every = Math.max(1, Math.round(1 / share));
		return (n / every) % 2 == 1;
	}

	/** Whether order {@code n} is one of the {@code share} picked at {@code offset} (every 1/share-th order). */
	private static boolean every(int n, double share, int offset) {
		if (share <= 0) {
			return false;
		}
		long every = Math.max(1, Math.round(1 / share));
		return n % every == offset % every;
	}

	/**
	 * The checkout asks PayRecon for a refund, retrying the identical request like a merchant system would: through
	 * crashes and a database away, and while PayRecon does not know the order is paid yet (422: its notification was
	 * dropped and the sweep has not repaired it).
	 */
	private Void refundThroughPayRecon(PayReconProcess payrecon, String account, String no, long amount, Instant deadline) {
		Map<String, Object> body = Map.of("outRefundNo", no + "R", "amount", amount, "reason", "chaos refund");
		retry(deadline, "refund " + no, () -> {
			Answer answer = payrecon.send("POST", "/api/orders/" + account + "/" + no + "/refunds", body,
					Map.of("Authorization", "Bearer " + API_TOKEN));
			if (answer.status() == 200 || answer.status() == 201) {
				return true;
			}
			if (answer.status() >= 500 || answer.status() == 422) {
				return false;
			}
			throw new IllegalStateException("refund " + no + ": HTTP " + answer.status() + " " + answer.body());
		});
		apiRefunds.incrementAndGet();
		return null;
	}

	/**
	 * Someone refunds the order in the provider's merchant platform, once PayRecon has it paid (a refund notice of a
	 * trade PayRecon thinks unpaid is a case of its own, RefundNotifyIT's R5; here it would blur which notification
	 * paid the order).
	 */
	private Void refundInThePlatform(PayReconProcess payrecon, PayReconProcess provider, String account, String no,
			long amount, Instant deadline) {
		retry(deadline, "paid before the platform refund " + no, () -> {
			Answer order = payrecon.send("GET", "/api/orders/" + account + "/" + no, null,
					Map.of("Authorization", "Bearer " + API_TOKEN));
			return order.status() == 200 && !order.body().contains("\"status\":\"PENDING\"");
		});
		retry(deadline, "platform refund " + no, () -> {
			Answer answer = provider.send("POST", "/sandbox/api/orders/" + account + "/" + no + "/refund",
					Map.of("amount", amount, "outRefundNo", no + "P"), Map.of());
			if (answer.status() == 200) {
				return true;
			}
			throw new IllegalStateException("platform refund " + no + ": HTTP " + answer.status() + " " + answer.body());
		});
		platformRefunds.incrementAndGet();
		return null;
	}

	/** Every twentieth order (for the default 5 %) is never paid. */
	private boolean unpaid(int n) {
		if (parameters.unpaidShare() <= 0) {
			return false;
		}
		long every = Math.round(1 / parameters.unpaidShare());
		return n % every == every - 1;
	}

	/** Creates and places the order, retrying like a checkout would: through crashes, a database away, a failed place. */
	private Answer create(PayReconProcess payrecon, String account, String no, long amount, Instant deadline) {
		Map<String, Object> body = Map.of("accountId", account, "outTradeNo", no, "amount", amount, "currency", "CNY",
				"description", "chaos " + no, "placeWithProvider", true);
		Answer[] last = new Answer[1];
		retry(deadline, "create " + no, () -> {
			Answer answer = payrecon.send("POST", "/api/orders", body, Map.of("Authorization", "Bearer " + API_TOKEN));
			last[0] = answer;
			if (answer.status() == 200 || answer.status() == 201) {
				return true;
			}
			if (answer.status() >= 500) {
				return false; // 502: created, not placed (the provider failed); 503/500: database away. Same request again.
			}
			throw new IllegalStateException("create " + no + ": HTTP " + answer.status() + " " + answer.body());
		});
		return last[0];
	}

	/** The payer pays at the provider; false when the provider does not know the order. */
	private boolean pay(PayReconProcess provider, String account, String no, Instant deadline) {
		boolean[] known = { true };
		retry(deadline, "pay " + no, () -> {
			Answer answer = provider.send("POST", "/sandbox/api/orders/" + account + "/" + no + "/pay", Map.of(), Map.of());
			if (answer.status() == 200) {
				return true;
			}
			if (answer.status() == 404) {
				known[0] = false;
				return true;
			}
			throw new IllegalStateException("pay " + no + ": HTTP " + answer.status() + " " + answer.body());
		});
		return known[0];
	}

	private static void retry(Instant deadline, String what, java.util.function.BooleanSupplier call) {
		while (Instant.now().isBefore(deadline)) {
			try {
				if (call.getAsBoolean()) {
					return;
				}
			}
			catch (UncheckedIOException ex) {
				// PayRecon is down or was killed mid-request: like a checkout, try again
			}
			sleep(250);
		}
		throw new IllegalStateException(what + ": not done before the run's deadline");
	}

	private void killAndRestart(PayReconProcess payrecon, int n) {
		Instant killed = Instant.now();
		long pid = payrecon.pid();
		payrecon.kill();
		note("SIGKILL %d: PayRecon pid %d killed", n, pid);
		payrecon.restart();
		payrecon.awaitStarted(Duration.ofSeconds(150));
		Instant back = Instant.now();
		note("SIGKILL %d: PayRecon back as pid %d after %.1f s", n, payrecon.pid(), seconds(killed, back));
	}

	private void restartDatabase(EmbeddedMariaDb db, int n) {
		Instant stopped = Instant.now();
		db.stop(); // returns once the old server has released its port
		note("database restart %d: PayRecon's MariaDB stopped", n);
		sleep(2_000);
		db.restart(); // tried again by EmbeddedMariaDb when slow to become ready
		Instant back = Instant.now();
		dbDown.add(new Window(stopped, back));
		note("database restart %d: MariaDB back on port %d after %.1f s", n, db.port(), seconds(stopped, back));
	}

	/**
	 * Waits until the provider has no delivery left to make and every order it considers paid is PAID in PayRecon
	 * (the sweep repairs the rest), or the run's time is up; the checks then say what is missing.
	 */
	private void settle(EmbeddedMariaDb payreconDb, EmbeddedMariaDb providerDb, Set<String> paid) throws InterruptedException {
		Instant deadline = Instant.ofEpochMilli(System.currentTimeMillis()).plus(remaining());
		try (CloseableDSLContext pr = dsl(payreconDb); CloseableDSLContext pv = dsl(providerDb)) {
			long lastPrint = 0;
			while (true) {
				int unfinished = pv.fetchCount(SANDBOX_DELIVERY, SANDBOX_DELIVERY.OUT_TRADE_NO.startsWith(prefix),
						SANDBOX_DELIVERY.STATUS.notIn("DELIVERED", "DROPPED", "GAVE_UP", "CANCELLED"));
				Set<String> paidHere = new HashSet<>(pr.select(PAYMENT_ORDER.OUT_TRADE_NO)
					.from(PAYMENT_ORDER)
					.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix),
							PAYMENT_ORDER.STATUS.in("PAID", "PARTIALLY_REFUNDED", "REFUNDED"))
					.fetch(PAYMENT_ORDER.OUT_TRADE_NO));
				long missing = paid.stream().filter(no -> !paidHere.contains(no)).count();
				int refundsOpen = refundsOpen(pr, pv);
				// issue 15: every event fanned out to the receiver's endpoint and delivered
				int events = pr.fetchCount(OUTBOX_EVENT);
				int webhooksDue = events - pr.fetchCount(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.STATUS.eq("DELIVERED"));
				if (unfinished == 0 && missing == 0 && refundsOpen == 0 && webhooksDue == 0) {
					note("settled: no delivery left, all %d paid orders paid, every refund settled on both sides, all %d "
							+ "events delivered to the receiver", paid.size(), events);
					return;
				}
				if (Instant.now().isAfter(deadline)) {
					note("time is up: %d deliveries unfinished, %d paid orders not paid, %d refunds not settled, %d events "
							+ "not delivered to the receiver", unfinished, missing, refundsOpen, webhooksDue);
					return;
				}
				if (System.nanoTime() - lastPrint > 10_000_000_000L) {
					System.out.printf("[%6.1f s] settling: %d deliveries unfinished, %d paid orders not paid yet, %d refunds "
							+ "not settled, %d events not delivered to the receiver yet%n", elapsedSeconds(), unfinished,
							missing, refundsOpen, webhooksDue);
					lastPrint = System.nanoTime();
				}
				Thread.sleep(1_000);
			}
		}
		finally {
			long sandboxPaid = 0;
			try (CloseableDSLContext pv = dsl(providerDb)) {
				sandboxPaid = pv.fetchCount(SANDBOX_ORDER, SANDBOX_ORDER.OUT_TRADE_NO.startsWith(prefix),
						SANDBOX_ORDER.STATUS.eq("SUCCESS"));
			}
			note("provider ledger: %d orders paid", sandboxPaid);
		}
	}

	/**
	 * Refunds not settled yet: PayRecon's still REQUESTED or PROCESSING, or the provider's still PROCESSING, or a
	 * refund the provider finished that PayRecon does not show in the same state (SUCCESS; CHANGE as ABNORMAL); not the
	 * platform refunds only the bill can tell ({@link ChaosChecks#billOnlyRefunds}).
	 */
	private int refundsOpen(CloseableDSLContext pr, CloseableDSLContext pv) {
		Map<String, String> here = pr.select(REFUND.OUT_REFUND_NO, REFUND.STATUS)
			.from(REFUND)
			.where(REFUND.OUT_TRADE_NO.startsWith(prefix))
			.fetchMap(REFUND.OUT_REFUND_NO, REFUND.STATUS);
		Map<String, String> there = pv.select(SANDBOX_REFUND.OUT_REFUND_NO, SANDBOX_REFUND.STATUS)
			.from(SANDBOX_REFUND)
			.join(SANDBOX_ORDER).on(SANDBOX_ORDER.ID.eq(SANDBOX_REFUND.ORDER_ID))
			.where(SANDBOX_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.fetchMap(SANDBOX_REFUND.OUT_REFUND_NO, SANDBOX_REFUND.STATUS);
		int open = (int) here.values().stream().filter(s -> s.equals("REQUESTED") || s.equals("PROCESSING")).count();
		Set<String> billOnly = ChaosChecks.billOnlyRefunds(pv, pr, prefix);
		for (var e : there.entrySet()) {
			if (!here.containsKey(e.getKey()) && billOnly.contains(e.getKey())) {
				continue; // only the day's bill tells: not the chaos run's to wait for
			}
			String expected = switch (e.getValue()) {
				case "SUCCESS" -> "SUCCESS";
				case "CHANGE" -> "ABNORMAL";
				case "REFUNDCLOSE" -> "CLOSED";
				default -> null;
			};
			if (expected == null || !expected.equals(here.get(e.getKey()))) {
				open++;
			}
		}
		return open;
	}

	private Duration remaining() {
		return parameters.timeout().minusNanos(System.nanoTime() - startedNanos);
	}

	private static CloseableDSLContext dsl(EmbeddedMariaDb db) {
		return DSL.using(db.jdbcUrl(), db.ownerUsername(), db.ownerPassword());
	}

	private void deleteLogs() throws IOException {
		Path logs = dir.resolve("logs");
		if (Files.isDirectory(logs)) {
			try (var files = Files.list(logs)) {
				for (Path f : files.toList()) {
					Files.delete(f);
				}
			}
		}
	}

	private synchronized void note(String format, Object... args) {
		String line = String.format("[%6.1f s] ", elapsedSeconds()) + String.format(format, args);
		timeline.add(line);
		System.out.println(line);
	}

	private double elapsedSeconds() {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

	private static double seconds(Instant from, Instant to) {
		return Duration.between(from, to).toMillis() / 1000.0;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}
}
