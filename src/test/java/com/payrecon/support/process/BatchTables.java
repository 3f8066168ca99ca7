package com.payrecon.support.process;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import java.util.List;

import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Reads Spring Batch's own tables of another process's database (jOOQ does not generate classes for {@code BATCH_*}:
 * they belong to Spring Batch). Used by tests that watch a child PayRecon's job runs from outside.
 */
public final class BatchTables {

	private static final Table<?> JOB_INSTANCE = table(name("BATCH_JOB_INSTANCE"));
	private static final Table<?> JOB_EXECUTION = table(name("BATCH_JOB_EXECUTION"));
	private static final Table<?> PARAMS = table(name("BATCH_JOB_EXECUTION_PARAMS"));
	private static final Table<?> STEP_EXECUTION = table(name("BATCH_STEP_EXECUTION"));
	private static final Field<Long> INSTANCE_ID = field(name("BATCH_JOB_INSTANCE", "JOB_INSTANCE_ID"), Long.class);
	private static final Field<String> JOB_NAME = field(name("BATCH_JOB_INSTANCE", "JOB_NAME"), String.class);
	private static final Field<Long> EXECUTION_ID = field(name("BATCH_JOB_EXECUTION", "JOB_EXECUTION_ID"), Long.class);
	private static final Field<Long> EXECUTION_INSTANCE = field(name("BATCH_JOB_EXECUTION", "JOB_INSTANCE_ID"), Long.class);
	private static final Field<String> STATUS = field(name("BATCH_JOB_EXECUTION", "STATUS"), String.class);
	private static final Field<String> EXIT_MESSAGE = field(name("BATCH_JOB_EXECUTION", "EXIT_MESSAGE"), String.class);
	private static final Field<Long> STEP_JOB_EXECUTION = field(name("BATCH_STEP_EXECUTION", "JOB_EXECUTION_ID"), Long.class);
	private static final Field<Long> READ_COUNT = field(name("BATCH_STEP_EXECUTION", "READ_COUNT"), Long.class);
	private static final Field<Long> WRITE_COUNT = field(name("BATCH_STEP_EXECUTION", "WRITE_COUNT"), Long.class);

	/** One job execution with its slot ({@code fireTime}), its starter ({@code firedBy}) and its steps' counts summed. */
	public record Execution(long id, long instanceId, String status, String fireTime, String firedBy, long readCount,
			long writeCount, String exitMessage) {
	}

	private BatchTables() {
	}

	/** Every execution of the job, oldest first. */
	public static List<Execution> executions(DSLContext dsl, String jobName) {
		Table<?> fireTime = PARAMS.as("fire_time");
		Table<?> firedBy = PARAMS.as("fired_by");
		Field<String> fireTimeValue = field(name("fire_time", "PARAMETER_VALUE"), String.class);
		Field<String> firedByValue = field(name("fired_by", "PARAMETER_VALUE"), String.class);
		Field<Long> reads = dsl.select(DSL.sum(READ_COUNT).cast(Long.class))
			.from(STEP_EXECUTION)
			.where(STEP_JOB_EXECUTION.eq(EXECUTION_ID))
			.asField("reads");
		Field<Long> writes = dsl.select(DSL.sum(WRITE_COUNT).cast(Long.class))
			.from(STEP_EXECUTION)
			.where(STEP_JOB_EXECUTION.eq(EXECUTION_ID))
			.asField("writes");
		return dsl.select(EXECUTION_ID, INSTANCE_ID, STATUS, fireTimeValue, firedByValue, reads, writes, EXIT_MESSAGE)
			.from(JOB_EXECUTION)
			.join(JOB_INSTANCE).on(INSTANCE_ID.eq(EXECUTION_INSTANCE))
			.leftJoin(fireTime).on(field(name("fire_time", "JOB_EXECUTION_ID"), Long.class).eq(EXECUTION_ID),
					field(name("fire_time", "PARAMETER_NAME"), String.class).eq("fireTime"))
			.leftJoin(firedBy).on(field(name("fired_by", "JOB_EXECUTION_ID"), Long.class).eq(EXECUTION_ID),
					field(name("fired_by", "PARAMETER_NAME"), String.class).eq("firedBy"))
			.where(JOB_NAME.eq(jobName))
			.orderBy(EXECUTION_ID)
			.fetch(r -> new Execution(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
					r.value6() == null ? 0 : r.value6(), r.value7() == null ? 0 : r.value7(), r.value8()));
	}
}
