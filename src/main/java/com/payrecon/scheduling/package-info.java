/**
 * Scheduling: the {@code batch-jobs/} catalogue (one YAML file per job), its start-up synchronisation into clustered
 * Quartz triggers, the bridge from a Quartz firing to a Spring Batch run, and {@link com.payrecon.scheduling.JobOperations},
 * the operator's view of schedules and runs (run now, restart, recover). Jobs themselves live in their owning modules
 * as {@code *JobConfiguration} classes; this module only needs their {@code Job} beans.
 */
@NullMarked
package com.payrecon.scheduling;

import org.jspecify.annotations.NullMarked;
