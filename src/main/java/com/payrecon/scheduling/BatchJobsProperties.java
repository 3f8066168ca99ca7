package com.payrecon.scheduling;

import java.time.ZoneId;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.batch-jobs}: where the job catalogue is read from.
 *
 * @param location a directory of {@code *.yaml} files. Unset: {@code ./batch-jobs} if that directory exists, else the
 * copy packaged in the jar ({@code classpath:batch-jobs/}). Set: that directory must exist.
 * @param defaultZone the zone of a cron expression whose file names none
 */
@ConfigurationProperties("payrecon.batch-jobs")
public record BatchJobsProperties(@Nullable String location, @DefaultValue("Asia/Shanghai") ZoneId defaultZone) {
}
