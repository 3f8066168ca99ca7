package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Fewer dead ends for support (issue 16): no dashboard link a role cannot open, Apply only when there is something to
 * apply (and what to do when the provider says NOT_PAID), order search by prefix and by transaction with a hint when
 * nothing is found, an order without any callback that says so.
 */
@PayReconIT
class SupportDeadEndsIT {

	private static final Pattern PREVIEW = Pattern.compile("/orders/(\\d+)/requery/(\\d+)$");
	private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orderService;

	@Test
	void supportSeesNoDashboardLinkItCannotOpen() {
		String dashboard = session(Role.SUPPORT).get("/dashboard").body();
		Matcher links = HREF.matcher(dashboard);
		while (links.find()) {
			assertThat(links.group(1)).as("a link support cannot open")
				.doesNotStartWith("/reconciliation").doesNotStartWith("/jobs").doesNotStartWith("/audit")
				.doesNotStartWith("/admin");
		}
	}

	@Test
	void aPreviewWithNothingToApplyOffersNoApplyAndSaysWhatToDo() {
		SupportOrders sandbox = new SupportOrders(port, orderService);
		String no = TestData.outTradeNo();
		PaymentOrder order = sandbox.placed(no, 880);
		ConsoleSession support = session(Role.SUPPORT).csrfFrom("/orders/" + order.id());
		HttpResponse<String> asked = support.post("/orders/" + order.id() + "/requery", Map.of());
		Matcher m = PREVIEW.matcher(asked.headers().firstValue("Location").orElseThrow());
		assertThat(m.find()).isTrue();
		String page = support.get("/orders/" + order.id() + "/requery/" + m.group(2)).body();
		assertThat(page).contains("id=\"requery-same\"").doesNotContain("id=\"apply-form\"");
		int guidance = page.indexOf("id=\"not-paid-guidance\"");
		assertThat(guidance).as("guidance for NOT_PAID").isPositive();
		assertThat(page.substring(guidance, page.indexOf("</section>", guidance))).contains("payment proof")
			.contains("notification log");
	}

	@Test
	void ordersAreFoundByThePrefixOfTheirNumberOrTransactionAndAnEmptySearchSaysWhatToTry() {
		String prefix = TestData.outTradeNo();
		PaymentOrder first = create(prefix + "-1", 100);
		PaymentOrder second = create(prefix + "-2", 200);
		String txn = "TXN-" + prefix + "-0815";
		orderService.applyPayment(first.accountId(), new ProviderPayment(first.outTradeNo(), txn, Fen.of(100), "CNY",
				Instant.now()), Cause.api("test", "paid"));
		ConsoleSession support = session(Role.SUPPORT);

		String byPrefix = support.get("/orders?outTradeNo=" + prefix).body();
		assertThat(ConsolePages.rowIds(byPrefix, "order")).containsExactlyInAnyOrder(first.id(), second.id());
		String byTxn = support.get("/orders?transactionId=" + txn.substring(0, txn.length() - 4)).body();
		assertThat(ConsolePages.rowIds(byTxn, "order")).containsExactly(first.id());

		String nothing = support.get("/orders?outTradeNo=" + prefix + "-nothing").body();
		assertThat(ConsolePages.rowIds(nothing, "order")).isEmpty();
		assertThat(ConsolePages.text(nothing, "search-hint")).isNotBlank();
	}

	@Test
	void anOrderWithoutAnyCallbackSaysSoAndPointsAtRequery() {
		PaymentOrder order = create(TestData.outTradeNo(), 300);
		String page = session(Role.SUPPORT).get("/orders/" + order.id()).body();
		assertThat(ConsolePages.text(page, "no-callback")).isNotBlank();
		assertThat(page).containsPattern(Pattern.compile("id=\"no-callback\"[^>]*>.*?href=\"#requery-form\"", Pattern.DOTALL));
	}

	private PaymentOrder create(String outTradeNo, long fen) {
		return orderService.create(new CreateOrder("recon-console", outTradeNo, Fen.of(fen), "CNY", "support test", null),
				Cause.api("test", "set-up")).order();
	}

	private ConsoleSession session(Role role) {
		TestUser user = users.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}
}
