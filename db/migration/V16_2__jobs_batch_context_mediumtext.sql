-- A dry run of daily-reconciliation keeps its result (status, totals, up to 200 discrepancies) in its job execution
-- context, so that the console shows it without anything written to the reconciliation tables: TEXT (64 KiB) is
-- too small for that, MEDIUMTEXT (16 MiB) is not.
-- [jooq ignore start]
ALTER TABLE BATCH_JOB_EXECUTION_CONTEXT MODIFY SERIALIZED_CONTEXT MEDIUMTEXT;
ALTER TABLE BATCH_STEP_EXECUTION_CONTEXT MODIFY SERIALIZED_CONTEXT MEDIUMTEXT;
-- [jooq ignore stop]
