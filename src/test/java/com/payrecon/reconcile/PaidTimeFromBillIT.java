package com.payrecon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.checkout.FakeProviderEnvironment;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 12 §2: a PAID query answer without the provider's paid time pays the order with its paid time unknown (never
 * "now", which can move a payment into another business day); the day's reconciliation then takes the time from the
 * provider's bill line, so the payment counts on the day the provider says. Bills and query answers come from the
 * in-test provider fake (account {@code wx2-fake}), as in {@link DailyReconciliationIT}.
 */
@PayReconIT
class PaidTimeFromBillIT {

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	OrderService orderService;

	@Autowired
	OrderRepository orders;

	@Autowired
	MutableClock clock;

	final FakeServer fake = FakeProviderEnvironment.server();

	@BeforeEach
	void provider() {
		fake.on("/fake/wechatpay/pay/downloadbill", r -> {
			String bill = DailyReconciliationIT.BILLS.get(WechatV2Xml.parse(r.body()).get("bill_date"));
			return bill == null ? Response.of(200,
					"<xml><return_code>FAIL</return_code><return_msg>No Bill Exist</return_msg><error_code>20002</error_code></xml>")
					: Response.of(200, bill);
		});
		fake.on("/fake/wechatpay/pay/orderquery", r -> {
			Map<String, String> answer = DailyReconciliationIT.QUERY_ANSWERS.get(WechatV2Xml.parse(r.body()).get("out_trade_no"));
			return DailyReconciliationIT.signed(answer != null ? answer
					: Map.of("result_code", "FAIL", "err_code", "ORDERNOTEXIST", "err_code_des", "order not exist"));
		});
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void aPaymentWhoseQueryAnswerHasNoTimeIsPaidOnTheDayTheBillSays() {
		LocalDate day = DailyReconciliationIT.freshDay();
		clock.set(day.atTime(23, 50).atZone(DailyReconciliationIT.SHANGHAI).toInstant());
		PaymentOrder order = orderService.create(new CreateOrder(DailyReconciliationIT.ACCOUNT, TestData.outTradeNo(),
				Fen.of(4200), "CNY", "paid just before midnight", null), Cause.api("test", "set-up")).order();
		String txn = TestData.transactionId();
		// the provider's answer names the transaction and the amount, but no time_end
		Map<String, String> noTime = new LinkedHashMap<>(
				DailyReconciliationIT.paidAnswer(order.outTradeNo(), txn, 4200, day.atTime(23, 58)));
		noTime.remove("time_end");
		DailyReconciliationIT.QUERY_ANSWERS.put(order.outTradeNo(), noTime);
		DailyReconciliationIT.serve(day, new WechatBill().paid(day.atTime(23, 58), txn, order.outTradeNo(), 4200));
		clock.set(day.plusDays(1).atTime(10, 0).atZone(DailyReconciliationIT.SHANGHAI).toInstant()); // next morning

		ReconciliationResult result = reconciliation.reconcile(DailyReconciliationIT.ACCOUNT, day,
				reconciliation.options("test", false));

		PaymentOrder paid = orders.find(DailyReconciliationIT.ACCOUNT, order.outTradeNo()).orElseThrow();
		assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
		assertThat(paid.providerTxnId()).isEqualTo(txn);
		assertThat(paid.paidAt()).as("the bill line's time, not the time of the query")
			.isEqualTo(day.atTime(23, 58).atZone(DailyReconciliationIT.SHANGHAI).toInstant());
		assertThat(result.run().local().count()).as("counted on the provider's day").isEqualTo(1);
		assertThat(result.run().local().gross()).isEqualTo(Fen.of(4200));
		assertThat(orders.events(order.id())).extracting(OrderEvent::eventType)
			.containsExactly(OrderEvent.CREATED, OrderEvent.STATUS_CHANGED, "PAID_TIME_SET");
	}
}
