package com.payrecon.support.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a unit of work in its own transaction and runs it again, whole, when MariaDB/MySQL chose it as a deadlock
 * victim (1213) or it waited too long for a lock (1205), or when the pool handed out a connection that died with a
 * database restart (it fails at once and is evicted). Bounded: after {@link #MAX_ATTEMPTS} the last error is thrown,
 * so that the caller can answer the provider with a failure and let it retry later. A pool that cannot connect at all
 * (the database is down) is not retried: the caller must answer quickly.
 *
 * <p>The transaction rule (docs/transactions.md): whoever starts a use case opens its transaction, here or with a
 * {@code @Transactional} service method; services join. This class <em>opens</em> transactions and refuses to run inside
 * one: joined to an outer transaction it could neither commit on its own nor retry (InnoDB rolls back the whole
 * outer transaction on a deadlock), and a failure would mark the outer one rollback-only. A Batch tasklet or writer
 * that calls it runs in a step without a database transaction ({@code StepTransactions.none()}).
 */
@Component
public class TransactionRetry {

	private static final Logger log = LoggerFactory.getLogger(TransactionRetry.class);
	public static final int MAX_ATTEMPTS = 6;

	private final TransactionTemplate transactions;

	TransactionRetry(PlatformTransactionManager transactionManager) {
		this.transactions = new TransactionTemplate(transactionManager);
	}

	public <T> T inTransaction(Supplier<T> work) {
		DatabaseTransactions.refuseInside("TransactionRetry.inTransaction");
		for (int attempt = 1;; attempt++) {
			try {
				return transactions.execute(status -> work.get());
			}
			catch (RuntimeException ex) {
				if (attempt >= MAX_ATTEMPTS) {
					throw ex;
				}
				if (isRetryable(ex)) {
					log.info("Transaction attempt {} lost a lock race ({}), retrying", attempt, errorCode(ex));
					pause(attempt);
				}
				else if (isStaleConnection(ex)) {
					log.info("Transaction attempt {} met a dead pooled connection, retrying on another", attempt);
				}
				else {
					throw ex;
				}
			}
		}
	}

	/** Deadlock (1213) or lock wait timeout (1205), however the driver and translator wrapped it. */
	public static boolean isRetryable(Throwable ex) {
		if (ex instanceof PessimisticLockingFailureException) {
			return true;
		}
		int code = errorCode(ex);
		return code == 1213 || code == 1205;
	}

	/**
	 * A connection-class failure (SQLState 08…) on a connection the pool had handed out; not a pool that could not
	 * connect at all ({@link SQLTransientConnectionException}: the database is down, retrying would only add delay).
	 */
	static boolean isStaleConnection(Throwable ex) {
		boolean connectionFailure = false;
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLTransientConnectionException) {
				return false;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
				connectionFailure = true;
			}
			if (t.getClass().getName().startsWith("com.mysql.cj.exceptions.C")) { // CJCommunications / ConnectionIsClosed
				connectionFailure = true;
			}
		}
		return connectionFailure;
	}

	static int errorCode(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
				return sql.getErrorCode();
			}
		}
		return 0;
	}

	private static void pause(int attempt) {
		long millis = Math.min(200, 5L << attempt) + ThreadLocalRandom.current().nextLong(10);
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting to retry a transaction", ex);
		}
	}
}
