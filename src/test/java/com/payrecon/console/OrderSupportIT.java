package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.PROVIDER_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.checkout.MicropayAttempts;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.console.orders.OrderSupport;
import com.payrecon.db.tables.records.AuditEntryRecord;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.repair.OrderRequery;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.util.HtmlUtils;

/**
 * Support work on orders over real HTTP against the built-in sandbox: Re-query now (preview, then apply with a
 * reason), Close, the stale-pending and micropay views, their access rules and CSRF (threat cases C1, C4, C6).
 */
@PayReconIT
class OrderSupportIT {

	private static final Pattern PREVIEW = Pattern.compile("/orders/(\\d+)/requery/(\\d+)$");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers testUsers;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	OrderRequery requery;

	@Autowired
	OrderSupport support;

	@Autowired
	MicropayAttempts micropay;

	@Autowired
	MutableClock clock;

	@Autowired
	DSLContext dsl;

	@Autowired
	ConsoleFormat fmt;

	SupportOrders sandbox;

	@BeforeEach
	void setUp() {
		sandbox = new SupportOrders(port, orderService);
		clock.reset();
	}

	@AfterEach
	void tearDown() {
		clock.reset();
		SecurityContextHolder.clearContext();
	}

	// ---- Re-query now ------------------------------------------------------------------------------------------

