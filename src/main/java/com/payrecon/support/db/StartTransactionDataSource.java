package com.payrecon.support.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.core.InfrastructureProxy;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The data source the transaction manager opens its transactions on (issue 17): a transaction begins with {@code START
 * TRANSACTION} and ends with {@code COMMIT} or {@code ROLLBACK} on a connection that stays in autocommit mode in the
 * pool, instead of the driver's {@code SET autocommit=0} before and {@code SET autocommit=1} after: one round trip
 * fewer per transaction (three per notification became two).
 * <p>
 * To Spring the connection behaves as JDBC says: {@code setAutoCommit(false)} begins a transaction and {@code
 * getAutoCommit()} is then false; {@code commit()} and {@code rollback()} end it, and the next statement created begins
 * another (a statement created before a commit and run after it would run in autocommit mode: Spring's transaction
 * manager never does that, it ends manual mode right after the commit); {@code setAutoCommit(true)} commits an open
 * one. A connection closed (given back to the pool) with a transaction open is rolled back first, or taken out of the
 * pool if that fails, so the pool never hands out a connection inside a transaction. A connection the pool hands out
 * with autocommit already off is passed through untouched. The driver's own idea of autocommit stays on throughout,
 * so neither the pool nor the driver resets anything at the end. Savepoints are the driver's (PayRecon uses none).
 * <p>
 * Only the transaction manager uses this; everything else (jOOQ, Spring Batch, Quartz) reaches the same connection
 * inside a transaction through the manager's binding, which is keyed by the target data source ({@link
 * InfrastructureProxy}), and takes its own pooled connections outside one. {@code StartTransactionDataSourceIT}.
 */
public final class StartTransactionDataSource extends DelegatingDataSource implements InfrastructureProxy {

	public StartTransactionDataSource(DataSource target) {
		super(target);
	}

	@Override
	public Connection getConnection() throws SQLException {
		return wrap(obtainTargetDataSource().getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return wrap(obtainTargetDataSource().getConnection(username, password));
	}

	/** Takes a connection out of the pool for good (closing it): Hikari's eviction, else a plain close. */
	private void evict(Connection connection) {
		try {
			if (obtainTargetDataSource() instanceof HikariDataSource hikari) {
				hikari.evictConnection(connection);
			}
			else {
				connection.close();
			}
		}
		catch (SQLException | RuntimeException ignored) {
			// closing a connection already in trouble
		}
	}

	@Override
	public Object getWrappedObject() {
		return obtainTargetDataSource();
	}

	private Connection wrap(Connection target) throws SQLException {
		if (!target.getAutoCommit()) {
			return target;
		}
		return (Connection) Proxy.newProxyInstance(StartTransactionDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new Lean(target));
	}

	/** Manual mode over a connection the driver keeps in autocommit mode. Used by one thread at a time, as JDBC's. */
	private final class Lean implements InvocationHandler {

		private final Connection target;
		/** Autocommit as the caller sees it is off. */
		private boolean manual;
		/** A transaction is open on the server (START TRANSACTION sent, not ended yet). */
		private boolean open;

		Lean(Connection target) {
			this.target = target;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "getAutoCommit":
					return !manual;
				case "setAutoCommit":
					boolean on = (Boolean) args[0];
					if (on && manual) {
						end("COMMIT"); // JDBC: switching autocommit on commits the transaction
					}
					else if (!on && !manual) {
						begin();
					}
					manual = !on;
					return null;
				case "commit":
					if (!manual) {
						break; // the driver's own answer (it refuses a commit in autocommit mode)
					}
					end("COMMIT");
					return null;
				case "rollback":
					if (!manual || args != null) {
						break; // to a savepoint: the driver's
					}
					end("ROLLBACK");
					return null;
				case "createStatement", "prepareStatement", "prepareCall":
					if (manual && !open) {
						begin(); // the next transaction after a commit or rollback in manual mode
					}
					break;
				case "close":
					manual = false;
					try {
						end("ROLLBACK"); // never back to the pool inside a transaction
					}
					catch (SQLException ex) {
						evict(target); // its state unknown: out of the pool, and the server rolls back
						throw ex;
					}
					break;
				case "equals":
					return proxy == args[0];
				case "hashCode":
					return System.identityHashCode(proxy);
				case "toString":
					return "StartTransaction(" + target + ")";
				case "unwrap":
					if (((Class<?>) args[0]).isInstance(proxy)) {
						return proxy;
					}
					break;
				case "isWrapperFor":
					if (((Class<?>) args[0]).isInstance(proxy)) {
						return true;
					}
					break;
				default:
					break;
			}
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

		private void begin() throws SQLException {
			send("START TRANSACTION");
			open = true;
		}

		private void end(String statement) throws SQLException {
			if (open) {
				open = false; // whatever the server says: the next statement begins afresh
				send(statement);
			}
		}

		private void send(String statement) throws SQLException {
			try (Statement s = target.createStatement()) {
				s.execute(statement);
			}
		}
	}
}
