package com.payrecon.notify;

import static com.payrecon.notify.VerifierFixtures.RECEIVED;
import static com.payrecon.notify.VerifierFixtures.payment;
import static com.payrecon.notify.VerifierFixtures.post;
import static com.payrecon.notify.VerifierFixtures.rejected;
import static com.payrecon.notify.VerifierFixtures.settled;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.crypto.WechatV3Crypto;
import com.payrecon.order.ProviderPayment;
import com.payrecon.account.NoLearntCertificates;
import com.payrecon.provider.TestKeys;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/**
 * Every check of the WeChat Pay v3 verifier, one at a time, without database or HTTP: the four Wechatpay headers,
 * the signature type, the platform key named by the serial, the signature probe, the RSA signature, the timestamp
 * window (measured against the time the request was received), the envelope, the AEAD decryption, the event type,
 * merchant (mchid and appid), trade state, ids, amount, currency and success time.
 */
class WechatV3VerifierTests {

	static final Duration TOLERANCE = Duration.ofMinutes(5);
	final WechatV3Verifier verifier = new WechatV3Verifier(new NotifyProperties(65536, TOLERANCE, Duration.ofSeconds(10), NotifyProperties.Abuse.defaults()),
			NoLearntCertificates.create());
	final Account account = TestKeys.v3(null);

