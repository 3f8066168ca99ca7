package com.payrecon.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.payrecon.browser.pages.LoginPage;
import com.payrecon.browser.pages.OrderDetailPage;
import com.payrecon.browser.pages.RefundsPage;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.PaymentOrder;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A finance refund with a second person's approval, in headless Chromium against the running application and the
 * sandbox (WeChat Pay v2, account refund-wx2): one finance user proposes it on the order's page, cannot approve it
 * herself, a second finance user approves it on the refunds page, the provider's refund notification settles it and
 * the order's page shows the refund, the refunded amount and the whole history.
 */
@PayReconIT
class RefundBrowserIT extends ConsoleInBrowser {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderRepository orders;

	@Test
	void aFinanceRefundIsSentOnlyAfterASecondPersonApprovesIt() {
		PaymentOrder order = paidOrder("refund-wx2", 8800);
		TestUser maker = users.create(Role.FINANCE);
		TestUser checker = users.create(Role.FINANCE);

		LoginPage.to(browser, port).signIn(maker);
		OrderDetailPage page = OrderDetailPage.to(browser, port, order.id());
		assertThat(page.canProposeRefund()).isTrue();
		page = page.proposeRefund("20.00", "two of the three items returned", maker.password());

		assertThat(page.flashMessage()).contains("waits for a second person's approval");
		assertThat(page.refundNumbers()).hasSize(1);
		String number = page.refundNumbers().get(0);
		assertThat(page.refundRow(number)).contains("20.00").contains("REQUESTED").contains("awaits approval");
		RefundsPage refunds = page.openRefunds();
		assertThat(refunds.awaiting()).contains(number);
		assertThat(refunds.approve(number, maker.password()).errorMessage()).contains("a different finance or admin user must approve it");
		Browsers.screenshot(browser, "refunds");
		refunds.logOut();

		LoginPage.to(browser, port).signIn(checker);
		RefundsPage approved = RefundsPage.to(browser, port).approve(number, checker.password());

		assertThat(approved.flashMessage()).contains("approved and sent");
		assertThat(approved.awaiting()).doesNotContain(number);
		OrderDetailPage after = awaitRefunded(order, "20.00 CNY");
		assertThat(after.status()).contains("PARTIALLY_REFUNDED");
		assertThat(after.refundRow(number)).contains("SUCCESS").contains(maker.login()).contains(checker.login());
		assertThat(after.timeline()).anySatisfy(line -> assertThat(line).contains("refund " + number).contains("APPROVED"));
		assertThat(after.timeline()).anySatisfy(line -> assertThat(line).contains("PROCESSING → SUCCESS").contains("NOTIFY"));
		assertThat(after.timeline()).anySatisfy(line -> assertThat(line).contains("PAID → PARTIALLY_REFUNDED"));
		Browsers.screenshot(browser, "order-refund");
	}

	/** Reloads the order's page until the refund is applied (the provider notifies a moment after approval). */
	private OrderDetailPage awaitRefunded(PaymentOrder order, String refunded) {
		Instant end = Instant.now().plus(Duration.ofSeconds(20));
		OrderDetailPage page = OrderDetailPage.to(browser, port, order.id());
		while (!page.refunded().equals(refunded) && Instant.now().isBefore(end)) {
			pause(300);
			page = OrderDetailPage.to(browser, port, order.id());
		}
		assertThat(page.refunded()).isEqualTo(refunded);
		return page;
	}

	private PaymentOrder paidOrder(String account, long fen) {
		Http http = new Http(port);
		String no = TestData.outTradeNo();
		http.post("/api/orders", "application/json", ("{\"accountId\":\"" + account + "\",\"outTradeNo\":\"" + no
				+ "\",\"amount\":" + fen + ",\"currency\":\"CNY\",\"description\":\"Three shirts\"}").getBytes(),
				Map.of("Authorization", "Bearer it-checkout-token-0123456789"));
		http.send("DELETE", "/sandbox/api/merchants/" + account + "/faults", "application/json", new byte[0]);
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

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
