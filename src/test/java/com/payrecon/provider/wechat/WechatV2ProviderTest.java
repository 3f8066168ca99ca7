package com.payrecon.provider.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import com.payrecon.account.Account;
import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.PaymentProvider.MicropayRequest;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.PaymentProvider.PlaceResult;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.TestKeys;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WechatV2ProviderTest {

	private final FakeServer fake = new FakeServer();
	private final Account md5 = TestKeys.v2(fake.base("/sandbox/wechatpay"), WechatSignType.MD5);
	private final Account hmac = TestKeys.v2(fake.base("/sandbox/wechatpay"), WechatSignType.HMAC_SHA256);
	private final WechatV2Provider provider = new WechatV2Provider(TestKeys.client(TestKeys.fast()), Clock.systemUTC());

	@AfterEach
	void stop() {
		fake.close();
	}

	/** A signed v2 response: the envelope, the account's ids, the given fields. */
	static String signed(Account account, Map<String, String> business) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("return_code", "SUCCESS");
		f.put("return_msg", "OK");
		f.put("appid", account.appId());
		f.put("mch_id", account.mchId());
		f.put("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
		f.putAll(business);
		f.put("sign", WechatV2Signature.sign(f, TestKeys.V2_KEY, account.wechatV2().signType()));
		return WechatV2Xml.write(f);
	}

	static Map<String, String> paid(String no) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("result_code", "SUCCESS");
		f.put("trade_state", "SUCCESS");
		f.put("out_trade_no", no);
		f.put("transaction_id", "4200000001202611220000000001");
		f.put("total_fee", "101");
		f.put("fee_type", "CNY");
		f.put("time_end", "20261122103456");
		return f;
	}

	static Map<String, String> failed(String code) {
		return new LinkedHashMap<>(Map.of("result_code", "FAIL", "err_code", code, "err_code_des", "desc"));
	}

	@Test
	void md5RequestSigningReproducesTheOfficialExampleV1() {
		Account doc = new Account("doc", md5.channel(), "wxd930ea5d5a258f4f", "10000100", null, null, TestKeys.SHANGHAI,
				md5.credentials());
		Map<String, String> business = new LinkedHashMap<>();
		business.put("device_info", "1000");
		business.put("body", "test");
		Map<String, String> fields = provider.withNonces(() -> "ibuaiVcKdpRxkhJA").signed(doc, business);
		assertThat(fields).doesNotContainKey("sign_type");
		assertThat(fields.get("sign")).isEqualTo("9A0A8659F005D6984697E2CA0A9CF3B7");
	}

	@Test
	void hmacRequestsNameTheirSignTypeAndSignItV2() {
		Account doc = new Account("doc", hmac.channel(), "wxd930ea5d5a258f4f", "10000100", null, null, TestKeys.SHANGHAI,
				hmac.credentials());
		Map<String, String> fields = provider.withNonces(() -> "ibuaiVcKdpRxkhJA")
			.signed(doc, new LinkedHashMap<>(Map.of("device_info", "1000", "body", "test")));
		assertThat(fields.get("sign_type")).isEqualTo("HMAC-SHA256");
		// V2 is over the same fields without sign_type; with it the HMAC must differ but still verify
		assertThat(fields.get("sign")).hasSize(64).isNotEqualTo("6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6");
		assertThat(WechatV2Signature.verify(fields, TestKeys.V2_KEY, WechatSignType.HMAC_SHA256)).isTrue();
		Map<String, String> withoutType = new LinkedHashMap<>(fields);
		withoutType.remove("sign_type");
		assertThat(WechatV2Signature.sign(withoutType, TestKeys.V2_KEY, WechatSignType.HMAC_SHA256))
			.isEqualTo("6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6");
	}

	@Test
	void aPaidQueryWithoutTimeEndIsPaidAtAnUnknownTime() {
		Map<String, String> noTime = paid("ORDER0011");
		noTime.remove("time_end");
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(hmac, noTime)));

		ProviderAnswer answer = provider.query(hmac, "ORDER0011");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.amount()).isEqualTo(Fen.of(101));
		assertThat(answer.paidAt()).isNull();
	}

	@Test
	void aPaidQueryIsParsedInTheAccountsZoneAndTheRequestIsSigned() throws MalformedMessageException {
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(hmac, paid("ORDER0001"))));

		ProviderAnswer answer = provider.query(hmac, "ORDER0001");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.providerTxnId()).isEqualTo("4200000001202611220000000001");
		assertThat(answer.amount()).isEqualTo(Fen.of(101));
		assertThat(answer.currency()).isEqualTo("CNY");
		assertThat(answer.paidAt()).isEqualTo(Instant.parse("2026-11-22T02:34:56Z"));
		assertThat(answer.rawResponse()).contains("4200000001202611220000000001");
		Map<String, String> sent = WechatV2Xml.parse(fake.requests.get(0).body());
		assertThat(sent).containsEntry("out_trade_no", "ORDER0001").containsEntry("mch_id", "10000100")
			.containsEntry("sign_type", "HMAC-SHA256");
		assertThat(WechatV2Signature.verify(sent, TestKeys.V2_KEY, WechatSignType.HMAC_SHA256)).isTrue();
	}

	@Test
	void tradeStatesMapToNeutralStatuses() {
		Map<String, Status> expected = Map.of("NOTPAY", Status.NOT_PAID, "PAYERROR", Status.NOT_PAID, "CLOSED",
				Status.CLOSED, "REVOKED", Status.REVERSED, "REFUND", Status.REFUNDED, "USERPAYING", Status.USER_PAYING);
		expected.forEach((state, status) -> {
			Map<String, String> f = new LinkedHashMap<>(Map.of("result_code", "SUCCESS", "trade_state", state,
					"out_trade_no", "ORDER0002", "total_fee", "5"));
			fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, f)));
			assertThat(provider.query(md5, "ORDER0002").status()).as(state).isEqualTo(status);
		});
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, failed("ORDERNOTEXIST"))));
		assertThat(provider.query(md5, "ORDER0002").status()).isEqualTo(Status.NOT_FOUND);
	}

	@Test
	void aBadResponseSignatureIsAnErrorAndNeverTrusted() {
		String forged = signed(md5, paid("ORDER0003")).replace("<total_fee><![CDATA[101]]>", "<total_fee><![CDATA[1]]>");
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, forged));

		ProviderAnswer answer = provider.query(md5, "ORDER0003");

		assertThat(answer.status()).isEqualTo(Status.ERROR);
		assertThat(answer.errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
		assertThat(answer.providerTxnId()).isNull();
		assertThat(answer.rawResponse()).isEqualTo(forged);
	}

	@Test
	void aResponseSignedWithTheOtherSignTypeIsRefused() {
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, paid("ORDER0004"))));
		assertThat(provider.query(hmac, "ORDER0004").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
	}

	@Test
	void anotherMerchantsAnswerIsRefused() {
		Account other = new Account("x", md5.channel(), "wx2421b1c4370ec43b", "99999999", null, md5.baseUrl(),
				TestKeys.SHANGHAI, md5.credentials());
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(other, paid("ORDER0005"))));
		assertThat(provider.query(md5, "ORDER0005").errorCode()).isEqualTo("RESPONSE_MISMATCH");
	}

	@Test
	void systemErrorIsRetriedWithinTheBoundThenReported() {
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, failed("SYSTEMERROR"))));

		ProviderAnswer answer = provider.query(md5, "ORDER0006");

		assertThat(answer.status()).isEqualTo(Status.ERROR);
		assertThat(answer.errorCode()).isEqualTo("SYSTEMERROR");
		assertThat(fake.count("/sandbox/wechatpay/pay/orderquery")).isEqualTo(3);
	}

	@Test
	void aTransientFailureFollowedBySuccessGivesTheSuccess() {
		java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> calls.incrementAndGet() == 1 ? Response.of(503, "busy")
				: Response.of(200, signed(md5, paid("ORDER0007"))));

		assertThat(provider.query(md5, "ORDER0007").status()).isEqualTo(Status.PAID);
		assertThat(calls).hasValue(2);
	}

	@Test
	void definiteAnswersAreNeverRetried() {
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, failed("ORDERNOTEXIST"))));
		provider.query(md5, "ORDER0008");
		assertThat(fake.count("/sandbox/wechatpay/pay/orderquery")).isEqualTo(1);
	}

	@Test
	void aSlowProviderTimesOut() {
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, paid("ORDER0009"))).delayed(2000));
		long start = System.nanoTime();

		ProviderAnswer answer = provider.query(md5, "ORDER0009");

		assertThat(answer.errorCode()).isEqualTo("TIMEOUT");
		assertThat(fake.count("/sandbox/wechatpay/pay/orderquery")).isEqualTo(3);
		assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
	}

	@Test
	void malformedAndHostileBodiesAreErrors() {
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, "<xml><return_code>SUCC"));
		assertThat(provider.query(md5, "ORDER0010").errorCode()).isEqualTo("UNPARSEABLE");
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200,
				"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><return_code>&e;</return_code></xml>"));
		assertThat(provider.query(md5, "ORDER0010").errorCode()).isEqualTo("UNPARSEABLE");
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, "x".repeat(70_000)));
		assertThat(provider.query(md5, "ORDER0010").errorCode()).isEqualTo("RESPONSE_TOO_LARGE");
	}

	@Test
	void placeAnswersTheCodeUrlAndSendsANativeOrder() throws MalformedMessageException {
		Map<String, String> ok = new LinkedHashMap<>(Map.of("result_code", "SUCCESS", "trade_type", "NATIVE",
				"prepay_id", "wx201410272009395522657a690389285100", "code_url", "weixin://wxpay/bizpayurl?pr=abc"));
		fake.on("/sandbox/wechatpay/pay/unifiedorder", r -> Response.of(200, signed(md5, ok)));

		PlaceResult result = provider.place(md5, new PlaceRequest("ORDER0011", Fen.of(250), "CNY", "二维码订单",
				Instant.parse("2026-11-22T04:00:00Z"), "https://pay.example.com/notify/wechatpay-v2/t"));

		assertThat(result.placed()).isTrue();
		assertThat(result.payUrl()).isEqualTo("weixin://wxpay/bizpayurl?pr=abc");
		Map<String, String> sent = WechatV2Xml.parse(fake.requests.get(0).body());
		assertThat(sent).containsEntry("trade_type", "NATIVE").containsEntry("total_fee", "250")
			.containsEntry("time_expire", "20261122120000").containsEntry("product_id", "ORDER0011")
			.containsEntry("notify_url", "https://pay.example.com/notify/wechatpay-v2/t");
	}

	@Test
	void closeOfAPaidOrderQueriesAndAnswersPaid() {
		fake.on("/sandbox/wechatpay/pay/closeorder", r -> Response.of(200, signed(md5, failed("ORDERPAID"))));
		fake.on("/sandbox/wechatpay/pay/orderquery", r -> Response.of(200, signed(md5, paid("ORDER0012"))));

		ProviderAnswer answer = provider.close(md5, "ORDER0012");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.providerTxnId()).isNotNull();
	}

	@Test
	void closeOfAClosedOrderIsClosed() {
		fake.on("/sandbox/wechatpay/pay/closeorder", r -> Response.of(200, signed(md5, failed("ORDERCLOSED"))));
		assertThat(provider.close(md5, "ORDER0013").status()).isEqualTo(Status.CLOSED);
		fake.on("/sandbox/wechatpay/pay/closeorder", r -> Response.of(200, signed(md5, Map.of("result_code", "SUCCESS"))));
		assertThat(provider.close(md5, "ORDER0013").status()).isEqualTo(Status.CLOSED);
	}

	@Test
	void micropayOutcomes() {
		MicropayRequest request = new MicropayRequest("ORDER0014", Fen.of(101), "CNY", "face to face",
				"134567890123456789", null);
		fake.on("/sandbox/wechatpay/pay/micropay", r -> Response.of(200, signed(md5, paid("ORDER0014"))));
		assertThat(provider.micropay(md5, request).status()).isEqualTo(Status.PAID);
		fake.on("/sandbox/wechatpay/pay/micropay", r -> Response.of(200, signed(md5, failed("USERPAYING"))));
		assertThat(provider.micropay(md5, request).status()).isEqualTo(Status.USER_PAYING);
		fake.on("/sandbox/wechatpay/pay/micropay", r -> Response.of(200, signed(md5, failed("AUTHCODEEXPIRE"))));
		ProviderAnswer refused = provider.micropay(md5, request);
		assertThat(refused.status()).isEqualTo(Status.NOT_PAID);
		assertThat(refused.errorCode()).isEqualTo("AUTHCODEEXPIRE");
		int before = fake.count("/sandbox/wechatpay/pay/micropay");
		fake.on("/sandbox/wechatpay/pay/micropay", r -> Response.of(200, signed(md5, failed("SYSTEMERROR"))));
		assertThat(provider.micropay(md5, request).errorCode()).isEqualTo("SYSTEMERROR");
		fake.on("/sandbox/wechatpay/pay/micropay", r -> Response.of(200, signed(md5, failed("BANKERROR"))));
		assertThat(provider.micropay(md5, request).status()).isEqualTo(Status.ERROR);
		// an unknown result is never re-sent: the cashier queries instead
		assertThat(fake.count("/sandbox/wechatpay/pay/micropay")).isEqualTo(before + 2);
	}

	@Test
	void reverseIsRepeatedWhileRecallIsY() {
		java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
		fake.on("/sandbox/wechatpay/secapi/pay/reverse", r -> Response.of(200, signed(md5,
				Map.of("result_code", "SUCCESS", "recall", calls.incrementAndGet() == 1 ? "Y" : "N"))));

		assertThat(provider.reverse(md5, "ORDER0015").status()).isEqualTo(Status.REVERSED);
		assertThat(calls).hasValue(2);
	}

	@Test
	void noBillExistIsNoBill() {
		fake.on("/sandbox/wechatpay/pay/downloadbill", r -> Response.of(200,
				"<xml><return_code>FAIL</return_code><return_msg>No Bill Exist</return_msg><error_code>20002</error_code></xml>"));

		BillDownload bill = provider.bill(md5, LocalDate.of(2026, 11, 21));

		assertThat(bill.noBill()).isTrue();
		assertThat(bill.content()).isNull();
		assertThat(fake.requests.get(0).bodyText()).contains("<bill_date><![CDATA[20261121]]></bill_date>");
	}

	@Test
	void aGzipBillIsStreamedDecompressed() throws IOException {
		String text = "交易时间,商户订单号\n`2026-11-21 10:00:00,`A1\n总交易单数\n`1\n";
		fake.on("/sandbox/wechatpay/pay/downloadbill", r -> new Response(200, Map.of(), gzip(text), 0));

		try (BillDownload bill = provider.bill(md5, LocalDate.of(2026, 11, 21))) {
			assertThat(bill.errorCode()).isNull();
			assertThat(bill.format()).isEqualTo(BillDownload.WECHAT_TEXT);
			assertThat(new String(bill.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
		}
	}

	@Test
	void aGzipBombIsStoppedAtTheCap() throws IOException {
		byte[] bomb = gzip("0".repeat(9 * 1024 * 1024));
		fake.on("/sandbox/wechatpay/pay/downloadbill", r -> new Response(200, Map.of(), bomb, 0));

		try (BillDownload bill = provider.bill(md5, LocalDate.of(2026, 11, 21))) {
			org.assertj.core.api.Assertions.assertThatThrownBy(() -> bill.content().transferTo(OutputStreamSink.INSTANCE))
				.isInstanceOf(com.payrecon.provider.ProviderClient.ResponseTooLargeException.class);
		}
	}

	static byte[] gzip(String text) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
			gz.write(text.getBytes(StandardCharsets.UTF_8));
		}
		return out.toByteArray();
	}

	static final class OutputStreamSink extends java.io.OutputStream {
		static final OutputStreamSink INSTANCE = new OutputStreamSink();

		@Override
		public void write(int b) {
		}

		@Override
		public void write(byte[] b, int off, int len) {
		}
	}

}