	static String transaction(Map<String, Object> overrides) {
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("mchid", "\"1900000001\"");
		t.put("appid", "\"wxd678efh567hg6787\"");
		t.put("out_trade_no", "\"ORDER3001\"");
		t.put("transaction_id", "\"4200000002202611220000000002\"");
		t.put("trade_state", "\"SUCCESS\"");
		t.put("success_time", "\"2026-11-22T10:34:56+08:00\"");
		t.put("amount", "{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\"}");
		t.putAll(overrides);
		StringBuilder json = new StringBuilder("{");
		t.forEach((k, v) -> {
			if (v != null) {
				json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v);
			}
		});
		return json.append('}').toString();
	}

	static Notifications.V3Delivery delivery(String eventType, String transactionJson) {
		return Notifications.v3("EV-3001", eventType, transactionJson, RECEIVED);
	}

	Check check(Notifications.V3Delivery delivery) {
		return verifier.check(account, post(Channel.WECHATPAY_V3, delivery.body(), delivery.headers()));
	}

	Check check(Map<String, Object> overrides) {
		return check(delivery("TRANSACTION.SUCCESS", transaction(overrides)));
	}

	@Test
	void aSignedSuccessIsAPaymentWithTheNotificationId() {
		Check.Authenticated a = payment(check(Map.of()));

		assertThat(a.providerNotifyId()).isEqualTo("EV-3001");
		assertThat(a.payment()).isEqualTo(new ProviderPayment("ORDER3001", "4200000002202611220000000002", Fen.of(100),
				"CNY", Instant.parse("2026-11-22T02:34:56Z")));
	}

	@Test
	void aMissingCurrencyMeansCnyAndAnotherIsKept() {
		assertThat(payment(check(Map.of("amount", "{\"total\":100}"))).payment().currency()).isEqualTo("CNY");
		assertThat(payment(check(Map.of("amount", "{\"total\":100,\"currency\":\"USD\"}"))).payment().currency())
			.isEqualTo("USD");
	}

	@Test
	void eachMissingOrBlankHeaderIsRefused() {
		for (String header : new String[] { "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature",
				"Wechatpay-Serial" }) {
			rejected(check(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).withHeader(header, null)),
					Verdict.BAD_SIGNATURE, "missing header " + header);
			rejected(check(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).withHeader(header, " ")),
					Verdict.BAD_SIGNATURE, "missing header " + header);
		}
	}

	@Test
	void onlyTheRsaSignatureTypeIsAcceptedAndItMayBeAbsent() {
		rejected(check(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).withHeader("Wechatpay-Signature-Type",
				"WECHATPAY2-SHA256-SM2")), Verdict.BAD_SIGNATURE, "unsupported Wechatpay-Signature-Type");
		payment(check(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).withHeader("Wechatpay-Signature-Type", null)));
	}

	@Test
	void anUnknownSerialAsksForARetryAndNamesTheOrderIfTheResourceDecrypts() {
		Check.Rejected r = rejected(check(delivery("TRANSACTION.SUCCESS", transaction(Map.of()))
			.withHeader("Wechatpay-Serial", "PUB_KEY_ID_UNKNOWN")), Verdict.UNKNOWN_KEY, "PUB_KEY_ID_UNKNOWN");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("ORDER3001");
		assertThat(Verdict.UNKNOWN_KEY.httpStatus()).isEqualTo(503);
		Notifications.V3Delivery garbage = Notifications.signV3("not json".getBytes(StandardCharsets.UTF_8), RECEIVED)
			.withHeader("Wechatpay-Serial", "PUB_KEY_ID_UNKNOWN");
		assertThat(rejected(check(garbage), Verdict.UNKNOWN_KEY, "no platform key").untrustedOutTradeNo()).isNull();
	}

	@Test
	void theSignatureProbeIsRefused() {
		rejected(check(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).withHeader("Wechatpay-Signature",
				WechatV3Crypto.SIGNTEST_PREFIX + "abc")), Verdict.BAD_SIGNATURE, "signature probe");
	}

	@Test
	void aSignatureOverOtherBytesIsRefusedNamingTheClaimedOrder() {
		Notifications.V3Delivery d = delivery("TRANSACTION.SUCCESS", transaction(Map.of()));
		String body = new String(d.body(), StandardCharsets.UTF_8);
		Notifications.V3Delivery reserialised = new Notifications.V3Delivery(
				body.replace("\"event_type\"", " \"event_type\"").getBytes(StandardCharsets.UTF_8), d.headers());
		Check.Rejected r = rejected(check(reserialised), Verdict.BAD_SIGNATURE, "does not match");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("ORDER3001");
		rejected(check(d.withHeader("Wechatpay-Nonce", "OTHER")), Verdict.BAD_SIGNATURE, "does not match");
	}

	@Test
	void aTimestampOutsideTheWindowAroundTheReceivedTimeIsAReplay() {
		String json = transaction(Map.of());
		Notifications.V3Delivery atEdge = Notifications.v3("EV-1", "TRANSACTION.SUCCESS", json, RECEIVED.minus(TOLERANCE));
		Check.Rejected r = rejected(check(atEdge), Verdict.REPLAYED, "300 s away from our clock");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("ORDER3001");
		rejected(check(Notifications.v3("EV-1", "TRANSACTION.SUCCESS", json, RECEIVED.plus(TOLERANCE))), Verdict.REPLAYED,
				"300 s away");
		payment(check(Notifications.v3("EV-1", "TRANSACTION.SUCCESS", json, RECEIVED.minus(TOLERANCE).plusSeconds(1))));
		payment(check(Notifications.v3("EV-1", "TRANSACTION.SUCCESS", json, RECEIVED.plus(TOLERANCE).minusSeconds(1))));
	}

	@Test
	void aSignedTimestampThatIsNotANumberIsAReplay() {
		Notifications.V3Delivery d = delivery("TRANSACTION.SUCCESS", transaction(Map.of()));
		String nonce = d.headers().get("Wechatpay-Nonce");
		String signature = WechatV3Crypto.sign(Notifications.V3_PLATFORM_PRIVATE,
				WechatV3Crypto.notificationMessage("soon", nonce, d.body()));
		rejected(check(d.withHeader("Wechatpay-Timestamp", "soon").withHeader("Wechatpay-Signature", signature)),
				Verdict.REPLAYED, "not a number");
	}

	@Test
	void aSignedBodyThatIsNotAV3EnvelopeIsMalformed() {
		rejected(check(Notifications.signV3("{\"id\":".getBytes(StandardCharsets.UTF_8), RECEIVED)), Verdict.MALFORMED,
				"JSON refused");
		rejected(check(Notifications.signV3("{\"id\":\"a\",\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8), RECEIVED)),
				Verdict.MALFORMED, "JSON refused");
		String good = new String(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).body(), StandardCharsets.UTF_8);
		for (String broken : new String[] { good.replace("\"id\":\"EV-3001\"", "\"id\":3001"),
				good.replace("\"resource\":{", "\"resource\":[{").replace("}}", "}]}"),
				good.replace("AEAD_AES_256_GCM", "AES_256_CBC"), good.replaceFirst("\"ciphertext\":\"[^\"]*\"", "\"ciphertext\":1"),
				good.replaceFirst("\"nonce\":\"[^\"]*\"", "\"nonce\":1") }) {
			rejected(check(Notifications.signV3(broken.getBytes(StandardCharsets.UTF_8), RECEIVED)), Verdict.MALFORMED,
					"not a v3 notification envelope");
		}
	}

	@Test
	void aResourceThatDoesNotDecryptIsRefused() {
		String good = new String(delivery("TRANSACTION.SUCCESS", transaction(Map.of())).body(), StandardCharsets.UTF_8);
		String wrongAad = good.replace("\"associated_data\":\"transaction\"", "\"associated_data\":\"other\"");
		rejected(check(Notifications.signV3(wrongAad.getBytes(StandardCharsets.UTF_8), RECEIVED)), Verdict.DECRYPT_FAILED,
				"does not decrypt");
		String noAad = good.replace("\"associated_data\":\"transaction\",", "");
		rejected(check(Notifications.signV3(noAad.getBytes(StandardCharsets.UTF_8), RECEIVED)), Verdict.DECRYPT_FAILED,
				"does not decrypt");
	}

	@Test
	void aResourceThatIsNotJsonIsInvalidFields() {
		Check.Authenticated a = settled(check(delivery("TRANSACTION.SUCCESS", "not json")), Verdict.INVALID_FIELDS,
				"not JSON");
		assertThat(a.providerNotifyId()).isEqualTo("EV-3001");
	}

	@Test
	void otherEventsAreNotPayments() {
		// issue 14: a REFUND.* event is a refund notification; one whose resource is not a refund is unusable
		settled(check(delivery("REFUND.SUCCESS", transaction(Map.of()))), Verdict.INVALID_FIELDS, "");
		settled(check(delivery("", transaction(Map.of()))), Verdict.NOT_PAID, "event_type ");
	}

	@Test
	void anotherMerchantOrAppIsAMerchantMismatch() {
		settled(check(Map.of("mchid", "\"1900000099\"")), Verdict.MERCHANT_MISMATCH, "received appid=wxd678efh567hg6787 mchid=1900000099");
		settled(check(Map.of("appid", "\"wx0000000000000000\"")), Verdict.MERCHANT_MISMATCH,
				"expected appid=wxd678efh567hg6787 mchid=1900000001");
		Map<String, Object> noMch = new LinkedHashMap<>();
		noMch.put("mchid", null);
		settled(check(noMch), Verdict.MERCHANT_MISMATCH, "mchid=null");
	}

	@Test
	void aTradeStateOtherThanSuccessIsNotAPayment() {
		settled(check(Map.of("trade_state", "\"NOTPAY\"")), Verdict.NOT_PAID, "trade_state NOTPAY");
		Map<String, Object> none = new LinkedHashMap<>();
		none.put("trade_state", null);
		settled(check(none), Verdict.NOT_PAID, "trade_state ");
	}

	@Test
	void missingOrBlankIdsAreInvalidFields() {
		for (String field : new String[] { "out_trade_no", "transaction_id" }) {
			Map<String, Object> missing = new LinkedHashMap<>();
			missing.put(field, null);
			settled(check(missing), Verdict.INVALID_FIELDS, "out_trade_no or transaction_id missing");
			settled(check(Map.of(field, "\" \"")), Verdict.INVALID_FIELDS, "out_trade_no or transaction_id missing");
		}
	}

	@Test
	void anAmountThatIsNotANonNegativeWholeNumberIsAMismatch() {
		for (String total : new String[] { "\"100\"", "1.5", "-1", "18446744073709551616" }) {
			settled(check(Map.of("amount", "{\"total\":" + total + ",\"currency\":\"CNY\"}")), Verdict.AMOUNT_MISMATCH,
					"amount.total is not a non-negative integer");
		}
		settled(check(Map.of("amount", "{}")), Verdict.AMOUNT_MISMATCH, "amount.total");
		assertThat(payment(check(Map.of("amount", "{\"total\":0}"))).payment().amount()).isEqualTo(Fen.of(0));
	}

	@Test
	void aSuccessTimeThatIsNotRfc3339IsInvalid() {
		settled(check(Map.of("success_time", "\"2026-11-22 10:34:56\"")), Verdict.INVALID_FIELDS,
				"success_time is not RFC 3339");
		Map<String, Object> none = new LinkedHashMap<>();
		none.put("success_time", null);
		settled(check(none), Verdict.INVALID_FIELDS, "success_time");
	}

	@Test
	void theAnswersAreWechatsV3Forms() {
		assertThat(verifier.acknowledge()).isEqualTo(new ChannelVerifier.Reply(204, null, ""));
		ChannelVerifier.Reply fail = verifier.fail(Verdict.MALFORMED, "x".repeat(100));
		assertThat(fail.status()).isEqualTo(400);
		assertThat(fail.contentType()).isEqualTo("application/json");
		assertThat(fail.body()).isEqualTo("{\"code\":\"FAIL\",\"message\":\"" + "x".repeat(64) + "\"}");
		assertThat(verifier.fail(Verdict.ERROR, "retry \"later\"").body()).isEqualTo(
				"{\"code\":\"FAIL\",\"message\":\"retry \\\"later\\\"\"}");
		assertThat(verifier.channel()).isEqualTo(Channel.WECHATPAY_V3);
	}
}
