package com.payrecon.support.db;

import java.sql.SQLException;

import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Whether the calling thread has a database transaction open, for the checks of the transaction rule
 * (docs/transactions.md): {@link TransactionRetry} refuses to run inside one, and no provider is called inside one.
 * Only a real transaction on a connection counts; the "transaction" of a Spring Batch step that runs with a
 * {@code ResourcelessTransactionManager} (no database behind it) does not.
 */
public final class DatabaseTransactions {

	private DatabaseTransactions() {
	}

	public static boolean isOpen() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return false;
		}
		for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
			if (resource instanceof ConnectionHolder holder && holder.isSynchronizedWithTransaction() && inTransaction(holder)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A connection bound to the thread with auto-commit off: a transaction manager began a transaction on it (a
	 * connection bound only for a synchronization keeps auto-commit on).
	 */
	private static boolean inTransaction(ConnectionHolder holder) {
		try {
			return !holder.getConnection().getAutoCommit();
		}
		catch (SQLException | IllegalStateException ex) {
			return false; // released or closed: no transaction to speak of
		}
	}

	/** Refuses {@code what} (a provider call, a retried transaction) inside an open database transaction. */
	public static void refuseInside(String what) {
		if (isOpen()) {
			throw new TransactionRuleViolation(what + " inside an open database transaction (see docs/transactions.md): "
					+ "open the transaction where the use case starts, and call providers before or after it");
		}
	}

	/** A programming error: the code breaks the project's transaction rule. */
	public static class TransactionRuleViolation extends IllegalStateException {
		public TransactionRuleViolation(String message) {
			super(message);
		}
	}
}
