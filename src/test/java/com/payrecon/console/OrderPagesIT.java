package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Order search and the order timeline over real HTTP. */
@PayReconIT
class OrderPagesIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers testUsers;

	@Autowired
	OrderService orderService;

	@Autowired
	MutableClock clock;

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
		clock.reset();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void supportFindsAnOrderByOutTradeNoOrAmountAndSeesItsWholeHistoryInOrder() {
		String outTradeNo = TestData.outTradeNo();
		clock.set(Instant.parse("2026-03-01T00:00:00Z")); // 08:00 in Shanghai
		PaymentOrder order = create(outTradeNo, 1234);
		clock.reset();
		String transactionId = TestData.transactionId();
		http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 1234, transactionId));

		ConsoleSession support = session(Role.SUPPORT);
		String list = support.get("/orders?outTradeNo=" + outTradeNo).body();
		assertThat(ConsolePages.rowIds(list, "order")).containsExactly(order.id());
		assertThat(list).contains("12.34 CNY").contains("2026-03-01 08:00:00");
		assertThat(ConsolePages.rowIds(support.get("/orders?transactionId=" + transactionId).body(), "order"))
			.containsExactly(order.id());
		assertThat(ConsolePages.rowIds(support.get("/orders?account=wx2-md5&amount=12.34&status=PAID&from=2026-03-01T07:59:00&to=2026-03-01T08:01:00").body(), "order"))
			.contains(order.id());
		assertThat(ConsolePages.rowIds(support.get("/orders?account=wx2-md5&amount=12.3&from=2026-03-01T07:59:00&to=2026-03-01T08:01:00").body(), "order"))
			.doesNotContain(order.id());
		assertThat(ConsolePages.rowIds(support.get("/orders?outTradeNo=" + outTradeNo + "&status=PENDING").body(), "order")).isEmpty();
		String bad = support.get("/orders?amount=1E%2B3").body();
		assertThat(ConsolePages.text(bad, "flash-error")).startsWith("Amount: yuan");

		String detail = support.get("/orders/" + order.id()).body();
		assertThat(ConsolePages.text(detail, "order-status")).contains("PAID");
		assertThat(ConsolePages.text(detail, "order-amount")).isEqualTo("12.34 CNY");
		List<String> timeline = timeline(detail);
		assertThat(timeline).hasSize(3);
		assertThat(timeline.get(0)).contains("event").contains("CREATED").contains("API");
		assertThat(timeline.get(1)).contains("notification").contains("wechatpay-v2 notify → APPLIED");
		assertThat(timeline.get(2)).contains("STATUS_CHANGED PENDING → PAID").contains("NOTIFY");
	}

	@Test
	void aLatePaymentIsFlaggedForReviewAndFoundByTheReviewFilter() {
		String outTradeNo = TestData.outTradeNo();
		PaymentOrder order = create(outTradeNo, 500);
		orderService.transition("wx2-md5", outTradeNo, OrderStatus.CLOSED, Cause.api("test", "expired"));
		http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 500, TestData.transactionId()));

		ConsoleSession finance = session(Role.FINANCE);
		assertThat(ConsolePages.rowIds(finance.get("/orders?review=true&outTradeNo=" + outTradeNo).body(), "order"))
			.containsExactly(order.id());
		String other = TestData.outTradeNo();
		create(other, 500);
		assertThat(ConsolePages.rowIds(finance.get("/orders?review=true&outTradeNo=" + other).body(), "order")).isEmpty();

		String detail = finance.get("/orders/" + order.id()).body();
		assertThat(detail).contains("id=\"review-badge\"");
		assertThat(ConsolePages.text(detail, "order-status")).contains("CLOSED");
		assertThat(String.join("\n", timeline(detail))).contains("LATE_PAYMENT").contains("→ LATE_PAYMENT");
	}

	private PaymentOrder create(String outTradeNo, long fen) {
		return orderService
			.create(new CreateOrder("wx2-md5", outTradeNo, Fen.of(fen), "CNY", "order page test", null),
					Cause.api("checkout-it", "placed"))
			.order();
	}

	private static List<String> timeline(String html) {
		Matcher m = Pattern.compile("<li id=\"timeline-\\d+\"[^>]*>(.*?)</li>", Pattern.DOTALL).matcher(html);
		return m.results()
			.map(r -> org.springframework.web.util.HtmlUtils.htmlUnescape(r.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ")))
			.toList();
	}

	private ConsoleSession session(Role role) {
		TestUser user = testUsers.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}
}
