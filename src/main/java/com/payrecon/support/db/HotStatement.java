package com.payrecon.support.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jooq.Converter;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * A statement of the notify path that jOOQ renders once and the path runs many times (issue 17). Rendering a query's
 * tree to SQL and binding it were a fifth of the JVM's work per notification (docs/benchmarks.md, section 7); the
 * statements of that path have a fixed shape, so this renders each once, at start-up, from a jOOQ query whose values
 * are the placeholders {@link #at(int, Field)} makes, and then binds values by position through each placeholder's
 * own converter (an {@code Instant} becomes the UTC {@code LocalDateTime} of {@link UtcInstantConverter}, as jOOQ
 * binds it). It runs on the connection jOOQ's configuration provides: the current transaction's, if one is open;
 * else a pooled one in autocommit. The SQL is the one jOOQ renders; a failed statement throws jOOQ's
 * DataAccessException with the SQL (never the values) and the SQLException as its cause ({@link
 * TransactionRetry#isRetryable} finds 1213 and 1205 in it). Only for statements whose shape never changes; jOOQ's
 * execute listeners (Spring's exception translation) do not run for them. Thread-safe: it holds only
 * the SQL and the converters.
 */
public final class HotStatement {

	private static final Pattern NAMED = Pattern.compile(":p(\\d+)");
	private static final Pattern LEFT_OVER = Pattern.compile(":\\d+");

	private final DSLContext dsl;
	private final String sql;
	/** Per JDBC parameter (1-based index - 1): which value of a call goes there, and its placeholder. */
	private final int[] valueIndex;
	private final Param<?>[] params;
	/** A SELECT's fields, in its order (empty for other statements). */
	private final Field<?>[] selected;

	private HotStatement(DSLContext dsl, String sql, int[] valueIndex, Param<?>[] params, Field<?>[] selected) {
		this.dsl = dsl;
		this.sql = sql;
		this.valueIndex = valueIndex;
		this.params = params;
		this.selected = selected;
	}

	/** The placeholder of the {@code index}-th value of a call (0-based), typed like {@code field}. */
	public static <T> Param<T> at(int index, Field<T> field) {
		return DSL.param("p" + index, field);
	}

	/** One placeholder per column, the i-th value of a call for the i-th column. */
	public static Field<?>[] placeholders(Field<?>... columns) {
		Field<?>[] values = new Field<?>[columns.length];
		for (int i = 0; i < columns.length; i++) {
			values[i] = at(i, columns[i]);
		}
		return values;
	}

	/** {@code INSERT INTO table (columns) VALUES (?, …)}: a call's values in the columns' order. */
	public static HotStatement insert(DSLContext dsl, Table<?> table, Field<?>... columns) {
		return of(dsl, dsl.insertInto(table, columns).values(placeholders(columns)));
	}

	/** Renders {@code query}, whose every value is a placeholder of {@link #at}. */
	public static HotStatement of(DSLContext dsl, Query query) {
		Map<String, Param<?>> byName = dsl.extractParams(query);
		String named = dsl.renderNamedParams(query);
		Matcher m = NAMED.matcher(named);
		StringBuilder sql = new StringBuilder();
		List<Integer> order = new ArrayList<>();
		List<Param<?>> params = new ArrayList<>();
		while (m.find()) {
			Param<?> p = byName.get("p" + m.group(1));
			if (p == null) {
				throw new IllegalArgumentException("not a placeholder of HotStatement.at: " + m.group() + " in " + named);
			}
			order.add(Integer.parseInt(m.group(1)));
			params.add(p);
			m.appendReplacement(sql, "?");
		}
		m.appendTail(sql);
		if (LEFT_OVER.matcher(sql).find()) { // a value that is not a placeholder (use DSL.inline for constants)
			throw new IllegalArgumentException("every value must be a placeholder of HotStatement.at or inlined: " + named);
		}
		return new HotStatement(dsl, sql.toString(), order.stream().mapToInt(Integer::intValue).toArray(),
				params.toArray(Param<?>[]::new),
				query instanceof Select<?> select ? select.getSelect().toArray(Field<?>[]::new) : new Field<?>[0]);
	}

	/** The SQL sent, with {@code ?} for each value. */
	public String sql() {
		return sql;
	}

	/** Runs it with {@code values} (by placeholder index); returns the update count. */
	public int execute(Object... values) {
		return dsl.connectionResult(c -> {
			try (PreparedStatement statement = c.prepareStatement(sql)) {
				bind(statement, values);
				return statement.executeUpdate();
			}
			catch (SQLException ex) {
				throw failed(ex);
			}
		});
	}

	/**
	 * Runs it with {@code values} for the key the driver hands back (an INSERT's AUTO_INCREMENT id, or the value of
	 * {@code LAST_INSERT_ID(expr)} in an UPDATE); null when no row changed.
	 */
	public Long executeForKey(Object... values) {
		return dsl.connectionResult(c -> {
			try (PreparedStatement statement = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
				bind(statement, values);
				if (statement.executeUpdate() == 0) {
					return null;
				}
				try (ResultSet keys = statement.getGeneratedKeys()) {
					if (!keys.next()) {
						throw new IllegalStateException("no generated key for " + sql);
					}
					return keys.getLong(1);
				}
			}
			catch (SQLException ex) {
				throw failed(ex);
			}
		});
	}

	/**
	 * Runs a SELECT with {@code values}; the rows as jOOQ records of its fields, each value read through its field's
	 * converter.
	 */
	public Result<Record> fetch(Object... values) {
		return query(rows -> dsl.fetch(rows, selected), values);
	}

	/** Reads the rows of a SELECT straight from JDBC. */
	@FunctionalInterface
	public interface Rows<T> {
		T read(ResultSet rows) throws SQLException;
	}

	/**
	 * Runs a SELECT with {@code values} and lets {@code reader} read its rows by column position (the SELECT's order)
	 * with JDBC's getters: for a loop over thousands of rows per call, where building a jOOQ record per row and
	 * converting each value through its binding is most of the cost (issue 17, the reconciliation's chunk lookup).
	 */
	public <T> T query(Rows<T> reader, Object... values) {
		return dsl.connectionResult(c -> {
			try (PreparedStatement statement = c.prepareStatement(sql)) {
				bind(statement, values);
				try (ResultSet rows = statement.executeQuery()) {
					return reader.read(rows);
				}
			}
			catch (SQLException ex) {
				throw failed(ex);
			}
		});
	}

	/** As jOOQ reports a failed statement: the SQL (no values) and the driver's message, the SQLException as cause. */
	private DataAccessException failed(SQLException ex) {
		return new DataAccessException("SQL [" + sql + "]; " + ex.getMessage(), ex);
	}

	private void bind(PreparedStatement statement, Object[] values) throws SQLException {
		for (int i = 0; i < params.length; i++) {
			Object value = values[valueIndex[i]];
			Param<?> p = params[i];
			if (value == null) {
				statement.setNull(i + 1, p.getDataType().getSQLType());
			}
			else {
				statement.setObject(i + 1, toDatabase(p.getConverter(), value));
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static <T, U> Object toDatabase(Converter<T, U> converter, Object value) {
		return converter.to((U) value);
	}
}
