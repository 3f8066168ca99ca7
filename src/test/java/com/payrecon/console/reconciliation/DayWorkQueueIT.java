package com.payrecon.console.reconciliation;

import static com.payrecon.console.reconciliation.ReconciliationPagesIT.ACCOUNT;
import static com.payrecon.console.reconciliation.ReconciliationPagesIT.dayPath;
import static com.payrecon.console.reconciliation.ReconciliationPagesIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.reconciliation.ReconDays.Planted;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.WechatBill;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The reconciliation day as finance's work queue (issue 16): totals that explain the difference to the fen, the
 * EXPLAINED reading, corrections booked on later days, open cases first, actions that return to their case, the
 * assignee chosen from finance users, required notes that are required, carried-over cases with their real age,
 * earlier runs that can be opened.
 */
@PayReconIT
class DayWorkQueueIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ReconDays days;

	@Autowired
	MutableClock clock;

	@AfterEach
	void realTime() {
		clock.reset();
	}

	@Test
	void anApprovalWithoutANoteIsRefusedAndChangesNothing() {
		Planted p = days.planted();
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		ConsoleSession maker = session(Role.FINANCE);
		ConsoleSession checker = session(Role.FINANCE);
		post(maker, p, "/reconciliation/discrepancies/" + late + "/propose",
				Map.of("kind", "REOPEN_LATE_PAYMENT", "note", "paid after expiry, goods shipped"));
		String page = checker.get(dayPath(p)).body();
		Matcher approve = Pattern.compile("id=\"approve-(\\d+)\"").matcher(page);
		assertThat(approve.find()).isTrue();
		String proposal = approve.group(1);
		assertThat(page).containsPattern("id=\"approve-note-" + proposal + "\"[^>]*required");

		post(checker, p, "/reconciliation/proposals/" + proposal + "/approve", Map.of("note", "  "));
		assertThat(flash(checker, p)).isEqualTo("error: A note is required.");
		assertThat(text(checker.get(dayPath(p)).body(), "case-state-" + late)).isEqualTo("OPEN");
	}

	@Test
	void aCaseCarriedOverToAReRunKeepsItsRealAge() {
		Instant found = Instant.now().minus(Duration.ofDays(5));
		clock.set(found);
		Planted p = days.planted();
		long missing = p.id(DiscrepancyType.MISSING_AT_PROVIDER);
		ConsoleSession finance = session(Role.FINANCE);
		post(finance, p, "/reconciliation/discrepancies/" + missing + "/assign", Map.of("assignee", ""));

		clock.set(found.plus(Duration.ofDays(3)));
		days.reconcile(p.day(), p.bill());
		clock.set(found.plus(Duration.ofDays(3)).plus(Duration.ofHours(2)));
		// signed in again: a session ends payrecon.console.session.max-lifetime (12 h) after sign-in by this clock
		String page = session(Role.FINANCE).get(dayPath(p)).body();
		// the re-run found the same cases again: they have been open since the first run, not for two hours
		List<String> ages = allText(page, "case-age-");
		assertThat(ages).hasSize(4).allMatch(age -> age.equals("3 d 2 h"));
	}

	@Test
	void everyActionReturnsToTheCaseItWasMadeOn() {
		Planted p = days.planted();
		long missing = p.id(DiscrepancyType.MISSING_AT_PROVIDER);
		ConsoleSession finance = session(Role.FINANCE);
		HttpResponse<String> moved = finance.post("/reconciliation/discrepancies/" + missing + "/resolve",
				Map.of("note", "in the next day's bill"));
		assertThat(moved.headers().firstValue("Location").orElseThrow()).endsWith(dayPath(p) + "#case-" + missing);
	}

	@Test
	void theAssigneeIsChosenFromEnabledFinanceUsers() {
		Planted p = days.planted();
		TestUser colleague = users.create(Role.FINANCE);
		TestUser support = users.create(Role.SUPPORT);
		ConsoleSession finance = session(Role.FINANCE);
		String page = finance.get(dayPath(p)).body();
		long late = p.id(DiscrepancyType.LATE_PAYMENT);
		Matcher select = Pattern.compile("<select[^>]*id=\"assignee-" + late + "\"[^>]*>(.*?)</select>", Pattern.DOTALL)
			.matcher(page);
		assertThat(select.find()).as("a select of finance users").isTrue();
		assertThat(select.group(1)).contains("value=\"" + colleague.login() + "\"")
			.doesNotContain("value=\"" + support.login() + "\"");
	}

	@Test
	void resolveAcceptAndVoidSayWhatTheyMean() {
		Planted p = days.planted();
		String page = session(Role.FINANCE).get(dayPath(p)).body();
		assertThat(text(page, "help-resolve")).contains("put right");
		assertThat(text(page, "help-accept")).contains("accepted as it is");
		assertThat(text(page, "help-void")).contains("not a discrepancy after all");
	}

	@Test
	void theTotalsExplainTheDifferenceToTheFenAndASettledDayReadsAsExplained() {
		Planted p = days.planted();
		ConsoleSession finance = session(Role.FINANCE);
		String page = finance.get(dayPath(p)).body();
		// provider 18.00, PayRecon 12.00: 6.00 = 7.00 late payment + 4.00 unknown here − 5.00 missing at the provider
		assertThat(text(page, "explain-gross-difference")).isEqualTo("6.00");
		assertThat(text(page, "explain-gross-case-" + p.id(DiscrepancyType.LATE_PAYMENT))).contains("+7.00");
		assertThat(text(page, "explain-gross-case-" + p.id(DiscrepancyType.MISSING_LOCALLY))).contains("+4.00");
		assertThat(text(page, "explain-gross-case-" + p.id(DiscrepancyType.MISSING_AT_PROVIDER))).contains("-5.00");
		assertThat(text(page, "explain-gross-rest")).isEqualTo("0.00");
		// refunds: 6.00 refunded at the provider, PAID here
		assertThat(text(page, "explain-refunds-difference")).isEqualTo("6.00");
		assertThat(text(page, "explain-refunds-case-" + p.id(DiscrepancyType.REFUND_UNKNOWN))).contains("+6.00");
		assertThat(text(page, "explain-refunds-rest")).isEqualTo("0.00");
		assertThat(text(page, "day-status")).contains("UNBALANCED");

		for (DiscrepancyType type : List.of(DiscrepancyType.LATE_PAYMENT, DiscrepancyType.MISSING_LOCALLY,
				DiscrepancyType.MISSING_AT_PROVIDER, DiscrepancyType.REFUND_UNKNOWN)) {
			post(finance, p, "/reconciliation/discrepancies/" + p.id(type) + "/accept", Map.of("note", "known"));
		}
		page = finance.get(dayPath(p)).body();
		assertThat(text(page, "day-status")).contains("EXPLAINED").doesNotContain("UNBALANCED");
		String list = finance.get("/reconciliation?account=" + ACCOUNT + "&from=" + p.day() + "&to=" + p.day()).body();
		assertThat(text(list, "day-" + p.result().run().id())).contains("EXPLAINED");
	}

	@Test
	void aCorrectionBookedOnALaterDayIsListedOnTheDay() {
		Planted p = days.planted();
		// the order missing from the day's bill turns up in the next day's bill
		days.reconcile(p.day().plusDays(1), new WechatBill().paid(p.day().plusDays(1).atTime(0, 5),
				p.missing().providerTxnId(), p.missing().outTradeNo(), 500));
		String page = session(Role.FINANCE).get(dayPath(p)).body();
		assertThat(text(page, "correction-" + p.id(DiscrepancyType.MISSING_AT_PROVIDER))).contains(p.missing().outTradeNo())
			.contains(p.day().plusDays(1).toString());
	}

	@Test
	void openCasesComeFirstAndSettledOnesAreCollapsed() {
		Planted p = days.planted();
		ConsoleSession finance = session(Role.FINANCE);
		long missing = p.id(DiscrepancyType.MISSING_AT_PROVIDER);
		post(finance, p, "/reconciliation/discrepancies/" + missing + "/void", Map.of("note", "a test payment"));
		String page = finance.get(dayPath(p)).body();
		Matcher settled = Pattern.compile("<details[^>]*id=\"settled-cases\"[^>]*>(.*?)</details>", Pattern.DOTALL).matcher(page);
		assertThat(settled.find()).isTrue();
		assertThat(settled.group()).doesNotContain(" open").contains("id=\"case-" + missing + "\"");
		assertThat(page.indexOf("id=\"case-" + p.id(DiscrepancyType.LATE_PAYMENT) + "\"")).isLessThan(page.indexOf("id=\"settled-cases\""));
	}

	@Test
	void earlierRunsOfTheDayCanBeOpened() {
		Planted p = days.planted();
		long first = p.result().run().id();
		long second = days.reconcile(p.day(), p.bill()).run().id();
		ConsoleSession finance = session(Role.FINANCE);
		String page = finance.get(dayPath(p)).body();
		assertThat(ReconciliationPagesIT.href(page, "run-link-" + first)).isEqualTo(dayPath(p) + "?run=" + first);
		String earlier = finance.get(dayPath(p) + "?run=" + first).body();
		assertThat(text(earlier, "viewing-run")).contains(Long.toString(first)).contains(Long.toString(second));
		assertThat(earlier).doesNotContain("id=\"sign-off\"").doesNotContain("/resolve\"");
	}

	// ------------------------------------------------------------------------------------------ helpers

	private ConsoleSession session(Role role) {
		TestUser user = users.create(role);
		return new ConsoleSession(port).loggedInAs(user).csrfFrom("/reconciliation");
	}

	private static void post(ConsoleSession session, Planted p, String path, Map<String, String> form) {
		HttpResponse<String> response = session.post(path, form);
		assertThat(response.statusCode()).as(path).isEqualTo(302);
		assertThat(response.headers().firstValue("Location").orElseThrow()).contains(dayPath(p));
	}

	private static String flash(ConsoleSession session, Planted p) {
		return ReconciliationPagesIT.flash(session.get(dayPath(p)).body());
	}

	private static List<String> allText(String html, String idPrefix) {
		Matcher m = Pattern.compile("id=\"" + Pattern.quote(idPrefix) + "\\d+\"[^>]*>([^<]*)<").matcher(html);
		List<String> found = new java.util.ArrayList<>();
		while (m.find()) {
			found.add(m.group(1).strip());
		}
		return found;
	}
}
