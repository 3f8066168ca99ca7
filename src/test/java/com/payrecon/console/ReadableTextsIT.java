package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

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

/** Amounts and times as people read them, in narrative texts too (issue 16: the timeline said amount=18317 CNY). */
@PayReconIT
class ReadableTextsIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orderService;

	@Test
	void theTimelineShowsYuanAndTimesInTheAccountsZone() {
		PaymentOrder order = orderService.create(new CreateOrder("recon-console", TestData.outTradeNo(), Fen.of(18317),
				"CNY", "readable", null), Cause.api("test", "set-up")).order();
		orderService.applyPayment("recon-console", new ProviderPayment(order.outTradeNo(), TestData.transactionId(),
				Fen.of(18317), "CNY", Instant.parse("2070-01-01T12:10:00Z")), Cause.api("test", "paid"));
		TestUser support = users.create(Role.SUPPORT);
		String page = new ConsoleSession(port).loggedInAs(support)
			.get("/orders/" + order.id())
			.body();
		String timeline = org.springframework.web.util.HtmlUtils.htmlUnescape(
				page.substring(page.indexOf("id=\"timeline\""), page.indexOf("</ol>", page.indexOf("id=\"timeline\"")))
					.replaceAll("<[^>]+>", " "));
		assertThat(timeline).contains("183.17 CNY").doesNotContain("18317");
		assertThat(timeline).contains("2070-01-01 20:10:00 Asia/Shanghai").doesNotContain("T12:10:00Z");
	}
}
