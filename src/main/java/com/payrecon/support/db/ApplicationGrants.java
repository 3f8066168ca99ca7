package com.payrecon.support.db;

import java.sql.Connection;
import java.util.List;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * What the application's database user may do, table by table (threat case C9): read and add audit rows but never
 * change or delete them, move the audit chain head, and read, write and delete everything else; no DDL. Applied by
 * the schema owner after every migration, so a table added by a later migration gets its grant at the next start.
 * MariaDB grants only add up (a schema-wide UPDATE cannot be taken back for one table), which is why every table
 * is granted on its own and the application's user never has a schema-wide privilege.
 */
public final class ApplicationGrants {

	private ApplicationGrants() {
	}

	/** The privileges of one table for the application's user. */
	static String privileges(String table) {
		return switch (table) {
			case "audit_entry" -> "SELECT, INSERT";
			case "audit_chain_head" -> "SELECT, UPDATE";
			case "flyway_schema_history" -> "SELECT";
			default -> "SELECT, INSERT, UPDATE, DELETE";
		};
	}

	/** Grants {@code user@host} its privileges on every table of {@code database}, connected as the owner. */
	public static void apply(Connection owner, String database, String user, String host) {
		DSLContext dsl = DSL.using(owner, SQLDialect.MYSQL);
		List<String> tables = dsl.select(DSL.field(DSL.name("table_name"), String.class))
			.from(DSL.table(DSL.name("information_schema", "tables")))
			.where(DSL.field(DSL.name("table_schema")).eq(database), DSL.field(DSL.name("table_type")).eq("BASE TABLE"))
			.fetch(0, String.class);
		for (String table : tables) {
			dsl.execute("GRANT " + privileges(table) + " ON {0} TO {1}@{2}", DSL.name(database, table),
					DSL.inline(user), DSL.inline(host));
		}
	}
}
