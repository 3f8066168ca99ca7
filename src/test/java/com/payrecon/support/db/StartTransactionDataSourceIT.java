package com.payrecon.support.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import com.payrecon.support.PayReconIT;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 17: transactions begin with {@code START TRANSACTION} on a connection left in autocommit mode, not with the
 * driver's {@code SET autocommit} pair, and are still transactions: isolated until commit, undone by rollback, and
 * never left open on a connection given back to the pool. Counted on the server, on a pool of one connection.
 */
@PayReconIT
class StartTransactionDataSourceIT {

	@Autowired
	PlatformTransactionManager applicationTransactions;

	@Autowired
	ObjectProvider<EmbeddedMariaDb> embeddedDb;

	HikariDataSource pool;

	/** A pool of one connection as the schema owner (the application's user may not create tables). */
	@BeforeEach
	void poolOfOne() {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		Assumptions.assumeTrue(db != null, "a table of its own needs the embedded database's schema owner");
		pool = new HikariDataSource();
		pool.setJdbcUrl(db.jdbcUrl());
		pool.setUsername(db.ownerUsername());
		pool.setPassword(db.ownerPassword());
		pool.setMaximumPoolSize(1);
		pool.setMinimumIdle(1);
		new JdbcTemplate(pool).execute("create temporary table if not exists lean_tx (n int)");
	}

	@AfterEach
	void close() {
		if (pool != null) {
			pool.close();
		}
	}

	@Test
	void theApplicationsTransactionManagerBeginsWithStartTransaction() {
		assertThat(((JdbcTransactionManager) applicationTransactions).getDataSource())
			.isInstanceOf(StartTransactionDataSource.class);
	}

	@Test
	void aTransactionCostsStartTransactionAndCommitInsteadOfTheAutocommitPair() {
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		Map<String, Long> before = status(pool);
		TransactionTemplate lean = new TransactionTemplate(new JdbcTransactionManager(new StartTransactionDataSource(pool)));
		for (int i = 0; i < 10; i++) {
			lean.executeWithoutResult(s -> {
				jdbc.update("insert into lean_tx values (1)");
				assertThat(jdbc.queryForObject("select @@in_transaction", Integer.class)).isEqualTo(1);
				assertThat(DatabaseTransactions.isOpen()).isTrue();
			});
		}
		Map<String, Long> lean10 = status(pool);
		TransactionTemplate toggling = new TransactionTemplate(new JdbcTransactionManager(pool));
		for (int i = 0; i < 10; i++) {
			toggling.executeWithoutResult(s -> jdbc.update("insert into lean_tx values (1)"));
		}
		Map<String, Long> toggling10 = status(pool);

		assertThat(delta(before, lean10, "Com_begin")).isEqualTo(10);
		assertThat(delta(before, lean10, "Com_commit")).isEqualTo(10);
		assertThat(delta(before, lean10, "Com_set_option")).isZero();
		assertThat(delta(lean10, toggling10, "Com_set_option")).isEqualTo(20); // what it saves: two per transaction
		assertThat(jdbc.queryForObject("select count(*) from lean_tx", Integer.class)).isEqualTo(20);
		assertThat(jdbc.queryForObject("select @@in_transaction", Integer.class)).isZero();
	}

	@Test
	void aRollbackUndoesAndAnotherConnectionSeesNothingBeforeTheCommit() throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		TransactionTemplate lean = new TransactionTemplate(new JdbcTransactionManager(new StartTransactionDataSource(pool)));
		lean.executeWithoutResult(s -> {
			jdbc.update("insert into lean_tx values (7)");
			s.setRollbackOnly();
		});
		assertThat(jdbc.queryForObject("select count(*) from lean_tx where n = 7", Integer.class)).isZero();

