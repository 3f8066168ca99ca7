package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;

import com.payrecon.console.reconciliation.ReconDays;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.reconcile.ReconciliationResult;
import com.payrecon.reconcile.WechatBill;
import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dashboard's "paid" says which day it counts, and "paid that day" counts as reconciliation does (paid time in
 * the account's zone); the list behind each figure shows its count and sum, equal to the figure (issue 16).
 */
@PayReconIT
class DashboardPaidIT {

	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orders;

	@Autowired
	ReconDays days;

	@Autowired
	MutableClock clock;

	@AfterEach
	void realTime() {
		clock.reset();
	}

	@Test
	void anOrderCreatedBeforeMidnightAndPaidAfterCountsOnTheNextDayAsReconciliationCountsIt() {
		LocalDate created = days.freshDay();
		LocalDate paid = created.plusDays(1);
		clock.set(created.atTime(23, 50).atZone(SHANGHAI).toInstant());
		PaymentOrder order = orders.create(new CreateOrder(ReconDays.ACCOUNT, TestData.outTradeNo(), Fen.of(123_456), "CNY",
				"near midnight", null), Cause.api("test", "set-up")).order();
		String txn = TestData.transactionId();
		clock.set(paid.atTime(0, 10).atZone(SHANGHAI).toInstant());
		orders.applyPayment(ReconDays.ACCOUNT, new ProviderPayment(order.outTradeNo(), txn, Fen.of(123_456), "CNY",
				clock.instant()), Cause.api("test", "paid"));
		clock.set(paid.atTime(12, 0).atZone(SHANGHAI).toInstant());

		ConsoleSession finance = new ConsoleSession(port).loggedInAs(users.create(Role.FINANCE));
		String page = finance.get("/dashboard?account=" + ReconDays.ACCOUNT + "&day=" + created).body();
		String a = ReconDays.ACCOUNT;
		// created that day and PAID now: on the day it was created
		assertThat(ConsolePages.text(page, a + "-day-paid")).isEqualTo("1");
		assertThat(ConsolePages.text(page, a + "-today-paid")).isEqualTo("0");
		// paid that day, as reconciliation counts: on the day it was paid
		assertThat(ConsolePages.text(page, a + "-day-paid-in-day")).isEqualTo("0");
		assertThat(ConsolePages.text(page, a + "-today-paid-in-day")).isEqualTo("1");
		assertThat(ConsolePages.text(page, a + "-today-paid-in-day-amount")).isEqualTo("1,234.56");

		// the list behind the figure shows the same count and sum
		String list = finance.get(ConsolePages.href(page, a + "-today-paid-in-day")).body();
		assertThat(ConsolePages.rowIds(list, "order")).containsExactly(order.id());
		assertThat(ConsolePages.text(list, "list-count")).isEqualTo("1 orders, together 1,234.56 yuan");
		String createdList = finance.get(ConsolePages.href(page, a + "-day-paid")).body();
		assertThat(ConsolePages.text(createdList, "list-count")).isEqualTo("1 orders, together 1,234.56 yuan");

		// and reconciliation's own side of that day says the same
		ReconciliationResult run = days.reconcile(paid, new WechatBill().paid(paid.atTime(0, 10), txn, order.outTradeNo(), 123_456));
		assertThat(run.run().local().count()).isEqualTo(1);
		assertThat(run.run().local().gross()).isEqualTo(Fen.of(123_456));
	}
}
