package com.payrecon.console.reconciliation;

import static com.payrecon.console.reconciliation.ReconciliationPagesIT.dayPath;
import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.DAY_SIGN_OFF;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.reconcile.DaySignOffs;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A sign-off cleared by a re-run stays in front of finance, on the dashboard and on the day page, until someone of
 * finance says they saw it (audited); support never sees it (issue 16).
 */
@PayReconIT
class ClearedSignOffIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	DSLContext dsl;

	@Test
	void aClearedSignOffIsShownUntilFinanceSaysTheySawIt() {
		Planted p = days.oneMissing();
		TestUser clerk = users.create(Role.FINANCE);
		ConsoleSession finance = new ConsoleSession(port).loggedInAs(clerk).csrfFrom(dayPath(p));
		finance.post("/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_AT_PROVIDER) + "/resolve",
				Map.of("note", "in the next day's bill"));
		finance.post(dayPath(p) + "/sign-off", Map.of());
		long signOff = dsl.select(DAY_SIGN_OFF.ID).from(DAY_SIGN_OFF)
			.where(DAY_SIGN_OFF.ACCOUNT_ID.eq(ReconDays.ACCOUNT), DAY_SIGN_OFF.BUSINESS_DATE.eq(p.day()))
			.fetchSingle(DAY_SIGN_OFF.ID);
		assertThat(finance.get("/dashboard").body()).doesNotContain("id=\"dash-cleared-" + signOff + "\"");

		// a re-run with one more payment changes the results: the sign-off is cleared
		days.reconcile(p.day(), p.bill().paid(p.day().atTime(15, 0), TestData.transactionId(), TestData.outTradeNo(), 900));
		assertThat(finance.get("/dashboard").body()).contains("id=\"dash-cleared-" + signOff + "\"");
		String day = finance.get(dayPath(p)).body();
		assertThat(ReconciliationPagesIT.text(day, "cleared-" + signOff)).contains(clerk.login()).contains("changed the results");
		ConsoleSession support = new ConsoleSession(port).loggedInAs(users.create(Role.SUPPORT));
		assertThat(support.get("/dashboard").body()).doesNotContain("dash-cleared-");

		assertThat(finance.post("/reconciliation/sign-offs/" + signOff + "/seen",
				Map.of("account", ReconDays.ACCOUNT, "day", p.day().toString())).statusCode()).isEqualTo(302);
		assertThat(finance.get("/dashboard").body()).doesNotContain("id=\"dash-cleared-" + signOff + "\"");
		assertThat(finance.get(dayPath(p)).body()).doesNotContain("id=\"cleared-" + signOff + "\"");
		finance.post("/reconciliation/sign-offs/" + signOff + "/seen", Map.of("account", ReconDays.ACCOUNT, "day", p.day().toString()));
		assertThat(dsl.select(AUDIT_ENTRY.OUTCOME).from(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.ACTION.eq("DAY_SIGN_OFF_CLEARING_SEEN"), AUDIT_ENTRY.TARGET.eq(DaySignOffs.target(ReconDays.ACCOUNT, p.day())))
			.orderBy(AUDIT_ENTRY.ID)
			.fetch(AUDIT_ENTRY.OUTCOME)).containsExactly("SUCCESS", "FAILURE");
	}
}
