package com.payrecon.scheduling;

import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.when;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import org.jooq.DSLContext;
import org.jooq.Field;

import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Spring Batch's history (job instances with their executions, parameters, contexts and steps) older than the
 * retention period, deleted through the job repository, one instance at a time. An instance with an execution still
 * running is never touched. Quartz keeps no history of its own: a fired trigger's row goes when the firing ends, and
 * one-shot triggers (run now, retries) are removed once fired.
 */
@Component
public class BatchHistory {

	private static final Field<Long> INSTANCE = field("JOB_INSTANCE_ID", Long.class);
	private static final Field<LocalDateTime> ENDED = coalesce(field("END_TIME", LocalDateTime.class),
			field("START_TIME", LocalDateTime.class), field("CREATE_TIME", LocalDateTime.class));
	private static final Field<String> STATUS = field("STATUS", String.class);

	private final JobRepository repository;
	private final DSLContext dsl;

	BatchHistory(JobRepository repository, DSLContext dsl) {
		this.repository = repository;
		this.dsl = dsl;
	}

	/** Deletes up to {@code limit} job instances whose last execution ended before {@code before}; returns how many. */
	public int purgeChunk(Instant before, int limit) {
		// Spring Batch records local date-times of the JVM's default zone
		LocalDateTime cutoff = LocalDateTime.ofInstant(before, ZoneId.systemDefault());
		List<Long> ids = dsl.select(INSTANCE)
			.from(table("BATCH_JOB_EXECUTION"))
			.groupBy(INSTANCE)
			.having(max(ENDED).lt(cutoff)
				.and(sum(when(STATUS.in("STARTING", "STARTED", "STOPPING"), 1).otherwise(0)).eq(java.math.BigDecimal.ZERO)))
			.orderBy(INSTANCE)
			.limit(limit)
			.fetch(INSTANCE);
		int deleted = 0;
		for (long id : ids) {
			JobInstance instance = repository.getJobInstance(id);
			if (instance != null) {
				repository.deleteJobInstance(instance);
				deleted++;
			}
		}
		return deleted;
	}
}
