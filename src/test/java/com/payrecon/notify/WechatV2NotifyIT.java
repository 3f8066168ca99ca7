package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.PaymentOrder;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

class WechatV2NotifyIT extends NotifyTestSupport {

	@Test
	void aValidNotificationPaysTheOrderOnceAndAnswersTheExactSuccessXml() {
		String no = TestData.outTradeNo();
		String txn = TestData.transactionId();
		PaymentOrder order = pendingOrder("wx2-md5", no, 101);

		HttpResponse<String> response = postV2("wx2-md5", Notifications.v2Paid(no, 101, txn));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(V2_ACK);
		PaymentOrder paid = order("wx2-md5", no);
		assertThat(paid.status().name()).isEqualTo("PAID");
		assertThat(paid.providerTxnId()).isEqualTo(txn);
		assertThat(paid.paidAt()).isNotNull();
		RawNotificationRecord raw = lastRaw("wx2-md5");
		assertThat(raw.getVerdict()).isEqualTo("APPLIED");
		assertThat(raw.getOrderId()).isEqualTo(order.id());
		assertThat(raw.getResponseBody()).isEqualTo(V2_ACK);
		assertThat(raw.getOutTradeNo()).isEqualTo(no);
		List<OrderEvent> events = events(order);
		assertThat(events).extracting(OrderEvent::eventType).containsExactly(OrderEvent.CREATED, OrderEvent.STATUS_CHANGED);
		OrderEvent paidEvent = events.get(1);
		assertThat(paidEvent.source().name()).isEqualTo("NOTIFY");
		assertThat(paidEvent.rawNotificationId()).isEqualTo(raw.getId());
		assertThat(paidEvent.fromStatus().name()).isEqualTo("PENDING");
		assertThat(paidEvent.toStatus().name()).isEqualTo("PAID");
	}

	@Test
	void hmacSha256AccountsVerifyWithHmac() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-hmac", no, 500);
		Map<String, String> fields = Notifications.v2Fields(no, 500, TestData.transactionId());
		fields.put("mch_id", "10000101");

		HttpResponse<String> response = postV2("wx2-hmac", Notifications.v2Xml(fields, Notifications.V2_HMAC_KEY, WechatSignType.HMAC_SHA256));

