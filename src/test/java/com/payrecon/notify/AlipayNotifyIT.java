package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.order.PaymentOrder;
import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

class AlipayNotifyIT extends NotifyTestSupport {

	@Test
	void aValidNotificationPaysTheOrderAndIsAnsweredSuccess() {
		String no = TestData.outTradeNo();
		String tradeNo = TestData.transactionId();
		PaymentOrder order = pendingOrder("ali", no, 8888);

		HttpResponse<String> response = postAlipay("ali", Notifications.alipayPaid(no, "88.88", tradeNo));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("success");
		assertThat(order("ali", no).status().name()).isEqualTo("PAID");
		assertThat(order("ali", no).providerTxnId()).isEqualTo(tradeNo);
		RawNotificationRecord raw = lastRaw("ali");
		assertThat(raw.getVerdict()).isEqualTo("APPLIED");
		assertThat(raw.getProviderNotifyId()).isNotBlank();
		assertThat(events(order).get(1).rawNotificationId()).isEqualTo(raw.getId());
	}

	@Test
	void thePublishedFormBodyVerifiesAndPaysItsOrder() {
		if (orders.find("ali", "20261122103450A").isEmpty()) {
			pendingOrder("ali", "20261122103450A", 8888);
		}
		byte[] form = Notifications.resource("vectors/alipay-part1-form-body.txt").strip().getBytes(StandardCharsets.US_ASCII);

		HttpResponse<String> response = postAlipay("ali", form);

		assertThat(response.body()).isEqualTo("success");
		assertThat(order("ali", "20261122103450A").status().name()).isEqualTo("PAID");
		assertThat(order("ali", "20261122103450A").providerTxnId()).isEqualTo("2026112222001446880500000001");
	}

	@Test
	void aRepeatedNotifyIdIsADuplicateAndTradeFinishedLaterIsANoOp() {
		String no = TestData.outTradeNo();
		String tradeNo = TestData.transactionId();
		PaymentOrder order = pendingOrder("ali", no, 1000);
		Map<String, String> params = Notifications.alipayParams(no, "10.00", tradeNo);
		byte[] form = Notifications.alipayForm(params);
		postAlipay("ali", form);
		assertThat(postAlipay("ali", form).body()).isEqualTo("success");
		assertThat(lastRaw("ali").getVerdict()).isEqualTo("DUPLICATE");

		params.put("trade_status", "TRADE_FINISHED");
		params.put("notify_id", "finished-" + tradeNo);
		assertThat(postAlipay("ali", Notifications.alipayForm(params)).body()).isEqualTo("success");

		assertThat(lastRaw("ali").getVerdict()).isEqualTo("DUPLICATE");
		assertThat(paidTransitions(order)).isEqualTo(1);
	}

	@Test
	void fiftyConcurrentIdenticalNotificationsGiveExactlyOneTransition() throws Exception {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 2500);
		byte[] form = Notifications.alipayPaid(no, "25.00", TestData.transactionId());
		long before = maxRawId();

		List<HttpResponse<String>> responses = concurrently(50, () -> postAlipay("ali", form));

