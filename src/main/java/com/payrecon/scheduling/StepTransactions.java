package com.payrecon.scheduling;

import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The two transaction rules a Batch step may state (docs/transactions.md). Every step names one of them explicitly;
 * none relies on a builder's default.
 *
 * <ul>
 * <li>{@link #none()}: no database transaction around a tasklet call or a chunk. For steps that call providers or
 * must commit per unit of work (per account, per attempt, per chunk of a purge): the step's code opens its own short
 * transactions through {@code TransactionRetry}, so one unit's failure undoes nothing else and nothing waits on a
 * network call with row locks held. The restart point of such a step lives in the application's own tables,
 * committed with the unit it describes.</li>
 * <li>the application's {@code PlatformTransactionManager}: one database transaction per chunk, committed together
 * with Spring Batch's restart point. Only for chunk steps that do nothing but database work.</li>
 * </ul>
 */
public final class StepTransactions {

	private static final PlatformTransactionManager NONE = new ResourcelessTransactionManager();

	private StepTransactions() {
	}

	/** No database transaction around the step's work: its code commits its own units. */
	public static PlatformTransactionManager none() {
		return NONE;
	}
}
