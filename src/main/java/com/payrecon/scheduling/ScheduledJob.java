package com.payrecon.scheduling;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** A catalogue entry with its trigger's times (null when disabled or when Quartz has none). */
public record ScheduledJob(String name, String cron, ZoneId zone, boolean enabled, Map<String, Object> parameters,
		String source, @Nullable Instant nextFireTime, @Nullable Instant previousFireTime) {
}