		// another connection (of the schema owner) looks at a table of its own while the transaction is open
		EmbeddedMariaDb db = embeddedDb.getObject();
		jdbc.execute("create table if not exists lean_tx_it (n int)");
		try (Connection other = DriverManager.getConnection(db.jdbcUrl(), db.ownerUsername(), db.ownerPassword())) {
			lean.executeWithoutResult(s -> {
				jdbc.update("insert into lean_tx_it values (1)");
				try (Statement st = other.createStatement(); ResultSet rows = st.executeQuery("select count(*) from lean_tx_it")) {
					rows.next();
					assertThat(rows.getInt(1)).as("seen by another connection before the commit").isZero();
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try (Statement st = other.createStatement(); ResultSet rows = st.executeQuery("select count(*) from lean_tx_it")) {
				rows.next();
				assertThat(rows.getInt(1)).as("after the commit").isEqualTo(1);
			}
		}
		finally {
			jdbc.execute("drop table lean_tx_it");
		}
	}

	@Test
	void aConnectionClosedInsideATransactionIsRolledBackBeforeThePoolHasItAgain() throws Exception {
		StartTransactionDataSource lean = new StartTransactionDataSource(pool);
		try (Connection c = lean.getConnection()) {
			c.setAutoCommit(false);
			assertThat(c.getAutoCommit()).isFalse();
			try (Statement st = c.createStatement()) {
				st.executeUpdate("insert into lean_tx values (9)");
			}
		} // closed without commit or rollback
		JdbcTemplate jdbc = new JdbcTemplate(pool); // the same single connection
		assertThat(jdbc.queryForObject("select @@in_transaction", Integer.class)).isZero();
		assertThat(jdbc.queryForObject("select @@autocommit", Integer.class)).isEqualTo(1);
		assertThat(jdbc.queryForObject("select count(*) from lean_tx where n = 9", Integer.class)).isZero();
	}

	@Test
	void aStatementCreatedBeforeTheBeginIsInTheTransactionAndCommitEndsIt() throws Exception {
		StartTransactionDataSource lean = new StartTransactionDataSource(pool);
		try (Connection c = lean.getConnection(); Statement early = c.createStatement()) {
			c.setAutoCommit(false);
			early.executeUpdate("insert into lean_tx values (2)");
			c.rollback();
			try (Statement st = c.createStatement()) { // the next transaction begins here
				st.executeUpdate("insert into lean_tx values (3)");
			}
			c.commit();
			try (Statement st = c.createStatement()) {
				st.executeUpdate("insert into lean_tx values (4)");
			}
			c.setAutoCommit(true); // commits the open one
			assertThat(c.getAutoCommit()).isTrue();
		}
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		assertThat(jdbc.queryForList("select n from lean_tx where n in (2, 3, 4) order by n", Integer.class))
			.containsExactly(3, 4);
		assertThat(jdbc.queryForObject("select @@in_transaction", Integer.class)).isZero();
	}

	@Test
	void aConnectionThePoolHandsOutWithAutocommitOffIsPassedThroughUntouched() throws Exception {
		try (HikariDataSource manualPool = new HikariDataSource()) {
			manualPool.setJdbcUrl(pool.getJdbcUrl());
			manualPool.setUsername(pool.getUsername());
			manualPool.setPassword(pool.getPassword());
			manualPool.setMaximumPoolSize(1);
			manualPool.setAutoCommit(false);
			try (Connection c = new StartTransactionDataSource(manualPool).getConnection()) {
				assertThat(Proxy.isProxyClass(c.getClass())).as("wrapped").isFalse();
				assertThat(c.getAutoCommit()).isFalse();
			}
		}
	}

	private static Map<String, Long> status(HikariDataSource pool) {
		Map<String, Long> values = new HashMap<>();
		new JdbcTemplate(pool).query("show session status where Variable_name in ('Com_begin', 'Com_commit', 'Com_set_option')",
				(ResultSet row) -> {
					values.put(row.getString(1), row.getLong(2));
				});
		return values;
	}

	private static long delta(Map<String, Long> before, Map<String, Long> after, String name) {
		return after.get(name) - before.get(name);
	}
}
