package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.notify.Notifications.V3Delivery;
import com.payrecon.order.PaymentOrder;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

class WechatV3NotifyIT extends NotifyTestSupport {

	@Test
	void aValidNotificationPaysTheOrderAndIsAnswered204() {
		String no = TestData.outTradeNo();
		String txn = TestData.transactionId();
		PaymentOrder order = pendingOrder("wx3", no, 100);

		HttpResponse<String> response = postV3("wx3", Notifications.v3Paid(no, 100, txn, Instant.now()));

		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(response.body()).isEmpty();
		PaymentOrder paid = order("wx3", no);
		assertThat(paid.status().name()).isEqualTo("PAID");
		assertThat(paid.providerTxnId()).isEqualTo(txn);
		RawNotificationRecord raw = lastRaw("wx3");
		assertThat(raw.getVerdict()).isEqualTo("APPLIED");
		assertThat(raw.getProviderNotifyId()).startsWith("EV-");
		assertThat(raw.getResponseStatus()).isEqualTo(204);
		assertThat(events(order).get(1).rawNotificationId()).isEqualTo(raw.getId());
	}

	@Test
	void thePublishedVectorVerifiesDecryptsAndPaysItsOrderAtItsOwnTime() {
		// vectors.md Part 1: timestamp 1795315200 is fixed, so the clock is set next to it
		PaymentOrder order = orders.find("wx3", "1217752501201407033233368A")
			.orElseGet(() -> pendingOrder("wx3", "1217752501201407033233368A", 100));
		clock.set(Instant.ofEpochSecond(1795315200L).plusSeconds(30));
		byte[] body = Notifications.resource("vectors/v3-part1-body.json").strip().getBytes(StandardCharsets.UTF_8);
		V3Delivery vector = new V3Delivery(body, java.util.Map.of("Wechatpay-Timestamp", "1795315200", "Wechatpay-Nonce",
				"593BEC0C930BF1AFEB40B4A08C8FB242", "Wechatpay-Serial", Notifications.V3_SERIAL, "Wechatpay-Signature",
				"Va+6QONyowvVgfujkyqqIz4K/6kYH0aeyXs0HSN4WTrC1+CqR6jPN3fKWXPaZ9uH0G+sHb2a2ZyZF4qVctnUZ+QrfqL5B8O0GzcS2pkCYiJ5EPlhPFsNj+K8EpKyYuZ7b2ZPzp/IfT9+/AFm8mcn5n6CduVDXewIB4HmHAgn/adc82G+cORoGezE3PQm2OaEyQHWeVDLZVPufDAsNPDPm9KbJsB6CFTJZAHGcx08ywNTJ7750exPvJRuh4MHiNOO2azs2ptIhR34e1fa+TjZW2t5kb+Xy8LnRsa/NE9TfDCEF8HDjlXVrAk2CqMyeUaQ5Ec2CoUXcQq+CZJCvSPNdQ=="));

		HttpResponse<String> response = postV3("wx3", vector);

		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(order("wx3", "1217752501201407033233368A").status().name()).isEqualTo("PAID");
		assertThat(order("wx3", "1217752501201407033233368A").providerTxnId()).isEqualTo("1217752501201407033233368018");
		assertThat(order.id()).isPositive();
	}

	@Test
	void theSameNotificationIdTwiceIsADuplicateWhateverTheOrderState() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx3", no, 100);
		V3Delivery delivery = Notifications.v3Paid(no, 100, TestData.transactionId(), Instant.now());
		postV3("wx3", delivery);

		HttpResponse<String> again = postV3("wx3", delivery);