		assertThat(response.body()).isEqualTo(V2_ACK);
		assertThat(statusOf("wx2-hmac", no)).isEqualTo("PAID");
	}

	@Test
	void aDuplicateIsAcknowledgedAndChangesNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx2-md5", no, 300);
		String xml = Notifications.v2Paid(no, 300, TestData.transactionId());
		postV2("wx2-md5", xml);
		PaymentOrder afterFirst = order("wx2-md5", no);

		HttpResponse<String> second = postV2("wx2-md5", xml);

		assertThat(second.body()).isEqualTo(V2_ACK);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("DUPLICATE");
		assertThat(order("wx2-md5", no)).isEqualTo(afterFirst);
		assertThat(paidTransitions(order)).isEqualTo(1);
	}

	@Test
	void fiftyConcurrentIdenticalNotificationsGiveExactlyOneTransition() throws Exception {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx2-md5", no, 888);
		String xml = Notifications.v2Paid(no, 888, TestData.transactionId());
		long before = maxRawId();

		List<HttpResponse<String>> responses = concurrently(50, () -> postV2("wx2-md5", xml));

		assertThat(responses).allSatisfy(r -> assertThat(r.body()).isEqualTo(V2_ACK));
		assertThat(paidTransitions(order)).isEqualTo(1);
		assertThat(events(order)).hasSize(2);
		List<RawNotificationRecord> rows = rawSince(order, before);
		assertThat(rows).hasSize(50);
		assertThat(rows).extracting(RawNotificationRecord::getVerdict).containsOnly("APPLIED", "DUPLICATE");
		assertThat(rows).filteredOn(r -> r.getVerdict().equals("APPLIED")).hasSize(1);
	}

	@Test
	void aWrongSignatureIsRefusedWithFailXmlAndKept() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		String xml = Notifications.v2Xml(Notifications.v2Fields(no, 100, TestData.transactionId()),
				"00000000000000000000000000000000", WechatSignType.MD5);

		HttpResponse<String> response = postV2("wx2-md5", xml);

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).contains("<return_code><![CDATA[FAIL]]></return_code>");
		assertThat(statusOf("wx2-md5", no)).isEqualTo("PENDING");
		RawNotificationRecord raw = lastRaw("wx2-md5");
		assertThat(raw.getVerdict()).isEqualTo("BAD_SIGNATURE");
		assertThat(new String(raw.getBody(), StandardCharsets.UTF_8)).isEqualTo(xml);
	}

	@Test
	void aNotificationWithoutSignIsRefused() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		String xml = "<xml><out_trade_no>" + no + "</out_trade_no><total_fee>100</total_fee><return_code>SUCCESS</return_code>"
				+ "<result_code>SUCCESS</result_code></xml>";

		assertThat(postV2("wx2-md5", xml).statusCode()).isEqualTo(401);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("BAD_SIGNATURE");
		assertThat(statusOf("wx2-md5", no)).isEqualTo("PENDING");
	}

	@Test
	void aSignTypeOtherThanTheAccountsIsRefused() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-hmac", no, 100);
		Map<String, String> fields = Notifications.v2Fields(no, 100, TestData.transactionId());
		fields.put("mch_id", "10000101");
		// correctly signed with MD5 and the right key, but the account is pinned to HMAC-SHA256
		HttpResponse<String> response = postV2("wx2-hmac", Notifications.v2Xml(fields, Notifications.V2_HMAC_KEY, WechatSignType.MD5));

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(lastRaw("wx2-hmac").getVerdict()).isEqualTo("BAD_SIGNATURE");
		assertThat(statusOf("wx2-hmac", no)).isEqualTo("PENDING");
	}

	@Test
	void aForeignMerchantIsAcknowledgedKeptForReviewAndChangesNothing() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx2-md5", no, 100);
		Map<String, String> fields = Notifications.v2Fields(no, 100, TestData.transactionId());
		fields.put("appid", "wx0000000000000000");

		HttpResponse<String> response = postV2("wx2-md5", Notifications.v2Xml(fields, Notifications.V2_MD5_KEY, WechatSignType.MD5));

		assertThat(response.body()).isEqualTo(V2_ACK);
		RawNotificationRecord raw = lastRaw("wx2-md5");
		assertThat(raw.getVerdict()).isEqualTo("MERCHANT_MISMATCH");
		assertThat(raw.getVerdictReason()).contains("wx0000000000000000");
		assertThat(order("wx2-md5", no)).isEqualTo(order);
	}

	@Test
	void aTamperedAmountIsAcknowledgedKeptAndNeverPays() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx2-md5", no, 10000);

		HttpResponse<String> response = postV2("wx2-md5", Notifications.v2Paid(no, 1, TestData.transactionId()));

		assertThat(response.body()).isEqualTo(V2_ACK);
		RawNotificationRecord raw = lastRaw("wx2-md5");
		assertThat(raw.getVerdict()).isEqualTo("AMOUNT_MISMATCH");
		assertThat(raw.getVerdictReason()).contains("expected 10000 fen, received 1 fen");
		assertThat(order("wx2-md5", no)).isEqualTo(order);
	}

	@Test
	void anUnknownOrderIsAcknowledgedAndKept() {
		String no = TestData.outTradeNo();

		HttpResponse<String> response = postV2("wx2-md5", Notifications.v2Paid(no, 100, TestData.transactionId()));

		assertThat(response.body()).isEqualTo(V2_ACK);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("UNKNOWN_ORDER");
		assertThat(orders.find("wx2-md5", no)).isEmpty();
	}

	@Test
	void malformedAndEmptyBodiesAreRefusedWithoutA500() {
		for (String body : List.of("", "<xml><total_fee>1", "not xml at all", "<root><a>1</a></root>",
				"<xml><total_fee>1</total_fee><total_fee>2</total_fee></xml>")) {
			HttpResponse<String> response = postV2("wx2-md5", body);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(response.body()).contains("FAIL");
			assertThat(lastRaw("wx2-md5").getVerdict()).as(body).isEqualTo("MALFORMED");
		}
	}

	@Test
	void xxeIsRefusedWithoutReadingTheFile() {
		String xml = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
				+ "<xml><out_trade_no>&e;</out_trade_no></xml>";

		HttpResponse<String> response = postV2("wx2-md5", xml);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).doesNotContain("root:");
		RawNotificationRecord raw = lastRaw("wx2-md5");
		assertThat(raw.getVerdict()).isEqualTo("MALFORMED");
		assertThat(raw.getVerdictReason()).doesNotContain("root:");
		assertThat(new String(raw.getBody(), StandardCharsets.UTF_8)).isEqualTo(xml);
	}

	@Test
	void billionLaughsIsRefusedQuickly() {
		StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
		xml.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
		for (int i = 2; i <= 9; i++) {
			xml.append("<!ENTITY lol").append(i).append(" \"");
			xml.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
		}
		xml.append("]><xml><out_trade_no>&lol9;</out_trade_no></xml>");
		long start = System.nanoTime();

		HttpResponse<String> response = postV2("wx2-md5", xml.toString());

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("MALFORMED");
	}

	@Test
	void anOversizedBodyIsAnswered413AndStillLogged() {
		String huge = "<xml><attach>" + "x".repeat(200_000) + "</attach></xml>";

		HttpResponse<String> response = postV2("wx2-md5", huge);

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("FAIL");
		RawNotificationRecord raw = lastRaw("wx2-md5");
		assertThat(raw.getVerdict()).isEqualTo("TOO_LARGE");
		assertThat(raw.getBodyTruncated()).isTrue();
		assertThat(raw.getBodyLength()).isEqualTo(huge.length());
		assertThat(raw.getBody()).hasSize(65536);
	}

	@Test
	void anUnknownAccountIsAnswered404AndStillLogged() {
		HttpResponse<String> response = postV2("no-such-account", Notifications.v2Paid(TestData.outTradeNo(), 1, "1"));

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("FAIL");
		assertThat(lastRaw("no-such-account").getVerdict()).isEqualTo("UNKNOWN_ACCOUNT");
	}
}
