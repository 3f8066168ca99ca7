package com.payrecon.console.reconciliation;

import static com.payrecon.console.reconciliation.ReconciliationPagesIT.dayPath;
import static com.payrecon.console.reconciliation.ReconciliationPagesIT.text;
import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.DAY_SIGN_OFF;
import static com.payrecon.db.Tables.RECONCILIATION_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.reconcile.DaySignOffs;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Reconcile, dry-run and re-run a chosen day from its page (issue 16): the dry run downloads the provider's bill and
 * writes nothing; a signed-off day runs again only once finance accepted that its sign-off may be cleared, and the
 * dry run said truthfully whether it would be.
 */
@PayReconIT
class DayRerunIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	DSLContext dsl;

	@Test
	void financeDryRunsThenReconcilesASignedOffDayOnlyOnceTheyAcceptTheClearing() {
		Planted p = days.oneMissing();
		TestUser clerk = users.create(Role.FINANCE);
		ConsoleSession finance = new ConsoleSession(port).loggedInAs(clerk).csrfFrom(dayPath(p));
		finance.post("/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_AT_PROVIDER) + "/resolve",
				Map.of("note", "in the next day's bill"));
		finance.get(dayPath(p)); // as a browser does after each redirect: one flash message per page view
		finance.post(dayPath(p) + "/sign-off", Map.of());
		assertThat(signedOff(p)).isTrue();
		int runs = runs(p);
		assertThat(text(finance.get(dayPath(p)).body(), "flash-message")).contains("signed off");
		String signed = finance.get(dayPath(p)).body();
		assertThat(text(signed, "flash-message")).as("a flash message is shown once").isNull();
		assertThat(text(signed, "rerun-warning")).contains("the sign-off is cleared");

		HttpResponse<String> dry = finance.post(dayPath(p) + "/dry-run", Map.of());
		assertThat(dry.statusCode()).isEqualTo(200);
		assertThat(text(dry.body(), "dry-run-summary")).startsWith("Dry run: a run now would read");
		assertThat(text(dry.body(), "dry-run-current")).startsWith("The current run " + p.result().run().id() + ":");
		String prediction = text(dry.body(), "dry-run-sign-off");
		assertThat(prediction).containsAnyOf("would clear", "would keep");
		assertThat(runs(p)).as("a dry run writes no run").isEqualTo(runs);
		assertThat(signedOff(p)).isTrue();
		assertThat(audits(p, clerk, "SUCCESS")).isEqualTo(1);

		// without the confirmation: refused, nothing run
		HttpResponse<String> unconfirmed = finance.post(dayPath(p) + "/reconcile", Map.of());
		assertThat(unconfirmed.headers().firstValue("Location").orElseThrow()).endsWith(dayPath(p) + "#reconcile-again");
		String refused = finance.get(dayPath(p)).body();
		assertThat(text(refused, "flash-error")).as(refused).startsWith("This day is signed off: tick");
		assertThat(runs(p)).isEqualTo(runs);
		assertThat(audits(p, clerk, "FAILURE")).isEqualTo(1);

		ConsoleSession support = new ConsoleSession(port).loggedInAs(users.create(Role.SUPPORT)).csrfFrom(dayPath(p));
		assertThat(support.get(dayPath(p)).body()).doesNotContain("id=\"reconcile-again\"");
		assertThat(support.post(dayPath(p) + "/reconcile", Map.of("confirmed", "true")).statusCode()).isEqualTo(403);

		finance.post(dayPath(p) + "/reconcile", Map.of("confirmed", "true"));
		assertThat(text(finance.get(dayPath(p)).body(), "flash-message")).startsWith("Run ").contains("finished");
		assertThat(runs(p)).isEqualTo(runs + 1);
		assertThat(dsl.select(RECONCILIATION_RUN.TRIGGERED_BY).from(RECONCILIATION_RUN)
			.where(RECONCILIATION_RUN.ACCOUNT_ID.eq(ReconDays.ACCOUNT), RECONCILIATION_RUN.BUSINESS_DATE.eq(p.day()),
					RECONCILIATION_RUN.CURRENT_RUN.eq((byte) 1))
			.fetchSingle(RECONCILIATION_RUN.TRIGGERED_BY)).isEqualTo("console:" + clerk.login());
		assertThat(signedOff(p)).as("the dry run said: " + prediction).isEqualTo(prediction.contains("would keep"));
		assertThat(audits(p, clerk, "SUCCESS")).isEqualTo(2);
	}

	private int runs(Planted p) {
		return dsl.fetchCount(RECONCILIATION_RUN, RECONCILIATION_RUN.ACCOUNT_ID.eq(ReconDays.ACCOUNT),
				RECONCILIATION_RUN.BUSINESS_DATE.eq(p.day()));
	}

	private boolean signedOff(Planted p) {
		return dsl.fetchExists(DAY_SIGN_OFF, DAY_SIGN_OFF.ACCOUNT_ID.eq(ReconDays.ACCOUNT),
				DAY_SIGN_OFF.BUSINESS_DATE.eq(p.day()), DAY_SIGN_OFF.ACTIVE.eq((byte) 1));
	}

	private int audits(Planted p, TestUser actor, String outcome) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTION.eq("DAY_RECONCILED"), AUDIT_ENTRY.ACTOR.eq(actor.login()),
				AUDIT_ENTRY.TARGET.eq(DaySignOffs.target(ReconDays.ACCOUNT, p.day())), AUDIT_ENTRY.OUTCOME.eq(outcome));
	}
}
