package com.payrecon.scheduling;

import static com.payrecon.db.Tables.ORDER_EVENT;
import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.payrecon.support.Await;
import com.payrecon.support.db.EmbeddedMariaDb;
import com.payrecon.support.process.BatchTables;
import com.payrecon.support.process.BatchTables.Execution;
import com.payrecon.support.process.PayReconProcess;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Threat case S2 with real processes: two PayRecon JVMs on one MariaDB form a Quartz cluster; the node running the
 * stale-pending sweep over a few hundred stale orders (paid at the sandbox, every notification dropped) is killed
 * with SIGKILL while its Batch execution is STARTED and part of the orders are settled. The other node notices the
 * missed check-ins, Quartz re-fires the lost slot ({@code requestsRecovery}), {@link BatchRuns} marks the orphaned
 * execution FAILED and restarts that slot, and the restart asks only about the orders still PENDING: the sweep's
 * restart point is the orders' own state, committed one order at a time. Every order ends PAID with exactly one PAID
 * event. Logs of both nodes: {@code target/node-death/}.
 */
class NodeDeathIT {

	static final String JOB = "stale-pending-sweep";
	static final String ACCOUNT = "death-wx2";
	static final String API_TOKEN = "node-death-token-0123456789";
	static final int ORDERS = 200;
	static final String FLYWAY_DONE = "Successfully applied|is up to date";
	static final Path DIR = Path.of("target/node-death").toAbsolutePath();

	EmbeddedMariaDb db;
	org.jooq.CloseableDSLContext dsl;
	final List<PayReconProcess> nodes = new ArrayList<>();

	@BeforeEach
	void database() {
		db = EmbeddedMariaDb.acquire(DIR.resolve("mariadb"), 0, "node_death", true);
		dsl = DSL.using(db.jdbcUrl(), db.ownerUsername(), db.ownerPassword());
	}

	@AfterEach
	void stop() {
		nodes.forEach(PayReconProcess::kill);
		if (dsl != null) {
			dsl.close();
		}
		db.release();
	}

