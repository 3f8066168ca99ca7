package com.payrecon.console.reconciliation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.reconcile.Discrepancy;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.ReconciliationResult;
import com.payrecon.reconcile.WechatBill;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;

import org.springframework.stereotype.Component;

/**
 * Days of account {@code recon-console} reconciled for real (the run's code, the real parser and database) from a
 * WeChat Pay v2 bill fixture. Each day is fresh and far away, so tests sharing the database never meet.
 */
@Component
public class ReconDays {

	public static final String ACCOUNT = "recon-console";
	public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
	private static final AtomicInteger DAYS = new AtomicInteger(ThreadLocalRandom.current().nextInt(0, 20_000) * 4);

	private final OrderService orders;
	private final Reconciliation reconciliation;
	private final AccountRegistry accounts;

	ReconDays(OrderService orders, Reconciliation reconciliation, AccountRegistry accounts) {
		this.orders = orders;
		this.reconciliation = reconciliation;
		this.accounts = accounts;
	}

	/**
	 * A reconciled day with one case of each kind that finance works on: a late payment for a CLOSED order (7.00), a
	 * full refund at the provider of an order PAID here (6.00), an order paid here missing from the bill (5.00) and a
	 * payment unknown here (4.00); plus one order that matches (1.00).
	 */
	public record Planted(LocalDate day, WechatBill bill, PaymentOrder matched, PaymentOrder late, String lateTxn,
			PaymentOrder refunded, PaymentOrder missing, String unknown, ReconciliationResult result) {

		public long id(DiscrepancyType type) {
			return discrepancy(type).id();
		}

		public Discrepancy discrepancy(DiscrepancyType type) {
			return result.discrepancies().stream().filter(d -> d.type() == type).findFirst().orElseThrow();
		}
	}

	public LocalDate freshDay() {
		return LocalDate.of(2070, 1, 1).plusDays(DAYS.addAndGet(3));
	}

	public Planted planted() {
		LocalDate day = freshDay();
		PaymentOrder matched = paid(100, day.atTime(9, 0));
		PaymentOrder late = pending(700);
		late = orders.transition(ACCOUNT, late.outTradeNo(), OrderStatus.CLOSED, Cause.api("test", "expired")).orElseThrow();
		PaymentOrder refunded = paid(600, day.atTime(11, 0));
		PaymentOrder missing = paid(500, day.atTime(12, 0));
		String unknown = TestData.outTradeNo();
		String lateTxn = TestData.transactionId();
		WechatBill bill = new WechatBill().paid(day.atTime(9, 0), matched.providerTxnId(), matched.outTradeNo(), 100)
			.paid(day.atTime(10, 0), lateTxn, late.outTradeNo(), 700)
			.paid(day.atTime(11, 0), refunded.providerTxnId(), refunded.outTradeNo(), 600)
			.refunded(day.atTime(13, 0), refunded.providerTxnId(), refunded.outTradeNo(), 600)
			.paid(day.atTime(14, 0), TestData.transactionId(), unknown, 400);
		return new Planted(day, bill, matched, late, lateTxn, refunded, missing, unknown, reconcile(day, bill));
	}

	/** A day whose only case is an order paid here but missing from the bill (5.00); one order matches (1.00). */
	public Planted oneMissing() {
		LocalDate day = freshDay();
		PaymentOrder matched = paid(100, day.atTime(9, 0));
		PaymentOrder missing = paid(500, day.atTime(12, 0));
		WechatBill bill = new WechatBill().paid(day.atTime(9, 0), matched.providerTxnId(), matched.outTradeNo(), 100);
		return new Planted(day, bill, matched, null, null, null, missing, null, reconcile(day, bill));
	}

	public ReconciliationResult reconcile(LocalDate day, WechatBill bill) {
		return reconcile(ACCOUNT, day, bill);
	}

	public com.payrecon.account.Account account(String id) {
		return accounts.find(id).orElseThrow();
	}

	/** Reconciles a day of another WeChat Pay v2 account from a bill fixture. */
	public ReconciliationResult reconcile(String account, LocalDate day, WechatBill bill) {
		byte[] bytes = bill.text().getBytes(StandardCharsets.UTF_8);
		return reconciliation.reconcile(accounts.find(account).orElseThrow(), day, reconciliation.options("test", false),
				() -> new BillDownload(false, null, new ByteArrayInputStream(bytes), BillDownload.WECHAT_TEXT));
	}

	PaymentOrder pending(long fen) {
		return orders.create(new CreateOrder(ACCOUNT, TestData.outTradeNo(), Fen.of(fen), "CNY", "recon pages test", null),
				Cause.api("test", "set-up")).order();
	}

	PaymentOrder paid(long fen, LocalDateTime paidAt) {
		PaymentOrder order = pending(fen);
		return orders.applyPayment(ACCOUNT, new ProviderPayment(order.outTradeNo(), TestData.transactionId(), Fen.of(fen),
				"CNY", paidAt.atZone(SHANGHAI).toInstant()), Cause.api("test", "paid")).order();
	}
}
