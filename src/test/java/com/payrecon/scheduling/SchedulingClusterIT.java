package com.payrecon.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.payrecon.PayReconApplication;
import com.payrecon.support.PayReconIT;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.CronTrigger;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whole PayRecon nodes (extra application contexts) on the IT database: clustering (S1), misfires (S7) and start-up
 * validation of the catalogue. Each test uses its own Quartz scheduler name, so the nodes form a cluster of their own
 * and leave the shared test context's scheduler alone.
 */
@PayReconIT
class SchedulingClusterIT {

	static final String JOB = "stale-pending-report";

	@Autowired DataSource dataSource;
	@Autowired JobRepository jobRepository;

	@TempDir Path catalogue;

	/** A firing as a node's Quartz saw it. */
	record Firing(String node, Instant scheduledFireTime) {
	}

	@Test
	void twoNodesOnOneDatabaseRunEachFiringExactlyOnce() throws Exception {
		writeEntry("* * * * * ?");
		String cluster = "it-cluster-" + UUID.randomUUID();
		var firings = new ConcurrentLinkedQueue<Firing>();
		// closed in start order: both nodes live in this JVM and share Quartz's static connection-provider registry
		// (keyed by scheduler name), where the last node started wins; in production each node is its own JVM
		ConfigurableApplicationContext a = node(cluster);
		ConfigurableApplicationContext b = node(cluster);
		try {
			Scheduler schedulerA = scheduler(a);
			Scheduler schedulerB = scheduler(b);
			record(schedulerA, "A", firings);
			record(schedulerB, "B", firings);
			CronTrigger trigger = (CronTrigger) schedulerA.getTrigger(JobSchedules.triggerKey(JOB));
			assertThat(trigger.getCronExpression()).isEqualTo("* * * * * ?");
			assertThat(trigger.getTimeZone().getID()).isEqualTo("Asia/Shanghai");
			assertThat(trigger.getMisfireInstruction()).isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);

			Instant from = Instant.now().plusSeconds(1);
			Thread.sleep(8_000);
			Instant to = Instant.now().minusSeconds(2);
			List<Firing> inWindow = firings.stream()
				.filter(f -> !f.scheduledFireTime().isBefore(from) && f.scheduledFireTime().isBefore(to))
				.toList();
			Set<String> instances = Set.of("quartz:" + schedulerA.getSchedulerInstanceId(),
					"quartz:" + schedulerB.getSchedulerInstanceId());
			schedulerA.clear(); // this cluster's triggers go with the test
			Map<Instant, List<JobExecution>> runs = runsByFireTime(instances);

			System.out.printf("cluster: %d firings in %s..%s, by node %s%n", inWindow.size(), from, to,
					inWindow.stream().collect(Collectors.groupingBy(Firing::node, Collectors.counting())));
			assertThat(inWindow).as("one firing per second").hasSizeGreaterThanOrEqualTo(4);
			assertThat(inWindow).extracting(Firing::scheduledFireTime).as("no slot fired on both nodes").doesNotHaveDuplicates();
			for (Firing firing : inWindow) {
				assertThat(runs.get(firing.scheduledFireTime())).as("runs of slot " + firing.scheduledFireTime())
					.singleElement()
					.satisfies(e -> assertThat(e.getStatus().name()).isEqualTo("COMPLETED"));
			}
		}
		finally {
			a.close();
			b.close();
		}
	}

	@Test
	void aTriggerWhoseSlotsPassedWhileTheNodeWasDownFiresOnceWhenItIsBack() throws Exception {
		// three slots 20-22 s from now: the node starts and stops before them, and is down while they pass
		ZonedDateTime first = ZonedDateTime.now(ZoneId.of("Asia/Shanghai")).plusSeconds(20).withNano(0);
		List<Instant> slots = List.of(first.toInstant(), first.plusSeconds(1).toInstant(), first.plusSeconds(2).toInstant());
		String seconds = slots.stream()
			.map(s -> String.valueOf(s.atZone(ZoneId.of("Asia/Shanghai")).getSecond()))
			.collect(Collectors.joining(","));
		writeEntry(seconds + " * * * * ?");
		String name = "it-misfire-" + UUID.randomUUID();

		try (var down = node(name)) {
			assertThat(scheduler(down).getTrigger(JobSchedules.triggerKey(JOB)).getNextFireTime().toInstant())
				.isEqualTo(slots.getFirst());
		}
		assertThat(Instant.now()).as("the node must be down before the first slot (start-up was too slow)")
			.isBefore(slots.getFirst());
		sleepUntil(slots.getLast().plusSeconds(2)); // misfireThreshold is 1 s for these nodes

		Instant restarted = Instant.now();
		try (var back = node(name)) {
			Scheduler scheduler = scheduler(back);
			// no firing listener here: the misfire handler fires as the scheduler starts, before a listener added
			// afterwards could hear it (a full suite under load lost that race); the runs below are the record
			String instance = "quartz:" + scheduler.getSchedulerInstanceId();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (runsByFireTime(Set.of(instance)).isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(200);
			}
			Thread.sleep(3_000); // room for a burst, if there were one
			scheduler.clear();
			Map<Instant, List<JobExecution>> runs = runsByFireTime(Set.of(instance));

			assertThat(runs).as("FIRE_ONCE_NOW: one run for the missed slots, not one per slot").hasSize(1);
			Instant fireTime = runs.keySet().iterator().next();
			assertThat(fireTime).as("identified by when it ran, not by a missed slot").isAfterOrEqualTo(restarted)
				.isNotIn(slots);
			assertThat(runs.values().iterator().next()).as("one run for that firing").hasSize(1);
		}
	}

	@Test
	void anInvalidCatalogueStopsStartUpWithAMessageNamingFileAndField() throws IOException {
		writeEntry("0 61 * * * ?");
		assertThatThrownBy(() -> node("it-invalid-" + UUID.randomUUID()).close())
			.satisfies(ex -> assertThat(rootCause(ex).getMessage())
				.contains(catalogue.resolve("stale-pending-report.yaml").toString() + ": cron: '0 61 * * * ?'"));

		Files.writeString(catalogue.resolve("stale-pending-report.yaml"), """
				name: stale-pending-report
				cron: "0 10 * * * ?"
				enabled: true
				parameters:
				  staleAfter: two hours
				""");
		assertThatThrownBy(() -> node("it-invalid-" + UUID.randomUUID()).close())
			.satisfies(ex -> assertThat(rootCause(ex).getMessage())
				.contains("stale-pending-report.yaml: parameters: staleAfter: not an ISO-8601 duration"));
	}

	private void writeEntry(String cron) throws IOException {
		Files.writeString(catalogue.resolve("stale-pending-report.yaml"), """
				name: stale-pending-report
				cron: "%s"
				zone: Asia/Shanghai
				enabled: true
				parameters:
				  staleAfter: PT2H
				  chunkSize: 500
				""".formatted(cron));
	}

	/** Another PayRecon on the same database, with its own Quartz scheduler name and this test's catalogue. */
	private ConfigurableApplicationContext node(String schedulerName) {
		HikariDataSource db = (HikariDataSource) dataSource;
		return new SpringApplicationBuilder(PayReconApplication.class).profiles("it")
			.run("--server.port=0", "--spring.datasource.url=" + db.getJdbcUrl(),
					"--spring.datasource.username=" + db.getUsername(),
					"--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
					"--spring.datasource.hikari.maximum-pool-size=6", "--spring.quartz.scheduler-name=" + schedulerName,
					"--payrecon.batch-jobs.location=" + catalogue,
					"--spring.quartz.properties.org.quartz.jobStore.misfireThreshold=1000",
					"--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=2000");
	}

	private static Scheduler scheduler(ConfigurableApplicationContext node) {
		return node.getBean(Scheduler.class);
	}

	private static void record(Scheduler scheduler, String node, Collection<Firing> firings) throws SchedulerException {
		scheduler.getListenerManager().addJobListener(new JobListener() {
			@Override
			public String getName() {
				return "it-recorder";
			}

			@Override
			public void jobToBeExecuted(JobExecutionContext context) {
				firings.add(new Firing(node, context.getScheduledFireTime().toInstant()));
			}

			@Override
			public void jobExecutionVetoed(JobExecutionContext context) {
			}

			@Override
			public void jobWasExecuted(JobExecutionContext context, JobExecutionException ex) {
			}
		});
	}

	/** This job's executions started by the given Quartz instances, by their fireTime parameter. */
	private Map<Instant, List<JobExecution>> runsByFireTime(Set<String> firedBy) {
		List<JobExecution> executions = new ArrayList<>();
		for (JobInstance instance : jobRepository.getJobInstances(JOB, 0, 300)) {
			for (JobExecution execution : jobRepository.getJobExecutions(instance)) {
				if (firedBy.contains(execution.getJobParameters().getString(JobParameterNames.FIRED_BY))) {
					executions.add(execution);
				}
			}
		}
		return executions.stream()
			.collect(Collectors.groupingBy(e -> Instant.parse(e.getJobParameters().getString(JobParameterNames.FIRE_TIME))));
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable t = ex;
		while (t.getCause() != null) {
			t = t.getCause();
		}
		return t;
	}

	private static void sleepUntil(Instant instant) throws InterruptedException {
		long millis = Duration.between(Instant.now(), instant).toMillis();
		if (millis > 0) {
			Thread.sleep(millis);
		}
	}
}