	@Test
	void theSurvivorRecoversTheDeadNodesSweepAndEveryOrderIsPaidExactlyOnce() throws Exception {
		Path config = writeConfiguration();
		PayReconProcess a = node("node-a", config);
		a.awaitLog(FLYWAY_DONE, Duration.ofSeconds(120)); // one node migrates the empty database, then the other starts
		PayReconProcess b = node("node-b", config);
		a.awaitStarted(Duration.ofSeconds(120));
		b.awaitStarted(Duration.ofSeconds(120));

		String prefix = "ND" + System.currentTimeMillis() % 1_000_000_000L;
		List<String> numbers = new ArrayList<>();
		for (int i = 0; i < ORDERS; i++) {
			numbers.add(prefix + "N" + i);
		}
		placePaidOrders(a, numbers);

		// the node whose sweep is STARTED and has settled some orders, but not all, dies like a crashed machine
		Execution running = await(Duration.ofSeconds(60), () -> started().filter(e -> paid(prefix) >= 30));
		PayReconProcess victim = running.firedBy().equals("quartz:node-a") ? a : b;
		PayReconProcess survivor = victim == a ? b : a;
		victim.kill();
		int paidAtDeath = paid(prefix);
		int pendingAtDeath = ORDERS - paidAtDeath;
		System.out.printf("node death: killed %s running execution %d with %d of %d orders paid%n", victim.name(),
				running.id(), paidAtDeath, ORDERS);
		assertThat(pendingAtDeath).as("killed mid-run").isPositive();

		Execution restarted = await(Duration.ofSeconds(90), () -> BatchTables.executions(dsl, JOB).stream()
			.filter(e -> e.instanceId() == running.instanceId() && e.id() != running.id() && e.status().equals("COMPLETED"))
			.findFirst());
		Execution dead = BatchTables.executions(dsl, JOB).stream().filter(e -> e.id() == running.id()).findFirst().orElseThrow();
		System.out.printf("node death: %s restarted slot %s as execution %d: read %d, wrote %d%n", survivor.name(),
				running.fireTime(), restarted.id(), restarted.readCount(), restarted.writeCount());

		assertThat(dead.status()).as("the orphan is marked FAILED, not left STARTED").isEqualTo("FAILED");
		assertThat(restarted.firedBy()).isEqualTo("quartz:" + survivor.name());
		assertThat(restarted.fireTime()).as("the lost slot itself is restarted").isEqualTo(running.fireTime());
		assertThat(restarted.readCount()).as("the restart asks only about the orders the dead node had not settled")
			.isEqualTo(pendingAtDeath)
			.isLessThan(ORDERS);
		assertThat(restarted.writeCount()).isEqualTo(pendingAtDeath);
		assertThat(survivor.logText()).contains("execution " + running.id() + " was left STARTED by a node that died");

		assertThat(paid(prefix)).isEqualTo(ORDERS);
		List<Integer> paidEventsPerOrder = dsl.select(DSL.count(ORDER_EVENT.ID))
			.from(PAYMENT_ORDER)
			.leftJoin(ORDER_EVENT).on(ORDER_EVENT.ORDER_ID.eq(PAYMENT_ORDER.ID), ORDER_EVENT.TO_STATUS.eq("PAID"))
			.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix))
			.groupBy(PAYMENT_ORDER.ID)
			.fetch(DSL.count(ORDER_EVENT.ID));
		assertThat(paidEventsPerOrder).as("one PAID event per order").hasSize(ORDERS).containsOnly(1);
		assertThat(dsl.selectDistinct(ORDER_EVENT.SOURCE)
			.from(ORDER_EVENT)
			.join(PAYMENT_ORDER).on(PAYMENT_ORDER.ID.eq(ORDER_EVENT.ORDER_ID))
			.where(PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), ORDER_EVENT.TO_STATUS.eq("PAID"))
			.fetch(ORDER_EVENT.SOURCE)).containsExactly("QUERY");
	}

	private PayReconProcess node(String name, Path config) {
		PayReconProcess node = PayReconProcess.start(name, DIR.resolve("logs"), Map.of(
				"spring.config.additional-location", "file:" + config,
				"spring.datasource.url", db.jdbcUrl(),
				"spring.datasource.username", db.ownerUsername(), // it migrates the empty database
				"spring.datasource.password", db.ownerPassword(),
				"spring.datasource.hikari.connection-timeout", "10000", // busy machines: logins can take seconds
				"spring.quartz.properties.org.quartz.scheduler.instanceId", name,
				"spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval", "1000",
				"payrecon.batch-jobs.location", DIR.resolve("batch-jobs").toString()));
		nodes.add(node);
		return node;
	}

	/** The sandbox has each order placed and paid (its notification dropped), then PayRecon gets the order. */
	private void placePaidOrders(PayReconProcess node, List<String> numbers) throws Exception {
		try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
			List<Future<?>> done = new ArrayList<>();
			for (String no : numbers) {
				done.add(pool.submit(() -> {
					node.send("POST", "/sandbox/api/orders", Map.of("merchantId", ACCOUNT, "outTradeNo", no, "amount", 1000),
							Map.of()).expect(200, 201);
					node.send("POST", "/sandbox/api/orders/" + ACCOUNT + "/" + no + "/pay", Map.of(), Map.of()).expect(200);
					node.send("POST", "/api/orders", Map.of("accountId", ACCOUNT, "outTradeNo", no, "amount", 1000,
							"currency", "CNY", "description", "node death"), Map.of("Authorization", "Bearer " + API_TOKEN))
						.expect(201);
				}));
			}
			for (Future<?> f : done) {
				f.get();
			}
		}
	}

	private Optional<Execution> started() {
		return BatchTables.executions(dsl, JOB).stream().filter(e -> e.status().equals("STARTED")).findFirst();
	}

	private int paid(String prefix) {
		return dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.OUT_TRADE_NO.startsWith(prefix), PAYMENT_ORDER.STATUS.eq("PAID"));
	}

	private static <T> T await(Duration timeout, Supplier<Optional<T>> condition) {
		return Await.until(timeout, condition);
	}

	/**
	 * Both nodes: one WeChat Pay v2 account on the in-process sandbox (its ledger is in the shared database, so either
	 * node's sandbox answers for every order), all notifications dropped, 50 ms per query; the provider clients' rate
	 * limit (10 questions a second) makes the sweep take about 20 s. The catalogue holds the sweep only, every 5 s.
	 */
	private static Path writeConfiguration() throws Exception {
		Files.createDirectories(DIR.resolve("batch-jobs"));
		Files.writeString(DIR.resolve("batch-jobs/stale-pending-sweep.yaml"), """
				name: stale-pending-sweep
				cron: "0/5 * * * * ?"
				zone: Asia/Shanghai
				enabled: true
				parameters:
				  staleAfter: PT2S
				  concurrency: 2
				""");
		Path config = DIR.resolve("node.yaml");
		Files.writeString(config, """
				payrecon:
				  api-clients:
				    - name: node-death
				      token: %s
				  accounts:
				    - id: %s
				      channel: wechatpay-v2
				      app-id: wx2421b1c4370ec43b
				      mch-id: "10000170"
				      api-key: 3c6e0b8a7017b5d6c4f9e2a1d0b3c5e7
				      sign-type: MD5
				      base-url: self:/sandbox/wechatpay
				  sandbox:
				    enabled: true
				    merchants:
				      - id: %s
				        channel: wechatpay-v2
				        app-id: wx2421b1c4370ec43b
				        mch-id: "10000170"
				        api-key: 3c6e0b8a7017b5d6c4f9e2a1d0b3c5e7
				        sign-type: MD5
				        faults:
				          drop-share: 1.0
				          query-latency: 50ms
				""".formatted(API_TOKEN, ACCOUNT, ACCOUNT));
		return config;
	}
}
