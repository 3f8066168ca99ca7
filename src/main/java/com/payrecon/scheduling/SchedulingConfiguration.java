package com.payrecon.scheduling;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import io.micrometer.observation.ObservationPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.Job;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the catalogue once at start-up; a wrong file stops the application here. */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration {

	/** The bean name of Boot's {@code SchedulerFactoryBean}. */
	static final String QUARTZ_SCHEDULER = "quartzScheduler";

	private static final Logger log = LoggerFactory.getLogger(SchedulingConfiguration.class);

	@Bean
	JobCatalogue jobCatalogue(BatchJobsProperties properties, List<Job> jobs, AccountRegistry accounts) {
		var loader = new JobCatalogueLoader(jobs.stream().map(Job::getName).collect(Collectors.toSet()),
				properties.defaultZone(), id -> accounts.find(id).map(Account::zone).orElse(null));
		JobCatalogue catalogue = new JobCatalogue(loader.load(properties.location()));
		log.info("Job catalogue: {}", catalogue.entries()
			.stream()
			.map(e -> e.name() + " [" + e.cron() + " " + e.zone() + (e.enabled() ? "" : ", disabled") + "] from " + e.source())
			.toList());
		return catalogue;
	}

	/**
	 * Spring Batch 6 observes every item a chunk step reads and processes (a Micrometer observation with its tags and a
	 * long task timer each): for a 1,000,000-line bill about a third of the match step thread's CPU (issue 17, JFR).
	 * Those two observations are dropped; the job's, the steps' and each chunk write's stay
	 * ({@code spring_batch_job_seconds}, README). A step's own registry cannot be set: Batch's bean post-processor
	 * gives every step the application's.
	 */
	@Bean
	ObservationPredicate noObservationPerBatchItem() {
		return (name, context) -> !ITEM_OBSERVATIONS.contains(name);
	}

	private static final Set<String> ITEM_OBSERVATIONS = Set.of("spring.batch.item.read", "spring.batch.item.process");

	/**
	 * Quartz's cluster manager keeps using the database until the scheduler shuts down, but Boot hands the scheduler
	 * its DataSource lazily, so nothing orders their destruction: the scheduler is made to depend on the data sources
	 * so that it shuts down first (no "HikariDataSource has been closed" errors at shutdown).
	 */
	@Bean
	static BeanFactoryPostProcessor quartzShutsDownBeforeTheDataSource() {
		return beanFactory -> {
			if (!beanFactory.containsBeanDefinition(QUARTZ_SCHEDULER)) {
				return;
			}
			BeanDefinition scheduler = beanFactory.getBeanDefinition(QUARTZ_SCHEDULER);
			Set<String> dependsOn = new LinkedHashSet<>();
			if (scheduler.getDependsOn() != null) {
				dependsOn.addAll(Arrays.asList(scheduler.getDependsOn()));
			}
			dependsOn.addAll(Arrays.asList(beanFactory.getBeanNamesForType(DataSource.class, false, false)));
			scheduler.setDependsOn(dependsOn.toArray(String[]::new));
		};
	}
}
