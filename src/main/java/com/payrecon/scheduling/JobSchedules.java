package com.payrecon.scheduling;

import java.util.Set;
import java.util.TimeZone;
import java.util.stream.Collectors;

import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes the Quartz job store match the catalogue, once at start-up and before the scheduler starts: one durable,
 * recoverable job per entry, one cron trigger per enabled entry. A trigger whose cron, zone or parameters changed is
 * replaced; an unchanged one is kept as it is, so its misfire state survives a restart; jobs no longer in the
 * catalogue are deleted and disabled entries lose their trigger. Runs in one transaction, so nodes starting together
 * take turns (Quartz's row lock). All nodes of a cluster must use the same catalogue.
 *
 * <p>Misfire policy (threat case S7): {@code MISFIRE_INSTRUCTION_FIRE_ONCE_NOW}. A slot missed by more than
 * {@code org.quartz.jobStore.misfireThreshold} (downtime, all threads busy) gives one run as soon as the scheduler can,
 * identified by that moment, then the schedule continues: never a burst of catch-up runs, never a silently skipped day.
 */
@Component
class JobSchedules implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(JobSchedules.class);
	static final String GROUP = "payrecon-batch";
	static final String FINGERPRINT = "fingerprint";

	private final Scheduler scheduler;
	private final JobCatalogue catalogue;
	private final TransactionTemplate transactions;

	JobSchedules(Scheduler scheduler, JobCatalogue catalogue, PlatformTransactionManager transactionManager) {
		this.scheduler = scheduler;
		this.catalogue = catalogue;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@Override
	public void afterSingletonsInstantiated() {
		transactions.executeWithoutResult(status -> {
			try {
				synchronise();
			}
			catch (SchedulerException ex) {
				throw new IllegalStateException("Could not bring the Quartz schedule in line with the job catalogue: " + ex.getMessage(), ex);
			}
		});
	}

	private void synchronise() throws SchedulerException {
		for (CatalogueEntry entry : catalogue.entries()) {
			JobDetail job = JobBuilder.newJob(QuartzBatchBridge.class)
				.withIdentity(jobKey(entry.name()))
				.withDescription("Spring Batch job " + entry.name() + " (" + entry.source() + ")")
				.storeDurably()
				.requestRecovery()
				.build();
			scheduler.addJob(job, true);
			TriggerKey key = triggerKey(entry.name());
			Trigger current = scheduler.getTrigger(key);
			if (!entry.enabled()) {
				if (current != null) {
					scheduler.unscheduleJob(key);
					log.info("Job {}: disabled in {}, trigger removed", entry.name(), entry.source());
				}
				continue;
			}
			CronTrigger wanted = trigger(entry);
			if (current == null) {
				scheduler.scheduleJob(wanted);
				log.info("Job {}: scheduled '{}' in {}", entry.name(), entry.cron(), entry.zone());
			}
			else if (!matches(current, entry)) {
				scheduler.rescheduleJob(key, wanted);
				log.info("Job {}: {} changed, rescheduled '{}' in {}", entry.name(), entry.source(), entry.cron(), entry.zone());
			}
		}
		Set<String> names = catalogue.entries().stream().map(CatalogueEntry::name).collect(Collectors.toSet());
		for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
			if (!names.contains(key.getName())) {
				scheduler.deleteJob(key);
				log.info("Job {}: no longer in the catalogue, unscheduled", key.getName());
			}
		}
	}

	static CronTrigger trigger(CatalogueEntry entry) {
		return TriggerBuilder.newTrigger()
			.withIdentity(triggerKey(entry.name()))
			.forJob(jobKey(entry.name()))
			.withDescription(entry.source())
			.usingJobData(FINGERPRINT, entry.fingerprint())
			.withSchedule(CronScheduleBuilder.cronSchedule(entry.cron())
				.inTimeZone(TimeZone.getTimeZone(entry.zone()))
				.withMisfireHandlingInstructionFireAndProceed())
			.build();
	}

	private static boolean matches(Trigger current, CatalogueEntry entry) {
		return current instanceof CronTrigger cron && cron.getCronExpression().equals(entry.cron())
				&& cron.getTimeZone().getID().equals(entry.zone().getId())
				&& cron.getMisfireInstruction() == CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW
				&& entry.fingerprint().equals(cron.getJobDataMap().getString(FINGERPRINT));
	}

	static JobKey jobKey(String name) {
		return JobKey.jobKey(name, GROUP);
	}

	static TriggerKey triggerKey(String name) {
		return TriggerKey.triggerKey(name, GROUP);
	}
}