		assertThat(again.statusCode()).isEqualTo(204);
		RawNotificationRecord raw = lastRaw("wx3");
		assertThat(raw.getVerdict()).isEqualTo("DUPLICATE");
		assertThat(raw.getVerdictReason()).contains("notification id");
		assertThat(paidTransitions(order)).isEqualTo(1);
	}

	@Test
	void fiftyConcurrentIdenticalNotificationsGiveExactlyOneTransition() throws Exception {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx3", no, 4321);
		V3Delivery delivery = Notifications.v3Paid(no, 4321, TestData.transactionId(), Instant.now());
		long before = maxRawId();

		List<HttpResponse<String>> responses = concurrently(50, () -> postV3("wx3", delivery));

		assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(204));
		assertThat(paidTransitions(order)).isEqualTo(1);
		List<RawNotificationRecord> rows = rawSince(order, before);
		assertThat(rows).hasSize(50);
		assertThat(rows).filteredOn(r -> r.getVerdict().equals("APPLIED")).hasSize(1);
		assertThat(rows).extracting(RawNotificationRecord::getVerdict).containsOnly("APPLIED", "DUPLICATE");
	}

	@Test
	void aWrongSignatureIsAnswered401WithTheFailJson() {
		String no = TestData.outTradeNo();
		pendingOrder("wx3", no, 100);
		V3Delivery delivery = Notifications.v3Paid(no, 100, TestData.transactionId(), Instant.now());
		String signature = delivery.headers().get("Wechatpay-Signature");
		byte[] sig = Base64.getDecoder().decode(signature);
		sig[10] ^= 1;

		HttpResponse<String> response = postV3("wx3", delivery.withHeader("Wechatpay-Signature", Base64.getEncoder().encodeToString(sig)));

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).startsWith("{\"code\":\"FAIL\",\"message\":");
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("BAD_SIGNATURE");
		assertThat(statusOf("wx3", no)).isEqualTo("PENDING");
	}

	@Test
	void aSignatureProbeIsRefused() {
		V3Delivery delivery = Notifications.v3Paid(TestData.outTradeNo(), 100, TestData.transactionId(), Instant.now());

		HttpResponse<String> response = postV3("wx3", delivery.withHeader("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc"));

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(lastRaw("wx3").getVerdictReason()).contains("SIGNTEST");
	}

	@Test
	void aReSerialisedBodyWithTheOriginalSignatureFails() {
		String no = TestData.outTradeNo();
		pendingOrder("wx3", no, 100);
		V3Delivery delivery = Notifications.v3Paid(no, 100, TestData.transactionId(), Instant.now());
		byte[] reformatted = new String(delivery.body(), StandardCharsets.UTF_8).replace(",\"", ", \"").getBytes(StandardCharsets.UTF_8);

		HttpResponse<String> response = postV3("wx3", new V3Delivery(reformatted, delivery.headers()));

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(statusOf("wx3", no)).isEqualTo("PENDING");
	}

	@Test
	void missingSignatureHeadersAreRefused() {
		V3Delivery delivery = Notifications.v3Paid(TestData.outTradeNo(), 100, TestData.transactionId(), Instant.now());
		for (String header : List.of("Wechatpay-Signature", "Wechatpay-Serial", "Wechatpay-Nonce", "Wechatpay-Timestamp")) {
			HttpResponse<String> response = postV3("wx3", delivery.withHeader(header, null));
			assertThat(response.statusCode()).as(header).isEqualTo(401);
			assertThat(lastRaw("wx3").getVerdictReason()).as(header).contains(header);
		}
	}

	@Test
	void anUnknownSerialAsksForARetryWith5xx() {
		V3Delivery delivery = Notifications.v3Paid(TestData.outTradeNo(), 100, TestData.transactionId(), Instant.now());

		HttpResponse<String> response = postV3("wx3", delivery.withHeader("Wechatpay-Serial", "PUB_KEY_ID_0000000000000000000000000000"));

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("UNKNOWN_KEY");
	}

	@Test
	void aStaleOrFutureTimestampIsAReplayEvenWithAValidSignature() {
		String no = TestData.outTradeNo();
		pendingOrder("wx3", no, 100);
		for (Duration offset : List.of(Duration.ofMinutes(-6), Duration.ofMinutes(6))) {
			HttpResponse<String> response = postV3("wx3",
					Notifications.v3Paid(no, 100, TestData.transactionId(), Instant.now().plus(offset)));
			assertThat(response.statusCode()).as(offset.toString()).isEqualTo(400);
			assertThat(lastRaw("wx3").getVerdict()).isEqualTo("REPLAYED");
		}
		assertThat(statusOf("wx3", no)).isEqualTo("PENDING");
	}

	@Test
	void aBadGcmTagIsRefusedAndNothingIsApplied() {
		String no = TestData.outTradeNo();
		pendingOrder("wx3", no, 100);
		V3Delivery good = Notifications.v3Paid(no, 100, TestData.transactionId(), Instant.now());
		String body = new String(good.body(), StandardCharsets.UTF_8);
		String ciphertext = body.replaceAll(".*\"ciphertext\":\"([^\"]+)\".*", "$1");
		byte[] bytes = Base64.getDecoder().decode(ciphertext);
		bytes[bytes.length - 1] ^= 1; // last byte of the tag
		String tampered = body.replace(ciphertext, Base64.getEncoder().encodeToString(bytes));
		// re-signed: the envelope is authentic, only the resource fails its AEAD check
		V3Delivery delivery = Notifications.signV3(tampered.getBytes(StandardCharsets.UTF_8), Instant.now());

		HttpResponse<String> response = postV3("wx3", delivery);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("DECRYPT_FAILED");
		assertThat(statusOf("wx3", no)).isEqualTo("PENDING");
	}

	@Test
	void aTamperedAmountInsideTheResourceIsAcknowledgedAndKept() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx3", no, 10000);

		HttpResponse<String> response = postV3("wx3", Notifications.v3Paid(no, 1, TestData.transactionId(), Instant.now()));

		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("AMOUNT_MISMATCH");
		assertThat(order("wx3", no)).isEqualTo(order);
	}

	@Test
	void aForeignMerchantIsAcknowledgedAndKept() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx3", no, 100);
		String txn = Notifications.v3Transaction(no, 100, TestData.transactionId(), "SUCCESS").replace("1900000001", "1900009999");

		HttpResponse<String> response = postV3("wx3", Notifications.v3("EV-" + TestData.transactionId(), "TRANSACTION.SUCCESS", txn, Instant.now()));

		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("MERCHANT_MISMATCH");
		assertThat(order("wx3", no)).isEqualTo(order);
	}

	@Test
	void nonSuccessStatesAndOtherEventsAreAcknowledgedWithoutChange() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx3", no, 100);
		String notPaid = Notifications.v3Transaction(no, 100, TestData.transactionId(), "NOTPAY");
		postV3("wx3", Notifications.v3("EV-" + TestData.transactionId(), "TRANSACTION.SUCCESS", notPaid, Instant.now()));
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("NOT_PAID");
		String refund = Notifications.v3Transaction(no, 100, TestData.transactionId(), "SUCCESS");
		HttpResponse<String> response = postV3("wx3", Notifications.v3("EV-" + TestData.transactionId(), "REFUND.SUCCESS", refund, Instant.now()));

		// a REFUND.SUCCESS is a refund notification now (issue 14: it was answered NOT_PAID and ignored); one whose
		// resource is not a refund is authenticated but inconsistent: acknowledged, kept, nothing changes
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("INVALID_FIELDS");
		assertThat(order("wx3", no)).isEqualTo(order);
	}

	@Test
	void malformedJsonDuplicateKeysAndTypedPayloadsAreRefused() {
		for (String body : List.of("", "{", "[]", "{\"id\":\"a\",\"id\":\"b\",\"resource\":{}}",
				"{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\",\"dataSourceName\":\"ldap://127.0.0.1:1/x\",\"autoCommit\":true}")) {
			HttpResponse<String> response = postV3("wx3", Notifications.signV3(body.getBytes(StandardCharsets.UTF_8), Instant.now()));
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(lastRaw("wx3").getVerdict()).as(body).isEqualTo("MALFORMED");
		}
	}

	@Test
	void anOversizedBodyIsAnswered413() {
		byte[] huge = ("{\"pad\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);

		HttpResponse<String> response = postV3("wx3", Notifications.signV3(huge, Instant.now()));

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(lastRaw("wx3").getVerdict()).isEqualTo("TOO_LARGE");
	}
}
