package com.payrecon.scheduling;

import java.util.List;
import java.util.stream.Collectors;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.Job;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Loads the catalogue once at start-up; a wrong file stops the application here. */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration {

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
}
