package com.payrecon.support.db;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/** HotStatement renders jOOQ's SQL once with a {@code ?} per placeholder, and refuses values that are not placeholders. */
class HotStatementTests {

	final DSLContext dsl = DSL.using(SQLDialect.MYSQL);

	@Test
	void rendersJooqsSqlWithAQuestionMarkPerPlaceholderInTheirOrderOfAppearance() {
		HotStatement s = HotStatement.of(dsl, dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.PAID_AT, HotStatement.at(1, PAYMENT_ORDER.PAID_AT))
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(DSL.inline(1)))
			.where(PAYMENT_ORDER.ID.eq(HotStatement.at(0, PAYMENT_ORDER.ID))));

		assertThat(s.sql()).isEqualTo("update `payment_order` set `payment_order`.`paid_at` = ?, "
				+ "`payment_order`.`version` = (`payment_order`.`version` + 1) where `payment_order`.`id` = ?");
	}

	@Test
	void anInsertTakesACallsValuesInTheColumnsOrder() {
		HotStatement s = HotStatement.insert(dsl, PAYMENT_ORDER, PAYMENT_ORDER.ID, PAYMENT_ORDER.STATUS);

		assertThat(s.sql()).isEqualTo("insert into `payment_order` (`id`, `status`) values (?, ?)");
	}

	@Test
	void aValueThatIsNotAPlaceholderIsRefusedAtStartUp() {
		assertThatThrownBy(() -> HotStatement.of(dsl, dsl.update(PAYMENT_ORDER)
			.set(PAYMENT_ORDER.VERSION, PAYMENT_ORDER.VERSION.plus(1))
			.where(PAYMENT_ORDER.ID.eq(HotStatement.at(0, PAYMENT_ORDER.ID)))))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("placeholder");
	}
}