		assertThat(responses).allSatisfy(r -> assertThat(r.body()).isEqualTo("success"));
		assertThat(paidTransitions(order)).isEqualTo(1);
		List<RawNotificationRecord> rows = rawSince(order, before);
		assertThat(rows).hasSize(50);
		assertThat(rows).filteredOn(r -> r.getVerdict().equals("APPLIED")).hasSize(1);
	}

	@Test
	void aBadSignatureAnRsa1SignTypeAndAMissingSignAreRefused() {
		String no = TestData.outTradeNo();
		pendingOrder("ali", no, 100);
		Map<String, String> params = Notifications.alipayParams(no, "1.00", TestData.transactionId());
		String good = new String(Notifications.alipayForm(params), StandardCharsets.US_ASCII);
		String tampered = good.replace("total_amount=1.00", "total_amount=0.01");
		String rsa1 = good.replace("sign_type=RSA2", "sign_type=RSA");
		String unsigned = good.replaceAll("&sign=[^&]*", "");

		for (String form : List.of(tampered, rsa1, unsigned)) {
			HttpResponse<String> response = postAlipay("ali", form.getBytes(StandardCharsets.US_ASCII));
			assertThat(response.body()).isEqualTo("fail");
			assertThat(lastRaw("ali").getVerdict()).isEqualTo("BAD_SIGNATURE");
		}
		assertThat(statusOf("ali", no)).isEqualTo("PENDING");
	}

	@Test
	void foreignSellerOrAppAreAcknowledgedAndKept() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 100);
		for (String[] change : List.of(new String[] { "seller_id", "2088999999999999" }, new String[] { "app_id", "2021999999999999" })) {
			Map<String, String> params = Notifications.alipayParams(no, "1.00", TestData.transactionId());
			params.put(change[0], change[1]);
			assertThat(postAlipay("ali", Notifications.alipayForm(params)).body()).isEqualTo("success");
			assertThat(lastRaw("ali").getVerdict()).isEqualTo("MERCHANT_MISMATCH");
		}
		assertThat(order("ali", no)).isEqualTo(order);
	}

	@Test
	void oddAmountStringsAreNeverTakenForTheOrderAmount() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 10000);
		for (String amount : List.of("1E+2", "100.0", "100", "-0.01", "0100.00", "１００.00", "100.001")) {
			Map<String, String> params = Notifications.alipayParams(no, amount, TestData.transactionId());
			assertThat(postAlipay("ali", Notifications.alipayForm(params)).body()).as(amount).isEqualTo("success");
			assertThat(lastRaw("ali").getVerdict()).as(amount).isEqualTo("AMOUNT_MISMATCH");
		}
		assertThat(order("ali", no)).isEqualTo(order);
	}

	@Test
	void waitBuyerPayAndTradeClosedChangeNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 100);
		for (String status : List.of("WAIT_BUYER_PAY", "TRADE_CLOSED")) {
			Map<String, String> params = Notifications.alipayParams(no, "1.00", TestData.transactionId());
			params.put("trade_status", status);
			assertThat(postAlipay("ali", Notifications.alipayForm(params)).body()).isEqualTo("success");
			assertThat(lastRaw("ali").getVerdict()).isEqualTo("NOT_PAID");
		}
		assertThat(order("ali", no)).isEqualTo(order);
	}

	@Test
	void duplicateParametersAndQueryStringParametersAreRefused() {
		String no = TestData.outTradeNo();
		pendingOrder("ali", no, 100);
		String good = new String(Notifications.alipayPaid(no, "1.00", TestData.transactionId()), StandardCharsets.US_ASCII);

		HttpResponse<String> doubled = postAlipay("ali", (good + "&total_amount=1.00").getBytes(StandardCharsets.US_ASCII));
		assertThat(doubled.body()).isEqualTo("fail");
		assertThat(lastRaw("ali").getVerdict()).isEqualTo("MALFORMED");

		HttpResponse<String> withQuery = http.post("/notify/alipay/ali?total_amount=0.01", "application/x-www-form-urlencoded",
				good.getBytes(StandardCharsets.US_ASCII), Map.of());
		assertThat(withQuery.body()).isEqualTo("fail");
		assertThat(lastRaw("ali").getVerdict()).isEqualTo("MALFORMED");
		assertThat(statusOf("ali", no)).isEqualTo("PENDING");
	}

	@Test
	void aGbkEncodedNotificationIsDecodedWithItsDeclaredCharset() {
		String no = TestData.outTradeNo();
		pendingOrder("ali", no, 100);
		Charset gbk = Charset.forName("GBK");
		Map<String, String> params = new LinkedHashMap<>(Notifications.alipayParams(no, "1.00", TestData.transactionId()));
		params.put("charset", "gbk");
		params.put("sign_type", "RSA2");
		params.put("sign", AlipaySignature.sign(AlipaySignature.contentV1(params), Notifications.ALIPAY_PRIVATE, "RSA2", gbk));

		HttpResponse<String> response = http.post("/notify/alipay/ali", "application/x-www-form-urlencoded; charset=GBK",
				FormCodec.encode(params, gbk).getBytes(StandardCharsets.US_ASCII), Map.of());

		assertThat(response.body()).isEqualTo("success");
		assertThat(statusOf("ali", no)).isEqualTo("PAID");
	}

	@Test
	void theBrowserReturnIsVerifiedRecordedAndNeverPaysTheOrder() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 100);
		Map<String, String> params = new LinkedHashMap<>();
		params.put("charset", "utf-8");
		params.put("out_trade_no", no);
		params.put("method", "alipay.trade.page.pay.return");
		params.put("total_amount", "1.00");
		params.put("trade_no", TestData.transactionId());
		params.put("auth_app_id", "2021000000000001");
		params.put("version", "1.0");
		params.put("app_id", "2021000000000001");
		params.put("seller_id", "2088000000000001");
		params.put("timestamp", "2026-11-23 10:00:00");
		String query = new String(Notifications.alipayForm(params), StandardCharsets.US_ASCII);

		HttpResponse<String> response = http.get("/notify/alipay/ali/return?" + query, Map.of());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("payment was submitted");
		RawNotificationRecord raw = lastRaw("ali");
		assertThat(raw.getKind()).isEqualTo("RETURN");
		assertThat(raw.getVerdict()).isEqualTo("RETURN_VERIFIED");
		// never paid by it; the follow-up query it starts (FollowUpQueries, on a thread of its own) may already have
		// noted its check on the order, so the order is compared by what a payment would change
		PaymentOrder after = order("ali", no);
		assertThat(after.status()).isEqualTo(order.status());
		assertThat(after.providerTxnId()).isNull();
		assertThat(after.paidAt()).isNull();

		HttpResponse<String> forged = http.get("/notify/alipay/ali/return?" + query.replace("total_amount=1.00", "total_amount=9.00"), Map.of());
		assertThat(forged.body()).contains("could not confirm");
		assertThat(lastRaw("ali").getVerdict()).isEqualTo("BAD_SIGNATURE");
	}

	@Test
	void aSignedAmountOtherThanTheOrdersIsAcknowledgedAndNeverPays() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("ali", no, 10000);

		assertThat(postAlipay("ali", Notifications.alipayPaid(no, "0.01", TestData.transactionId())).body()).isEqualTo("success");

		assertThat(lastRaw("ali").getVerdict()).isEqualTo("AMOUNT_MISMATCH");
		assertThat(lastRaw("ali").getVerdictReason()).contains("expected 10000 fen, received 1 fen");
		assertThat(order("ali", no)).isEqualTo(order);
	}

	@Test
	void anUnknownOrderIsAcknowledgedAndKept() {
		String no = TestData.outTradeNo();

		assertThat(postAlipay("ali", Notifications.alipayPaid(no, "1.00", TestData.transactionId())).body()).isEqualTo("success");

		assertThat(lastRaw("ali").getVerdict()).isEqualTo("UNKNOWN_ORDER");
		assertThat(orders.find("ali", no)).isEmpty();
	}

	@Test
	void emptyMalformedAndOversizedBodiesAreRefused() {
		Map<String, String> expected = new LinkedHashMap<>();
		expected.put("", "BAD_SIGNATURE");
		expected.put("a=%zz&sign=x", "MALFORMED");
		expected.put("charset=utf-7&sign=x", "MALFORMED");
		expected.put("total_amount=%E4%B8", "MALFORMED");
		expected.forEach((body, verdict) -> {
			HttpResponse<String> response = postAlipay("ali", body.getBytes(StandardCharsets.US_ASCII));
			assertThat(response.body()).as(body).isEqualTo("fail");
			assertThat(response.statusCode()).as(body).isBetween(400, 499);
			assertThat(lastRaw("ali").getVerdict()).as(body).isEqualTo(verdict);
		});
		HttpResponse<String> huge = postAlipay("ali", ("subject=" + "x".repeat(70_000)).getBytes(StandardCharsets.US_ASCII));
		assertThat(huge.statusCode()).isEqualTo(413);
		assertThat(huge.body()).isEqualTo("fail");
		assertThat(lastRaw("ali").getVerdict()).isEqualTo("TOO_LARGE");
	}
}
