package com.payrecon.console.reconciliation;

import static com.payrecon.console.reconciliation.ReconciliationPagesIT.dayPath;
import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.FINANCE_NOTICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.reconcile.DaySignOffs;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.security.Role;
import com.payrecon.support.Await;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A sign-off cleared by a re-run becomes one notice for finance (issue 12's {@code FinanceNotices}), shown on the
 * dashboard and on the day page, in the reader's language, until someone of finance marks it read (audited); support
 * never sees it (issue 16).
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
	void aClearedSignOffIsShownOnTheDashboardAndTheDayUntilFinanceMarksItRead() {
		Planted p = days.oneMissing();
		TestUser clerk = users.create(Role.FINANCE);
		ConsoleSession finance = new ConsoleSession(port).loggedInAs(clerk).csrfFrom(dayPath(p));
		finance.post("/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_AT_PROVIDER) + "/resolve",
				Map.of("note", "in the next day's bill"));
		finance.post(dayPath(p) + "/sign-off", Map.of());
		assertThat(notices(p)).isEmpty();

		// a re-run with one more payment changes the results: the sign-off is cleared, and finance is told once
		days.reconcile(p.day(), p.bill().paid(p.day().atTime(15, 0), TestData.transactionId(), TestData.outTradeNo(), 900));
		long notice = Await.until(Duration.ofSeconds(30), () -> notices(p).stream().findFirst());
		assertThat(notices(p)).hasSize(1);
		String id = "notice-" + notice;
		assertThat(ReconciliationPagesIT.text(finance.get("/dashboard").body(), id)).contains(clerk.login())
			.contains("changed the results").contains("totals differ");
		String day = finance.get(dayPath(p)).body();
		assertThat(ReconciliationPagesIT.text(day, id)).contains(clerk.login()).contains("totals differ");
		assertThat(day).doesNotContain("cleared-notice");
		assertThat(ReconciliationPagesIT.text(finance.get(dayPath(p), Map.of("Accept-Language", "zh-CN")).body(), id))
			.contains("签核").contains("渠道方合计不同");
		ConsoleSession support = new ConsoleSession(port).loggedInAs(users.create(Role.SUPPORT));
		assertThat(support.get("/dashboard").body()).doesNotContain("id=\"notice-");

		// marked read from the day page: back on the day, gone from both pages; a second time is refused and audited
		var read = finance.post("/reconciliation/notices/" + notice + "/read", Map.of("from", "day"));
		assertThat(read.statusCode()).isEqualTo(302);
		assertThat(read.headers().firstValue("Location").orElseThrow()).endsWith(dayPath(p));
		assertThat(finance.get("/dashboard").body()).doesNotContain("id=\"" + id + "\"");
		assertThat(finance.get(dayPath(p)).body()).doesNotContain("id=\"" + id + "\"");
		finance.post("/reconciliation/notices/" + notice + "/read", Map.of("from", "dashboard"));
		assertThat(dsl.select(AUDIT_ENTRY.OUTCOME).from(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.ACTION.eq("FINANCE_NOTICE_READ"), AUDIT_ENTRY.TARGET.eq(DaySignOffs.target(ReconDays.ACCOUNT, p.day())))
			.orderBy(AUDIT_ENTRY.ID)
			.fetch(AUDIT_ENTRY.OUTCOME)).containsExactly("SUCCESS", "FAILURE");
	}

	private java.util.List<Long> notices(Planted p) {
		return dsl.select(FINANCE_NOTICE.ID).from(FINANCE_NOTICE)
			.where(FINANCE_NOTICE.ACCOUNT_ID.eq(ReconDays.ACCOUNT), FINANCE_NOTICE.BUSINESS_DATE.eq(p.day()))
			.fetch(FINANCE_NOTICE.ID);
	}
}