	@Test
	void thePreviewShowsTheProvidersAnswerNextToTheLocalStateAndChangesNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 1234);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		String txn = sandbox.sandboxTransactionId(SupportOrders.ACCOUNT, no);
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());

		long queryId = askForPreview(session, order.id());
		String page = session.get("/orders/" + order.id() + "/requery/" + queryId).body();

		assertThat(row(page, "diff-status")).isEqualTo(List.of("PENDING", "PAID"));
		assertThat(page).contains("id=\"diff-status\" class=\"differs\"");
		assertThat(row(page, "diff-amount")).isEqualTo(List.of("12.34", "12.34"));
		assertThat(page).doesNotContain("id=\"diff-amount\" class=\"differs\"");
		assertThat(row(page, "diff-transaction")).isEqualTo(List.of("", txn));
		assertThat(row(page, "diff-paidAt").get(1)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
		assertThat(ConsolePages.text(page, "requery-raw-body")).contains("<trade_state>SUCCESS</trade_state>")
			.contains("<transaction_id>" + txn + "</transaction_id>");
		// nothing changed: still PENDING, only the CREATED event, the raw answer kept
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(orders.events(order.id())).extracting(OrderEvent::eventType).containsExactly(OrderEvent.CREATED);
		assertThat(dsl.fetchOne(PROVIDER_QUERY, PROVIDER_QUERY.ID.eq(queryId)).getRawResponse()).contains(txn);
		assertThat(audit(order, "REQUERY_PREVIEW")).singleElement()
			.satisfies(a -> assertThat(a.getOutcome()).isEqualTo("SUCCESS"));
		// a reload shows the stored answer: the provider is not asked again
		session.get("/orders/" + order.id() + "/requery/" + queryId);
		assertThat(queries(order)).isEqualTo(1);
	}

	@Test
	void applyingWithoutAReasonIsRefusedAndAsksNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 500);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());
		long queryId = askForPreview(session, order.id());

		for (String blank : List.of("", "   \n ")) {
			HttpResponse<String> refused = session.post(applyPath(order, queryId), Map.of("reason", blank));
			assertThat(refused.statusCode()).isEqualTo(400);
			assertThat(ConsolePages.text(refused.body(), "flash-error")).isEqualTo("A reason is required; nothing was changed.");
		}
		HttpResponse<String> noField = session.post(applyPath(order, queryId), Map.of());
		assertThat(noField.statusCode()).isEqualTo(400);
		HttpResponse<String> tooLong = session.post(applyPath(order, queryId), Map.of("reason", "x".repeat(401)));
		assertThat(tooLong.statusCode()).isEqualTo(400);

		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(orders.events(order.id())).hasSize(1);
		assertThat(queries(order)).as("only the preview asked").isEqualTo(1);
		assertThat(audit(order, "REQUERY")).isEmpty();
	}

	@Test
	void applyingWithAReasonPaysTheOrderWithOneOperatorEventCarryingReasonAndOperator() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 2599);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		String txn = sandbox.sandboxTransactionId(SupportOrders.ACCOUNT, no);
		TestUser user = testUsers.create(Role.SUPPORT);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(user).csrfFrom("/orders/" + order.id());
		long previewId = askForPreview(session, order.id());

		// values in the form are never applied: only the order, the preview's id and the reason count
		HttpResponse<String> applied = session.post(applyPath(order, previewId), Map.of("reason",
				"payer sent the bank receipt (ticket 42)", "transactionId", "FORGED", "amount", "1", "status", "REFUNDED"));

		assertThat(applied.statusCode()).isEqualTo(302);
		assertThat(applied.headers().firstValue("Location").orElseThrow()).endsWith("/orders/" + order.id());
		PaymentOrder paid = orders.findById(order.id()).orElseThrow();
		assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
		assertThat(paid.providerTxnId()).isEqualTo(txn);
		List<OrderEvent> toPaid = orders.events(order.id()).stream().filter(e -> e.toStatus() == OrderStatus.PAID).toList();
		assertThat(toPaid).singleElement().satisfies(e -> {
			assertThat(e.source()).isEqualTo(EventSource.OPERATOR);
			assertThat(e.actor()).isEqualTo(user.login());
			assertThat(e.reason()).startsWith("payer sent the bank receipt (ticket 42)")
				.contains("previewed as query #" + previewId)
				.containsPattern("applied query #\\d+");
		});
		long applyQueryId = Long.parseLong(toPaid.get(0).reason().replaceAll(".*applied query #(\\d+).*", "$1"));
		assertThat(dsl.fetchOne(PROVIDER_QUERY, PROVIDER_QUERY.ID.eq(applyQueryId))).satisfies(q -> {
			assertThat(q.getOrderId()).isEqualTo(order.id());
			assertThat(q.getSource()).isEqualTo("OPERATOR");
			assertThat(q.getActor()).isEqualTo(user.login());
			assertThat(q.getAnswerStatus()).isEqualTo("PAID");
			assertThat(q.getOutcome()).contains("APPLIED");
		});
		assertThat(audit(order, "REQUERY")).singleElement().satisfies(a -> {
			assertThat(a.getActor()).isEqualTo(user.login());
			assertThat(a.getOutcome()).isEqualTo("SUCCESS");
			assertThat(a.getDetails()).contains("reason: payer sent the bank receipt (ticket 42)").contains("APPLIED");
		});
		String detail = session.get("/orders/" + order.id()).body();
		assertThat(ConsolePages.text(detail, "flash-message")).startsWith("Re-query #" + applyQueryId + ": paid at the provider: APPLIED");
		assertThat(ConsolePages.text(detail, "order-status")).contains("PAID");
		List<String> timeline = OrderSupportIT.timeline(detail);
		assertThat(timeline).anySatisfy(line -> assertThat(line).contains("STATUS_CHANGED PENDING → PAID")
			.contains("OPERATOR · " + user.login()).contains("payer sent the bank receipt (ticket 42)"));
		assertThat(timeline).anySatisfy(line -> assertThat(line).contains("REQUERY → SUCCESS").contains(user.login()));
		assertThat(timeline).anySatisfy(line -> assertThat(line).contains("QUERY #" + previewId + " at the provider → PAID")
			.contains("transaction " + txn).contains("25.99 CNY"));
		// a second apply of the same preview is harmless: the provider says PAID, the order is PAID already
		session.csrfFrom("/orders/" + order.id());
		session.post(applyPath(order, previewId), Map.of("reason", "again"));
		assertThat(orders.events(order.id()).stream().filter(e -> e.toStatus() == OrderStatus.PAID)).hasSize(1);
	}

	@Test
	void whenTheAnswerChangedAfterThePreviewTheApplyTimeAnswerIsAppliedAndTheOperatorIsTold() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 700);
		ConsoleSession session = session(Role.FINANCE).csrfFrom("/orders/" + order.id());
		long previewId = askForPreview(session, order.id());
		String page = session.get("/orders/" + order.id() + "/requery/" + previewId).body();
		assertThat(row(page, "diff-status")).isEqualTo(List.of("PENDING", "NOT_PAID"));
		assertThat(page).contains("id=\"requery-same\"");

		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		HttpResponse<String> applied = session.post(applyPath(order, previewId), Map.of("reason", "payer says it is paid now"));

		assertThat(applied.statusCode()).isEqualTo(302);
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		String message = ConsolePages.text(session.get("/orders/" + order.id()).body(), "flash-message");
		assertThat(message).contains("The provider's answer changed since the preview (status NOT_PAID → PAID")
			.contains("its answer now was applied");
		assertThat(audit(order, "REQUERY")).singleElement()
			.satisfies(a -> assertThat(a.getDetails()).contains("answer changed since preview #" + previewId + ": status NOT_PAID → PAID"));
	}

	@Test
	void aProviderThatIsDownGivesAClearMessageAndChangesNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = orderService.create(new OrderService.CreateOrder(SupportOrders.DOWN, no,
				com.payrecon.support.money.Fen.of(300), "CNY", "down", null), Cause.api("checkout-it", "placed")).order();
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());

		long previewId = askForPreview(session, order.id());
		String page = session.get("/orders/" + order.id() + "/requery/" + previewId).body();
		assertThat(ConsolePages.text(page, "requery-error")).startsWith("The provider gave no definite answer (ERROR HTTP_502)")
			.endsWith("nothing was changed. Try again later.");

		session.post(applyPath(order, previewId), Map.of("reason", "customer on the phone"));
		String detail = session.get("/orders/" + order.id()).body();
		assertThat(ConsolePages.text(detail, "flash-error")).startsWith("The provider gave no definite answer; nothing was changed.");
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(orders.events(order.id())).hasSize(1);
		assertThat(audit(order, "REQUERY")).singleElement().satisfies(a -> assertThat(a.getOutcome()).isEqualTo("FAILURE"));
		assertThat(audit(order, "REQUERY_PREVIEW")).singleElement().satisfies(a -> assertThat(a.getOutcome()).isEqualTo("FAILURE"));

		session.csrfFrom("/orders/" + order.id());
		session.post("/orders/" + order.id() + "/close", Map.of("reason", "customer cancelled"));
		assertThat(orders.findById(order.id()).orElseThrow().status()).as("no close without the provider's word")
			.isEqualTo(OrderStatus.PENDING);
		assertThat(audit(order, "CLOSE")).singleElement().satisfies(a -> assertThat(a.getOutcome()).isEqualTo("FAILURE"));
	}

	@Test
	void aPreviewOfAnotherOrderCannotBeApplied() {
		PaymentOrder one = sandbox.placed(TestData.outTradeNo(), 100);
		PaymentOrder other = sandbox.placed(TestData.outTradeNo(), 100);
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + one.id());
		long previewOfOne = askForPreview(session, one.id());
		assertThat(session.get("/orders/" + other.id() + "/requery/" + previewOfOne).statusCode()).isEqualTo(404);
		assertThat(session.post(applyPath(other, previewOfOne), Map.of("reason", "wrong preview")).statusCode()).isEqualTo(404);
		assertThat(queries(other)).isZero();
	}

	@Test
	void anOrderOfAnAccountNoLongerConfiguredSaysSoInsteadOfFailing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = orderService.create(new OrderService.CreateOrder("support-gone", no,
				com.payrecon.support.money.Fen.of(100), "CNY", "old account", null), Cause.api("checkout-it", "placed")).order();
		// not PENDING, so that no stale-pending report elsewhere in this JVM trips over its unknown account
		orderService.transition("support-gone", no, OrderStatus.CLOSED, Cause.api("checkout-it", "expired"));
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());

		HttpResponse<String> asked = session.post("/orders/" + order.id() + "/requery", Map.of());

		assertThat(asked.statusCode()).isEqualTo(302);
		assertThat(asked.headers().firstValue("Location").orElseThrow()).endsWith("/orders/" + order.id());
		assertThat(ConsolePages.text(session.get("/orders/" + order.id()).body(), "flash-error"))
			.isEqualTo("The order's account support-gone is not configured: its provider cannot be asked.");
		assertThat(queries(order)).isZero();
	}

	// ---- Close -------------------------------------------------------------------------------------------------

	@Test
	void closingAnUnpaidOrderClosesItAtTheSandboxAndHere() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 800);
		TestUser user = testUsers.create(Role.SUPPORT);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(user).csrfFrom("/orders/" + order.id());

		HttpResponse<String> noReason = session.post("/orders/" + order.id() + "/close", Map.of("reason", " "));
		assertThat(noReason.statusCode()).isEqualTo(400);
		assertThat(ConsolePages.text(noReason.body(), "flash-error")).isEqualTo("A reason is required; nothing was changed.");
		assertThat(sandbox.atSandbox(SupportOrders.ACCOUNT, no).path("status").asString()).isEqualTo("NOTPAY");

		HttpResponse<String> closed = session.post("/orders/" + order.id() + "/close", Map.of("reason", "customer cancelled by phone"));

		assertThat(closed.statusCode()).isEqualTo(302);
		assertThat(sandbox.atSandbox(SupportOrders.ACCOUNT, no).path("status").asString()).isEqualTo("CLOSED");
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.CLOSED);
		OrderEvent event = orders.events(order.id()).get(1);
		assertThat(event.toStatus()).isEqualTo(OrderStatus.CLOSED);
		assertThat(event.source()).isEqualTo(EventSource.OPERATOR);
		assertThat(event.actor()).isEqualTo(user.login());
		assertThat(event.reason()).isEqualTo("customer cancelled by phone — closed at the provider on request");
		assertThat(audit(order, "CLOSE")).singleElement().satisfies(a -> {
			assertThat(a.getOutcome()).isEqualTo("SUCCESS");
			assertThat(a.getDetails()).contains("reason: customer cancelled by phone").contains("now CLOSED");
		});
		String detail = session.get("/orders/" + order.id()).body();
		assertThat(ConsolePages.text(detail, "flash-message")).endsWith("the order is CLOSED.");
		assertThat(detail).as("no Close button on a closed order").doesNotContain("id=\"close-form\"");
		// closing again is refused: only unpaid orders
		session.csrfFrom("/orders/" + order.id());
		assertThat(session.post("/orders/" + order.id() + "/close", Map.of("reason", "again")).statusCode()).isEqualTo(409);
	}

	@Test
	void closingAnOrderTheProviderSaysIsPaidAppliesThePaymentInstead() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 900);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		String txn = sandbox.sandboxTransactionId(SupportOrders.ACCOUNT, no);
		ConsoleSession session = session(Role.ADMIN).csrfFrom("/orders/" + order.id());

		assertThat(session.post("/orders/" + order.id() + "/close", Map.of("reason", "looks abandoned")).statusCode()).isEqualTo(302);

		PaymentOrder after = orders.findById(order.id()).orElseThrow();
		assertThat(after.status()).isEqualTo(OrderStatus.PAID);
		assertThat(after.providerTxnId()).isEqualTo(txn);
		assertThat(sandbox.atSandbox(SupportOrders.ACCOUNT, no).path("status").asString()).isEqualTo("SUCCESS");
		assertThat(orders.events(order.id()).get(1)).satisfies(e -> {
			assertThat(e.toStatus()).isEqualTo(OrderStatus.PAID);
			assertThat(e.source()).isEqualTo(EventSource.OPERATOR);
		});
		String detail = session.get("/orders/" + order.id()).body();
		assertThat(ConsolePages.text(detail, "flash-message")).contains("paid at the provider: APPLIED").endsWith("the order is PAID.");
	}

	@Test
	void aPaymentCodeChargeInProgressIsLeftToTheWatchdog() {
		PaymentOrder order = sandbox.placed(TestData.outTradeNo(), 150);
		// started "later" so that no watchdog run elsewhere in this JVM adopts it
		micropay.start(order, "checkout-it", Instant.now().plusSeconds(600), Instant.now().plusSeconds(900));
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());
		HttpResponse<String> refused = session.post("/orders/" + order.id() + "/close", Map.of("reason", "stuck"));
		assertThat(refused.statusCode()).isEqualTo(409);
		assertThat(ConsolePages.text(refused.body(), "flash-error")).startsWith("A payment-code charge is in progress");
		assertThat(queries(order)).isZero();
	}

	// ---- views ---------------------------------------------------------------------------------------------------

	@Test
	void theStalePendingViewListsOldPendingOrdersWithTheirChecksOldestFirst() {
		clock.set(Instant.now().minus(Duration.ofHours(3)));
		PaymentOrder oldest = sandbox.placed(TestData.outTradeNo(), 101);
		clock.set(Instant.now().minus(Duration.ofMinutes(30)));
		PaymentOrder older = sandbox.placed(TestData.outTradeNo(), 102);
		clock.reset();
		PaymentOrder young = sandbox.placed(TestData.outTradeNo(), 103);
		requery.requery(SupportOrders.ACCOUNT, older.outTradeNo(), Cause.query("stale-pending-sweep#it", "stale"));
		PaymentOrder checked = orders.findById(older.id()).orElseThrow();
		PaymentOrder paid = sandbox.placed(TestData.outTradeNo(), 104);
		orderService.transition(SupportOrders.ACCOUNT, paid.outTradeNo(), OrderStatus.CLOSED, Cause.api("it", "not pending"));

		ConsoleSession session = session(Role.SUPPORT);
		String page = session.get("/orders/stale?account=" + SupportOrders.ACCOUNT + "&size=200").body();
		List<Long> ids = ConsolePages.rowIds(page, "stale");
		assertThat(ids).contains(oldest.id(), older.id()).doesNotContain(young.id(), paid.id());
		assertThat(ids.indexOf(oldest.id())).isLessThan(ids.indexOf(older.id()));
		assertThat(ConsolePages.text(page, "stale-threshold")).contains("2 min");
		String olderRow = rowText(page, "stale-" + older.id());
		assertThat(olderRow).contains("30 min").contains(" 1 ").contains("NOT_PAID").contains("not paid yet; kept")
			.contains(fmt.time(checked.nextCheckAt(), SupportOrders.ACCOUNT));
		assertThat(rowText(page, "stale-" + oldest.id())).contains("3 h 00 min").contains("never asked").contains("next sweep");
		assertThat(page).contains("id=\"stale-account-" + SupportOrders.ACCOUNT + "\"");
		// another account's filter leaves these out; pages of one continue where the last ended
		assertThat(ConsolePages.rowIds(session.get("/orders/stale?account=wx2-md5").body(), "stale")).doesNotContain(oldest.id());
		String first = session.get("/orders/stale?account=" + SupportOrders.ACCOUNT + "&size=1").body();
		String next = ConsolePages.href(first, "stale-next");
		assertThat(next).contains("after=");
		List<Long> second = ConsolePages.rowIds(session.get(next).body(), "stale");
		assertThat(second).hasSize(1).doesNotContainAnyElementsOf(ConsolePages.rowIds(first, "stale"));
	}

	@Test
	void theMicropayViewShowsChargesBeingPolledWithPollsAndDeadline() {
		PaymentOrder order = sandbox.placed(TestData.outTradeNo(), 188);
		Instant deadline = Instant.now().plusSeconds(3600);
		micropay.start(order, "checkout-it", Instant.now().plusSeconds(600), deadline);
		String page = session(Role.SUPPORT).get("/orders/micropay").body();
		String row = rowText(page, "micropay-" + order.id());
		assertThat(row).contains(order.outTradeNo()).contains("1.88").contains("PENDING").contains(" 0 ")
			.contains(fmt.preciseTime(deadline, SupportOrders.ACCOUNT));
		assertThat(page.indexOf("id=\"micropay-" + order.id() + "\"")).isLessThan(page.indexOf("id=\"micropay-reversed\""));
	}

	@Test
	void aChargeThePayerNeverConfirmedIsListedAsReversedAfterItsTimeout() throws InterruptedException {
		String no = TestData.outTradeNo();
		// last digit 1: the sandbox answers USERPAYING and the payer confirms only after the IT's 1 s poll timeout
		String body = "{\"accountId\":\"" + SupportOrders.ACCOUNT + "\",\"outTradeNo\":\"" + no + "\",\"amount\":321,"
				+ "\"currency\":\"CNY\",\"description\":\"payment code\",\"authCode\":\"134567890123456781\"}";
		var response = new com.payrecon.support.Http(port).post("/api/orders/micropay", "application/json",
				body.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("Authorization", "Bearer it-checkout-token-0123456789"));
		assertThat(response.statusCode()).isEqualTo(202);
		PaymentOrder order = orders.find(SupportOrders.ACCOUNT, no).orElseThrow();
		for (int i = 0; i < 100 && orders.findById(order.id()).orElseThrow().status() != OrderStatus.REVERSED; i++) {
			Thread.sleep(100);
		}
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.REVERSED);

		String page = session(Role.SUPPORT).get("/orders/micropay").body();
		String row = rowText(page, "micropay-" + order.id());
		assertThat(row).contains("3.21").contains("REVERSED").contains("reversed: payer did not confirm");
		assertThat(page.indexOf("id=\"micropay-" + order.id() + "\"")).isGreaterThan(page.indexOf("id=\"micropay-reversed\""));
	}

	// ---- access, CSRF, XSS -----------------------------------------------------------------------------------------

	@Test
	void everyRoleGetsExactlyItsSupportActions() {
		for (Role role : Role.values()) {
			PaymentOrder order = sandbox.placed(TestData.outTradeNo(), 100);
			ConsoleSession session = session(role).csrfFrom("/orders/" + order.id());
			String detail = session.get("/orders/" + order.id()).body();
			boolean mayClose = role == Role.SUPPORT || role == Role.ADMIN;
			assertThat(detail.contains("id=\"requery\"")).as(role + " sees Re-query now").isTrue();
			assertThat(detail.contains("id=\"close\"")).as(role + " sees Close").isEqualTo(mayClose);
			assertThat(session.get("/orders/stale").statusCode()).isEqualTo(200);
			assertThat(session.get("/orders/micropay").statusCode()).isEqualTo(200);
			assertThat(session.post("/orders/" + order.id() + "/requery", Map.of()).statusCode()).isEqualTo(302);
			int close = session.post("/orders/" + order.id() + "/close", Map.of("reason", "role test")).statusCode();
			assertThat(close).as(role + " close").isEqualTo(mayClose ? 302 : 403);
			assertThat(orders.findById(order.id()).orElseThrow().status())
				.isEqualTo(mayClose ? OrderStatus.CLOSED : OrderStatus.PENDING);
		}
		for (String path : List.of("/orders/stale", "/orders/micropay", "/orders/1/requery/1")) {
			HttpResponse<String> anonymous = new ConsoleSession(port).get(path);
			assertThat(anonymous.statusCode()).isEqualTo(302);
			assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
		}
	}

	@Test
	void theServiceRefusesOnItsOwnWithoutTheRoleOrInSomebodyElsesName() {
		PaymentOrder order = sandbox.placed(TestData.outTradeNo(), 100);
		authenticateAs("fin", Role.FINANCE);
		assertThatThrownBy(() -> support.close(order.id(), "no", "fin")).isInstanceOf(AccessDeniedException.class);
		authenticateAs("sup", Role.SUPPORT);
		assertThatThrownBy(() -> support.askForPreview(order.id(), "somebody-else")).isInstanceOf(AccessDeniedException.class);
		assertThatThrownBy(() -> support.apply(order.id(), 1, "why", "somebody-else")).isInstanceOf(AccessDeniedException.class);
		authenticateAs("nobody");
		assertThatThrownBy(() -> support.preview(order.id(), 1)).isInstanceOf(AccessDeniedException.class);
		assertThat(queries(order)).isZero();
	}

	@Test
	void postsWithoutTheCsrfTokenAreRefusedAndChangeNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 100);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());
		long previewId = askForPreview(session, order.id());

		assertThat(session.postWithoutCsrf("/orders/" + order.id() + "/requery", Map.of()).statusCode()).isEqualTo(403);
		assertThat(session.postWithoutCsrf(applyPath(order, previewId), Map.of("reason", "cross-site")).statusCode()).isEqualTo(403);
		assertThat(session.postWithoutCsrf("/orders/" + order.id() + "/close", Map.of("reason", "cross-site")).statusCode())
			.isEqualTo(403);
		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);
		assertThat(queries(order)).isEqualTo(1);
	}

	@Test
	void scriptInNotificationFieldsAndInTheProvidersAnswerIsShownAsTextOnTheOrderPages() {
		String script = "<script>alert('xss')</script><img src=x onerror=alert(1)>";
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(SupportOrders.ACCOUNT, no, 600, script);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		// signed notifications whose echoed fields carry markup: a FAIL result and a foreign merchant id
		var fail = com.payrecon.notify.Notifications.v2Fields(no, 600, TestData.transactionId());
		fail.put("appid", "wx2421b1c4370ec43b");
		fail.put("mch_id", "10000160");
		fail.put("result_code", "FAIL");
		fail.put("err_code", script);
		var foreign = new java.util.LinkedHashMap<>(fail);
		foreign.put("result_code", "SUCCESS");
		foreign.put("mch_id", script);
		var http = new com.payrecon.support.Http(port);
		for (var fields : List.of(fail, foreign)) {
			String xml = com.payrecon.notify.Notifications.v2Xml(fields, SupportOrders.KEYS.get(SupportOrders.ACCOUNT),
					com.payrecon.crypto.WechatSignType.MD5);
			assertThat(http.post("/notify/wechatpay-v2/" + SupportOrders.ACCOUNT, "text/xml", xml).statusCode()).isEqualTo(200);
		}
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());
		long previewId = askForPreview(session, order.id());

		String detail = session.get("/orders/" + order.id()).body();
		String preview = session.get("/orders/" + order.id() + "/requery/" + previewId).body();
		for (String page : List.of(detail, preview)) {
			assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x");
		}
		assertThat(detail).contains(HtmlUtils.htmlEscape(script)); // the notifications' verdict reasons, as text
		assertThat(String.join("\n", timeline(detail))).contains("err_code=" + script).contains("mch_id=" + script);
		assertThat(ConsolePages.text(preview, "requery-raw-body")).contains("<attach>" + script + "</attach>");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void crLfAndEscapeCodesInCallbackFieldsOrAReasonNeverForgeALogOrAuditLine(CapturedOutput output) {
		String forged = "2026-11-23T00:00:00.000Z  INFO 1 --- [payrecon] [forged] c.p.Forged : admin approved refund";
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 610);
		sandbox.payAndDropTheNotification(SupportOrders.ACCOUNT, no);
		var fields = com.payrecon.notify.Notifications.v2Fields(no, 610, TestData.transactionId());
		fields.put("mch_id", "10000160");
		fields.put("result_code", "FAIL");
		// LF only: XML turns CR LF into LF before the signature is checked; an escape character is not XML 1.0 at all
		fields.put("err_code", "E1\n" + forged);
		String xml = com.payrecon.notify.Notifications.v2Xml(fields, SupportOrders.KEYS.get(SupportOrders.ACCOUNT),
				com.payrecon.crypto.WechatSignType.MD5);
		assertThat(new com.payrecon.support.Http(port).post("/notify/wechatpay-v2/" + SupportOrders.ACCOUNT, "text/xml", xml)
			.statusCode()).isEqualTo(200);
		ConsoleSession session = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());
		long previewId = askForPreview(session, order.id());
		session.post(applyPath(order, previewId), Map.of("reason", "phone call\r\n" + forged + "\u001b[31m"));

		assertThat(orders.findById(order.id()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
		assertThat(output.getAll().lines().filter(line -> line.contains(forged)).toList()).isNotEmpty()
			.allSatisfy(line -> assertThat(line).doesNotStartWith(forged).contains("err_code=E1?"));
		assertThat(audit(order, "REQUERY")).singleElement().satisfies(a -> assertThat(a.getDetails())
			.contains("reason: phone call  " + forged + " [31m")
			.doesNotContain("\n")
			.doesNotContain("\r")
			.doesNotContain("\u001b"));
	}

	// ---- helpers -------------------------------------------------------------------------------------------------

	private long askForPreview(ConsoleSession session, long orderId) {
		HttpResponse<String> asked = session.post("/orders/" + orderId + "/requery", Map.of());
		assertThat(asked.statusCode()).isEqualTo(302);
		Matcher m = PREVIEW.matcher(asked.headers().firstValue("Location").orElseThrow());
		assertThat(m.find()).as("redirected to the preview").isTrue();
		assertThat(Long.parseLong(m.group(1))).isEqualTo(orderId);
		return Long.parseLong(m.group(2));
	}

	private static String applyPath(PaymentOrder order, long previewId) {
		return "/orders/" + order.id() + "/requery/" + previewId + "/apply";
	}

	private int queries(PaymentOrder order) {
		return dsl.fetchCount(PROVIDER_QUERY, PROVIDER_QUERY.ORDER_ID.eq(order.id()));
	}

	private List<AuditEntryRecord> audit(PaymentOrder order, String action) {
		return dsl.selectFrom(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.TARGET.eq("order:" + order.id()), AUDIT_ENTRY.ACTION.eq(action))
			.fetch();
	}

	/** The local and provider cells of a diff row. */
	private static List<String> row(String html, String id) {
		Matcher m = Pattern.compile("id=\"" + id + "\".*?<td[^>]*>(.*?)</td>\\s*<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(html);
		assertThat(m.find()).as(id).isTrue();
		return List.of(HtmlUtils.htmlUnescape(m.group(1)).strip(), HtmlUtils.htmlUnescape(m.group(2)).strip());
	}

	private static String rowText(String html, String id) {
		Matcher m = Pattern.compile("<tr id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(html);
		assertThat(m.find()).as(id).isTrue();
		return HtmlUtils.htmlUnescape(m.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " "));
	}

	static List<String> timeline(String html) {
		Matcher m = Pattern.compile("<li id=\"timeline-\\d+\"[^>]*>(.*?)</li>", Pattern.DOTALL).matcher(html);
		return m.results()
			.map(r -> HtmlUtils.htmlUnescape(r.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ")))
			.toList();
	}

	private ConsoleSession session(Role role) {
		TestUser user = testUsers.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}

	private static void authenticateAs(String login, Role... roles) {
		var authorities = java.util.Arrays.stream(roles).map(r -> new SimpleGrantedAuthority(r.authority())).toList();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(login, null, authorities));
	}
}
