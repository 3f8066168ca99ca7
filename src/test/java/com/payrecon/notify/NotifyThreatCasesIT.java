package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderEvent;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.PaymentOutcome;
import com.payrecon.order.ProviderPayment;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2RefundCipher;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.RefundFixture;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/** The notify-path rows of shared/threat-cases.md not covered by the per-channel tests (see docs/threat-cases.md). */
class NotifyThreatCasesIT extends NotifyTestSupport {

	@Test
	void r5_aPaymentForAClosedOrderIsALatePaymentFlaggedForReviewNotApplied() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 700);
		orderService.transition("wx2-md5", no, OrderStatus.CLOSED, new Cause(EventSource.JOB, "expiry-test", null, "expired"));

		HttpResponse<String> response = postV2("wx2-md5", Notifications.v2Paid(no, 700, TestData.transactionId()));

		assertThat(response.body()).isEqualTo(V2_ACK);
		PaymentOrder order = order("wx2-md5", no);
		assertThat(order.status()).isEqualTo(OrderStatus.CLOSED);
		assertThat(order.needsReview()).isTrue();
		assertThat(order.reviewReason()).startsWith("LATE_PAYMENT");
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("LATE_PAYMENT");
		assertThat(events(order)).extracting(OrderEvent::eventType).contains(OrderEvent.LATE_PAYMENT);
	}

	@Test
	void r4_aRefundedOrderNeverGoesBackToPaidWhenAnOldNotificationIsReplayed() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 300);
		String xml = Notifications.v2Paid(no, 300, TestData.transactionId());
		postV2("wx2-md5", xml);
		RefundFixture.succeeded(refundService, retry, "wx2-md5", no, 300);

		assertThat(postV2("wx2-md5", xml).body()).isEqualTo(V2_ACK);

		assertThat(statusOf("wx2-md5", no)).isEqualTo("REFUNDED");
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("DUPLICATE");
	}

	@Test
	void conflictingPaymentForAPaidOrderIsFlaggedNotApplied() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 300);
		String firstTxn = TestData.transactionId();
		postV2("wx2-md5", Notifications.v2Paid(no, 300, firstTxn));

		postV2("wx2-md5", Notifications.v2Paid(no, 300, TestData.transactionId()));

		PaymentOrder order = order("wx2-md5", no);
		assertThat(order.providerTxnId()).isEqualTo(firstTxn);
		assertThat(order.needsReview()).isTrue();
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("CONFLICTING_PAYMENT");
	}

	@Test
	void d1_aNotificationAndAQueryRepairRacingOnOneOrderApplyItOnce() throws Exception {
		for (int round = 0; round < 5; round++) {
			String no = TestData.outTradeNo();
			String txn = TestData.transactionId();
			PaymentOrder order = pendingOrder("wx2-md5", no, 250);
			String xml = Notifications.v2Paid(no, 250, txn);
			ProviderPayment queried = new ProviderPayment(no, txn, Fen.of(250), "CNY", Instant.now());

			List<Object> results = concurrently(8, () -> Thread.currentThread().getName().endsWith("1")
					? orderService.applyPayment("wx2-md5", queried, new Cause(EventSource.QUERY, "sweep-test", null, "query"))
					: postV2("wx2-md5", xml));

			assertThat(paidTransitions(order)).isEqualTo(1);
			assertThat(results).filteredOn(PaymentOutcome.class::isInstance).hasSize(1);
		}
	}

	@Test
	void b4_aCurrencyOtherThanTheOrdersIsAcknowledgedAndKept() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx2-md5", no, 100);
		Map<String, String> fields = Notifications.v2Fields(no, 100, TestData.transactionId());
		fields.put("fee_type", "USD");

		assertThat(postV2("wx2-md5", Notifications.v2Xml(fields, Notifications.V2_MD5_KEY, WechatSignType.MD5)).body()).isEqualTo(V2_ACK);

		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("CURRENCY_MISMATCH");
		assertThat(order("wx2-md5", no)).isEqualTo(order);
	}

	@Test
	void a2_aSignedFailResultIsVerifiedAndNeverPays() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx2-md5", no, 100);
		Map<String, String> fields = Notifications.v2Fields(no, 100, TestData.transactionId());
		fields.put("result_code", "FAIL");
		fields.put("err_code", "SYSTEMERROR");

		assertThat(postV2("wx2-md5", Notifications.v2Xml(fields, Notifications.V2_MD5_KEY, WechatSignType.MD5)).body()).isEqualTo(V2_ACK);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("NOT_PAID");
		// and a forged FAIL (bad signature) is still a signature failure, not NOT_PAID
		assertThat(postV2("wx2-md5", Notifications.v2Xml(fields, "f".repeat(32), WechatSignType.MD5)).statusCode()).isEqualTo(401);
		// (the failed verification may make PayRecon ask the provider, which advances the order's check schedule)
		PaymentOrder after = order("wx2-md5", no);
		assertThat(after.status()).isEqualTo(OrderStatus.PENDING);
		assertThat(after.providerTxnId()).isNull();
		assertThat(after.version()).isEqualTo(order.version());
	}

	@Test
	void b7_aV2RefundNoticeIsAuthenticatedByDecryptionAndNeedsEveryField() throws GeneralSecurityException {
		Map<String, String> refund = new LinkedHashMap<>();
		refund.put("out_refund_no", "R" + TestData.transactionId());
		refund.put("out_trade_no", TestData.outTradeNo());
		refund.put("refund_fee", "15");
		refund.put("refund_status", "SUCCESS");
		refund.put("transaction_id", TestData.transactionId());
		String plain = WechatV2Xml.write(refund).replace("<xml>", "<root>").replace("</xml>", "</root>");
		String reqInfo = WechatV2RefundCipher.encrypt(plain.getBytes(StandardCharsets.UTF_8), Notifications.V2_MD5_KEY);
		String outer = "<xml><return_code>SUCCESS</return_code><appid>wx2421b1c4370ec43b</appid><mch_id>10000100</mch_id>"
				+ "<nonce_str>abc</nonce_str><req_info><![CDATA[" + reqInfo + "]]></req_info></xml>";

		// authentic (it decrypts), but refund_id and total_fee are missing: a splice cannot drop fields unnoticed
		assertThat(postV2("wx2-md5", outer).body()).isEqualTo(V2_ACK);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("INVALID_FIELDS");

		refund.put("refund_id", "5030" + TestData.transactionId());
		refund.put("total_fee", "100");
		refund.put("success_time", "2026-11-23 10:00:00");
		String complete = WechatV2Xml.write(refund).replace("<xml>", "<root>").replace("</xml>", "</root>");
		String completeInfo = WechatV2RefundCipher.encrypt(complete.getBytes(StandardCharsets.UTF_8), Notifications.V2_MD5_KEY);
		assertThat(postV2("wx2-md5", outer.replace(reqInfo, completeInfo)).body()).isEqualTo(V2_ACK);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("UNKNOWN_ORDER"); // (RefundNotifyIT: the known cases)

		String wrongKey = WechatV2RefundCipher.encrypt(plain.getBytes(StandardCharsets.UTF_8), "0".repeat(32));
		assertThat(postV2("wx2-md5", outer.replace(reqInfo, wrongKey)).statusCode()).isEqualTo(400);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("DECRYPT_FAILED");
	}

	@Test
	void p4_anEntityInsideTheDecryptedRefundIsRefusedByTheSameHardenedParser() throws GeneralSecurityException {
		String plain = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><root><out_trade_no>&e;</out_trade_no></root>";
		String reqInfo = WechatV2RefundCipher.encrypt(plain.getBytes(StandardCharsets.UTF_8), Notifications.V2_MD5_KEY);
		String outer = "<xml><return_code>SUCCESS</return_code><mch_id>10000100</mch_id><req_info>" + reqInfo + "</req_info></xml>";

		HttpResponse<String> response = postV2("wx2-md5", outer);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("MALFORMED");
		assertThat(lastRaw("wx2-md5").getVerdictReason()).doesNotContain("root:");
	}

	@Test
	void p6_randomAndMutatedBodiesNeverCauseA500OrAStateChange() {
		Random random = new Random(20261123L);
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		pendingOrder("ali", no, 100);
		List<byte[]> seeds = List.of(Notifications.v2Paid(no, 100, "1").getBytes(StandardCharsets.UTF_8),
				Notifications.alipayPaid(no, "1.00", "1"),
				Notifications.v3Paid(no, 100, "1", Instant.now()).body());
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			byte[] seed = seeds.get(i % 3);
			byte[] body = i % 4 == 0 ? new byte[random.nextInt(300)] : seed.clone();
			if (i % 4 == 0) {
				random.nextBytes(body);
			}
			else {
				for (int flips = 0; flips < 1 + random.nextInt(5); flips++) {
					body[random.nextInt(body.length)] = (byte) random.nextInt(256);
				}
			}
			String path = switch (i % 3) {
				case 0 -> "/notify/wechatpay-v2/wx2-md5";
				case 1 -> "/notify/alipay/ali";
				default -> "/notify/wechatpay-v3/wx3";
			};
			statuses.add(http.post(path, "application/octet-stream", body, Map.of()).statusCode());
		}
		assertThat(statuses).allSatisfy(status -> assertThat(status).isLessThan(500));
		assertThat(statusOf("wx2-md5", no)).isEqualTo("PENDING");
		assertThat(statusOf("ali", no)).isEqualTo("PENDING");
	}

	@Test
	void c7_controlCharactersInProviderFieldsAreStoredVerbatimButNotTrusted() {
		// signed, so authentic; the order number carries CR/LF and an ANSI escape aimed at log viewers
		String no = TestData.outTradeNo() + "\r\n2026-11-23 INFO forged line \u001b[31m";
		HttpResponse<String> response = postAlipay("ali", Notifications.alipayPaid(no, "1.00", TestData.transactionId()));
		assertThat(response.body()).isEqualTo("success");
		assertThat(lastRaw("ali").getVerdict()).isEqualTo("UNKNOWN_ORDER");
		assertThat(lastRaw("ali").getOutTradeNo()).isEqualTo(no.substring(0, Math.min(64, no.length())));
	}
}
