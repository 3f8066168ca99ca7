package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.PaymentOrder;
import com.payrecon.refund.Refund;
import com.payrecon.refund.RefundRepository;
import com.payrecon.refund.RefundStatus;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.util.HtmlUtils;

import static com.payrecon.db.Tables.AUDIT_ENTRY;

/**
 * Refunds in the console, over HTTP with real sessions: finance proposes, a different finance or admin user approves
 * (maker-checker above the account's threshold; at or below it the refund goes at once), the proposer cannot approve
 * their own, support sees refunds on the order's page but cannot propose or approve, a form sent twice is one refund,
 * and every step is audited against the order.
 */
@PayReconIT
class RefundPagesIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderRepository orders;

	@Autowired
	RefundRepository refunds;

	@Autowired
	DSLContext dsl;

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
		for (String m : new String[] { "refund-wx2", "refund-wx3" }) {
			http.send("DELETE", "/sandbox/api/merchants/" + m + "/faults", "application/json", new byte[0]);
		}
	}

	private ConsoleSession session(TestUser user) {
		return new ConsoleSession(port).loggedInAs(user).csrfFrom("/orders");
	}

	/** A paid order of the account (created here, paid in the sandbox, notified). */
	private PaymentOrder paidOrder(String account, long fen) {
		String no = TestData.outTradeNo();
		String json = "{\"accountId\":\"" + account + "\",\"outTradeNo\":\"" + no + "\",\"amount\":" + fen
				+ ",\"currency\":\"CNY\",\"description\":\"console refund\"}";
		http.post("/api/orders", "application/json", json.getBytes(),
				Map.of("Authorization", "Bearer it-checkout-token-0123456789"));
		http.post("/sandbox/api/orders", "application/json",
				("{\"merchantId\":\"" + account + "\",\"outTradeNo\":\"" + no + "\",\"amount\":" + fen + "}").getBytes(), Map.of());
		http.post("/sandbox/api/orders/" + account + "/" + no + "/pay", "application/json", "{}".getBytes(), Map.of());
		Instant end = Instant.now().plus(Duration.ofSeconds(20));
		while (Instant.now().isBefore(end)) {
			PaymentOrder order = orders.find(account, no).orElseThrow();
			if (order.status().isPaid()) {
				return order;
			}
			pause(100);
		}
		throw new AssertionError("order " + no + " not paid");
	}

	/** The refund number the order's page put into its proposal form. */
	private static String formNumber(String page) {
		Matcher m = Pattern.compile("name=\"outRefundNo\" value=\"([^\"]+)\"").matcher(page);
		assertThat(m.find()).as("the proposal form").isTrue();
		return m.group(1);
	}

	private String propose(ConsoleSession session, TestUser user, PaymentOrder order, String yuan, String reason) {
		String number = formNumber(session.get("/orders/" + order.id()).body());
		HttpResponse<String> response = session.post("/orders/" + order.id() + "/refunds",
				Map.of("amount", yuan, "reason", reason, "outRefundNo", number, "password", user.password()));
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/orders/" + order.id());
		return number;
	}

	private String flash(ConsoleSession session, String path) {
		return flashOf(session.get(path).body());
	}

	@Test
	void financeProposesAnotherPersonApprovesAndOnlyThenItIsSent() {
		PaymentOrder order = paidOrder("refund-wx2", 5000);
		TestUser maker = users.create(Role.FINANCE);
		TestUser checker = users.create(Role.FINANCE);
		ConsoleSession makerSession = session(maker);

		String number = propose(makerSession, maker, order, "12.50", "damaged on arrival");

		assertThat(flash(makerSession, "/orders/" + order.id())).startsWith("message: Refund " + number)
			.contains("waits for a second person's approval");
		Refund waiting = refunds.find("refund-wx2", number).orElseThrow();
		assertThat(waiting.status()).isEqualTo(RefundStatus.REQUESTED);
		assertThat(waiting.amount().value()).isEqualTo(1250);
		assertThat(waiting.awaitsApproval()).isTrue();
		assertThat(waiting.submitCount()).isZero(); // nothing went to the provider
		String listed = makerSession.get("/refunds").body();
		assertThat(text(listed, "awaiting-" + number)).contains("12.50").contains(maker.login());

		// the proposer may not approve it; the approver confirms with his own password
		makerSession.post("/refunds/" + waiting.id() + "/approve", Map.of("password", maker.password()));
		assertThat(flash(makerSession, "/refunds")).isEqualTo("error: You asked for refund " + number
				+ ": a different finance or admin user must approve it.");
		ConsoleSession checkerSession = session(checker);
		checkerSession.post("/refunds/" + waiting.id() + "/approve", Map.of("password", "wrong"));
		assertThat(flash(checkerSession, "/refunds")).isEqualTo("error: Your password was wrong: nothing was done.");
		assertThat(refunds.findById(waiting.id()).orElseThrow().status()).isEqualTo(RefundStatus.REQUESTED);

		HttpResponse<String> approved = checkerSession.post("/refunds/" + waiting.id() + "/approve",
				Map.of("back", "/orders/" + order.id(), "password", checker.password()));
		assertThat(approved.headers().firstValue("Location").orElseThrow()).endsWith("/orders/" + order.id());
		assertThat(flash(checkerSession, "/orders/" + order.id())).startsWith("message: Refund " + number)
			.contains("approved and sent");
		Refund sent = refunds.findById(waiting.id()).orElseThrow();
		assertThat(sent.approvedBy()).isEqualTo(checker.login());
		assertThat(sent.submitCount()).isEqualTo(1);
		assertThat(sent.status()).isIn(RefundStatus.PROCESSING, RefundStatus.SUCCESS);
		awaitRefund(sent.id(), RefundStatus.SUCCESS);
		assertThat(orders.findById(order.id()).orElseThrow().refunded().value()).isEqualTo(1250);
		// the order's page shows the refund, and its timeline the refund's history and the operators' steps
		String page = checkerSession.get("/orders/" + order.id()).body();
		assertThat(text(page, "refund-" + number)).contains("SUCCESS").contains(maker.login())
			.contains(checker.login());
		assertThat(text(page, "order-refunded")).isEqualTo("12.50 CNY");
		// the refund's events by their labels (refund.event.APPROVED, .SUBMITTED), the operators' steps by theirs
		assertThat(text(page, "timeline")).contains("(12.50 CNY): approved").contains("sent to the provider REQUESTED → PROCESSING")
			.contains("REFUND_PROPOSED").contains("REFUND_APPROVED");
		assertThat(audit(order, maker.login(), "REFUND_PROPOSED", "SUCCESS")).isEqualTo(1);
		assertThat(audit(order, checker.login(), "REFUND_APPROVED", "SUCCESS")).isEqualTo(1);
		// the refused attempts are on record too: the proposer's own approval, the wrong password
		assertThat(audit(order, maker.login(), "REFUND_APPROVED", "FAILURE")).isEqualTo(1);
		assertThat(audit(order, checker.login(), "REFUND_APPROVED", "FAILURE")).isEqualTo(1);
		// in English, as every refusal is audited (it read 'refund.refused.own [R…]')
		assertThat(dsl.select(AUDIT_ENTRY.DETAILS).from(AUDIT_ENTRY).where(AUDIT_ENTRY.TARGET.eq("order:" + order.id()),
				AUDIT_ENTRY.ACTOR.eq(maker.login()), AUDIT_ENTRY.ACTION.eq("REFUND_APPROVED")).fetchOne(AUDIT_ENTRY.DETAILS))
			.isEqualTo("You asked for refund " + number + ": a different finance or admin user must approve it.");
	}

	/** Issue 11's rule for every maker-checker: a user another handed power to does not approve that one's refunds. */
	@Test
	void aFinanceUserTiedToTheProposerDoesNotApprove() {
		PaymentOrder order = paidOrder("refund-wx2", 2000);
		TestUser admin = users.create(Role.ADMIN);
		TestUser maker = users.create(Role.FINANCE);
		TestUser checker = users.create(Role.FINANCE);
		ConsoleSession adminSession = session(admin).csrfFrom("/admin/users");
		for (TestUser u : java.util.List.of(maker, checker)) {
			adminSession.post("/admin/users/" + u.id() + "/roles", Map.of("roles", "FINANCE,SUPPORT"));
		}
		String number = propose(session(maker), maker, order, "5.00", "gift wrap missing");
		Refund waiting = refunds.find("refund-wx2", number).orElseThrow();
		ConsoleSession checkerSession = session(checker);

		checkerSession.post("/refunds/" + waiting.id() + "/approve", Map.of("password", checker.password()));

		assertThat(flash(checkerSession, "/refunds")).startsWith("error: " + checker.login() + " may not approve a proposal of "
				+ maker.login() + " until ").contains(admin.login() + " handed power to ");
		assertThat(refunds.findById(waiting.id()).orElseThrow().submitCount()).isZero();
		// an admin tied to neither approves
		TestUser other = users.create(Role.ADMIN);
		session(other).post("/refunds/" + waiting.id() + "/approve", Map.of("password", other.password()));
		assertThat(refunds.findById(waiting.id()).orElseThrow().approvedBy()).isEqualTo(other.login());
	}

	@Test
	void aRejectedRefundIsClosedUnsentAndItsAmountIsRefundableAgain() {
		PaymentOrder order = paidOrder("refund-wx2", 3000);
		TestUser maker = users.create(Role.FINANCE);
		TestUser admin = users.create(Role.ADMIN);
		String number = propose(session(maker), maker, order, "30.00", "customer changed their mind");
		Refund waiting = refunds.find("refund-wx2", number).orElseThrow();
		ConsoleSession adminSession = session(admin);

		adminSession.post("/refunds/" + waiting.id() + "/reject", Map.of("reason", " "));
		assertThat(flash(adminSession, "/refunds")).isEqualTo("error: A reason for the rejection is required.");
		adminSession.post("/refunds/" + waiting.id() + "/reject", Map.of("reason", "duplicate of a refund in the ERP"));

		assertThat(flash(adminSession, "/refunds")).contains("rejected; nothing was sent");
		Refund closed = refunds.findById(waiting.id()).orElseThrow();
		assertThat(closed.status()).isEqualTo(RefundStatus.CLOSED);
		assertThat(closed.submitCount()).isZero();
		// all 30.00 may be refunded again
		ConsoleSession makerAgain = session(maker);
		String page = makerAgain.get("/orders/" + order.id()).body();
		assertThat(text(page, "refundable")).contains("30.00");
	}

	@Test
	void atOrBelowTheAccountsThresholdARefundGoesAtOnceAndTwiceTheSameFormIsOneRefund() {
		PaymentOrder order = paidOrder("refund-wx3", 2000); // refund-wx3: approval above 5.00 in the it profile
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession s = session(finance);
		String number = formNumber(s.get("/orders/" + order.id()).body());
		Map<String, String> form = Map.of("amount", "5.00", "reason", "late delivery", "outRefundNo", number, "password",
				finance.password());

		s.post("/orders/" + order.id() + "/refunds", form);
		assertThat(flash(s, "/orders/" + order.id())).contains("sent to the provider");
		s.post("/orders/" + order.id() + "/refunds", form);
		assertThat(flash(s, "/orders/" + order.id())).contains("was proposed already");

		assertThat(refunds.forOrder(order.id())).hasSize(1);
		Refund refund = refunds.find("refund-wx3", number).orElseThrow();
		assertThat(refund.approvalRequired()).isFalse();
		assertThat(refund.submitCount()).isEqualTo(1);
		// above the threshold, and above what is left: refused with the amount left
		String again = formNumber(s.get("/orders/" + order.id()).body());
		s.post("/orders/" + order.id() + "/refunds", Map.of("amount", "15.01", "reason", "more", "outRefundNo", again,
				"password", finance.password()));
		assertThat(flash(s, "/orders/" + order.id())).isEqualTo("error: That is more than what may still be refunded: 15.00 CNY.");
		s.post("/orders/" + order.id() + "/refunds", Map.of("amount", "1,00", "reason", "x", "outRefundNo", again,
				"password", finance.password()));
		assertThat(flash(s, "/orders/" + order.id())).startsWith("error: Amount: yuan");
		s.post("/orders/" + order.id() + "/refunds", Map.of("amount", "1.00", "reason", "", "outRefundNo", again,
				"password", finance.password()));
		assertThat(flash(s, "/orders/" + order.id())).startsWith("error: A reason is required");
	}

	@Test
	void supportSeesRefundsOnTheOrderButCannotProposeOrApprove() {
		PaymentOrder order = paidOrder("refund-wx2", 1000);
		TestUser maker = users.create(Role.FINANCE);
		String number = propose(session(maker), maker, order, "1.00", "goodwill");
		Refund waiting = refunds.find("refund-wx2", number).orElseThrow();
		TestUser agent = users.create(Role.SUPPORT);
		ConsoleSession support = session(agent);

		String page = support.get("/orders/" + order.id()).body();

		assertThat(text(page, "refund-" + number)).contains("1.00").contains("REQUESTED");
		assertThat(page).doesNotContain("id=\"refund-form\"").doesNotContain("approve-refund-" + number);
		assertThat(text(page, "timeline")).contains("refund " + number);
		assertThat(support.post("/orders/" + order.id() + "/refunds",
				Map.of("amount", "1.00", "reason", "x", "outRefundNo", "S1")).statusCode()).isEqualTo(403);
		assertThat(support.post("/refunds/" + waiting.id() + "/approve", Map.of("password", agent.password())).statusCode())
			.isEqualTo(403);
		assertThat(support.get("/refunds").statusCode()).isEqualTo(403);
		assertThat(refunds.findById(waiting.id()).orElseThrow().status()).isEqualTo(RefundStatus.REQUESTED);
	}

	static String flashOf(String page) {
		String message = text(page, "flash-message");
		return message != null ? "message: " + message : "error: " + text(page, "flash-error");
	}

	/** The text of the element with that id, tags removed, entities decoded, blanks collapsed; null when absent. */
	static String text(String html, String elementId) {
		Matcher m = Pattern.compile("<(\\w+)[^>]*\\sid=\"" + Pattern.quote(elementId) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL)
			.matcher(html);
		return m.find() ? HtmlUtils.htmlUnescape(m.group(2).replaceAll("<[^>]+>", " ")).replaceAll("\\s+", " ").strip() : null;
	}

	private int audit(PaymentOrder order, String actor, String action, String outcome) {
		return dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.TARGET.eq("order:" + order.id()), AUDIT_ENTRY.ACTOR.eq(actor),
				AUDIT_ENTRY.ACTION.eq(action), AUDIT_ENTRY.OUTCOME.eq(outcome));
	}

	private void awaitRefund(long id, RefundStatus status) {
		Instant end = Instant.now().plus(Duration.ofSeconds(20));
		while (Instant.now().isBefore(end)) {
			if (refunds.findById(id).orElseThrow().status() == status) {
				return;
			}
			pause(100);
		}
		throw new AssertionError("refund " + id + " not " + status + ": " + refunds.findById(id).orElseThrow());
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
