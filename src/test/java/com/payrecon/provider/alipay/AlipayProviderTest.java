package com.payrecon.provider.alipay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.payrecon.account.Account;
import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.PaymentProvider.MicropayRequest;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.TestKeys;
import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlipayProviderTest {

	static final Charset GBK = Charset.forName("GBK");
	static final String GATEWAY = "/sandbox/alipay/gateway.do";

	private final FakeServer fake = new FakeServer();
	private final FakeServer foreign = new FakeServer();
	private final Account account = TestKeys.alipay(fake.base("/sandbox/alipay"));
	private final AlipayProvider provider = new AlipayProvider(TestKeys.client(TestKeys.fast()), Clock.systemUTC());

	@AfterEach
	void stop() {
		fake.close();
		foreign.close();
	}

	/** {"<method>_response":content,"sign":RSA2(content)} as the gateway writes it. */
	static String signed(String method, String content) {
		String sign = AlipaySignature.sign(content, TestKeys.ALIPAY_PRIVATE, "RSA2", StandardCharsets.UTF_8);
		return "{\"" + method.replace('.', '_') + "_response\":" + content + ",\"sign\":\"" + sign + "\"}";
	}

	static String paid(String no, String status) {
		return "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500000009\",\"out_trade_no\":\"" + no
				+ "\",\"buyer_logon_id\":\"159****5620\",\"trade_status\":\"" + status + "\",\"total_amount\":\"88.88\","
				+ "\"receipt_amount\":\"88.88\",\"send_pay_date\":\"2026-11-22 10:34:56\"}";
	}

	/** Answers every method with {@code content} for that method. */
	private void answer(String method, String content) {
		fake.on(GATEWAY, r -> {
			Map<String, String> params = FormCodec.parse(r.body(), StandardCharsets.UTF_8);
			return Response.of(200, signed(params.get("method"), params.get("method").equals(method) ? content
					: "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"UNEXPECTED\"}"));
		});
	}

	@Test
	void aPaidQueryIsVerifiedAndTheRequestIsRsa2Signed() throws MalformedMessageException {
		answer("alipay.trade.query", paid("A0001", "TRADE_SUCCESS"));

		ProviderAnswer answer = provider.query(account, "A0001");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.amount()).isEqualTo(Fen.of(8888));
		assertThat(answer.paidAt()).isEqualTo(Instant.parse("2026-11-22T02:34:56Z"));
		assertThat(answer.providerTxnId()).isEqualTo("2026112222001446880500000009");
		Map<String, String> sent = FormCodec.parse(fake.requests.get(0).body(), StandardCharsets.UTF_8);
		assertThat(sent).containsEntry("app_id", "2021000000000001").containsEntry("sign_type", "RSA2")
			.containsEntry("charset", "utf-8").containsEntry("method", "alipay.trade.query")
			.containsEntry("biz_content", "{\"out_trade_no\":\"A0001\"}");
		// request signing keeps sign_type in the content (contentV2)
		assertThat(AlipaySignature.verify(AlipaySignature.contentV2(sent), sent.get("sign"), TestKeys.APP_PUBLIC, "RSA2",
				StandardCharsets.UTF_8)).isTrue();
		assertThat(AlipaySignature.verify(AlipaySignature.contentV1(sent), sent.get("sign"), TestKeys.APP_PUBLIC, "RSA2",
				StandardCharsets.UTF_8)).isFalse();
	}

	@Test
	void aPaidQueryWithoutSendPayDateIsPaidAtAnUnknownTime() {
		// send_pay_date is optional in trade.query: the payer paid, and the bill line will give the time
		answer("alipay.trade.query", paid("A0011", "TRADE_SUCCESS").replace(",\"send_pay_date\":\"2026-11-22 10:34:56\"", ""));

		ProviderAnswer answer = provider.query(account, "A0011");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.amount()).isEqualTo(Fen.of(8888));
		assertThat(answer.paidAt()).isNull();
		answer("alipay.trade.query", paid("A0011", "TRADE_SUCCESS").replace("2026-11-22 10:34:56", "22/11/2026"));
		assertThat(provider.query(account, "A0011").errorCode()).isEqualTo("UNPARSEABLE");
	}

	@Test
	void tradeStatusesMap() {
		answer("alipay.trade.query", paid("A0002", "TRADE_FINISHED"));
		assertThat(provider.query(account, "A0002").status()).isEqualTo(Status.PAID);
		answer("alipay.trade.query", paid("A0002", "WAIT_BUYER_PAY").replace(",\"send_pay_date\":\"2026-11-22 10:34:56\"", ""));
		assertThat(provider.query(account, "A0002").status()).isEqualTo(Status.NOT_PAID);
		answer("alipay.trade.query", paid("A0002", "TRADE_CLOSED"));
		assertThat(provider.query(account, "A0002").status()).isEqualTo(Status.CLOSED);
		answer("alipay.trade.query", paid("A0002", "TRADE_CLOSED").replace("}", ",\"refund_fee\":\"88.88\"}"));
		assertThat(provider.query(account, "A0002").status()).isEqualTo(Status.REFUNDED);
		answer("alipay.trade.query", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_NOT_EXIST\","
				+ "\"sub_msg\":\"交易不存在\",\"buyer_pay_amount\":\"0.00\",\"out_trade_no\":\"A0002\"}");
		assertThat(provider.query(account, "A0002").status()).isEqualTo(Status.NOT_FOUND);
	}

	@Test
	void aTamperedOrUnsignedSuccessIsRefused() {
		fake.on(GATEWAY, r -> Response.of(200, signed("alipay.trade.query", paid("A0003", "TRADE_SUCCESS")).replace("88.88", "0.01")));
		assertThat(provider.query(account, "A0003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
		fake.on(GATEWAY, r -> Response.of(200, "{\"alipay_trade_query_response\":" + paid("A0003", "TRADE_SUCCESS") + "}"));
		assertThat(provider.query(account, "A0003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
		// a valid signature over a response smuggled inside another member does not count
		String inner = paid("A0003", "TRADE_SUCCESS");
		String sign = AlipaySignature.sign(inner, TestKeys.ALIPAY_PRIVATE, "RSA2", StandardCharsets.UTF_8);
		fake.on(GATEWAY, r -> Response.of(200, "{\"x\":{\"alipay_trade_query_response\":" + inner
				+ "},\"alipay_trade_query_response\":" + paid("A0003", "TRADE_SUCCESS").replace("88.88", "1.00") + ",\"sign\":\"" + sign + "\"}"));
		assertThat(provider.query(account, "A0003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
		fake.on(GATEWAY, r -> Response.of(200, "not json"));
		assertThat(provider.query(account, "A0003").errorCode()).isEqualTo("UNPARSEABLE");
	}

	@Test
	void anUnsignedGatewayErrorKeepsItsCodeAndStaysAnError() {
		fake.on(GATEWAY, r -> Response.of(200, "{\"error_response\":{\"code\":\"40002\",\"msg\":\"Invalid Arguments\","
				+ "\"sub_code\":\"isv.invalid-signature\",\"sub_msg\":\"验签出错\"}}"));
		ProviderAnswer answer = provider.query(account, "A0004");
		assertThat(answer.status()).isEqualTo(Status.ERROR);
		assertThat(answer.errorCode()).isEqualTo("isv.invalid-signature");
		assertThat(fake.count(GATEWAY)).isEqualTo(1);
		// an unsigned "not found" is not a definite answer
		fake.on(GATEWAY, r -> Response.of(200, "{\"alipay_trade_query_response\":{\"code\":\"40004\",\"msg\":\"Business Failed\","
				+ "\"sub_code\":\"ACQ.TRADE_NOT_EXIST\"}}"));
		assertThat(provider.query(account, "A0004").status()).isEqualTo(Status.ERROR);
	}

	@Test
	void systemErrorsAreRetried() {
		answer("alipay.trade.query", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.SYSTEM_ERROR\"}");
		assertThat(provider.query(account, "A0005").errorCode()).isEqualTo("ACQ.SYSTEM_ERROR");
		assertThat(fake.count(GATEWAY)).isEqualTo(3);
		answer("alipay.trade.query", "{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\",\"sub_code\":\"isp.unknow-error\"}");
		assertThat(provider.query(account, "A0005").errorCode()).isEqualTo("20000");
		assertThat(fake.count(GATEWAY)).isEqualTo(6);
	}

	@Test
	void placeAnswersTheQrCode() throws MalformedMessageException {
		answer("alipay.trade.precreate", "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"A0006\",\"qr_code\":\"https://qr.alipay.com/bax0001\"}");
		var result = provider.place(account, new PlaceRequest("A0006", Fen.of(8888), "CNY", "会员充值", null,
				"https://pay.example.com/notify/alipay/t-ali"));
		assertThat(result.payUrl()).isEqualTo("https://qr.alipay.com/bax0001");
		Map<String, String> sent = FormCodec.parse(fake.requests.get(0).body(), StandardCharsets.UTF_8);
		assertThat(sent).containsEntry("notify_url", "https://pay.example.com/notify/alipay/t-ali");
		assertThat(sent.get("biz_content")).contains("\"total_amount\":\"88.88\"");
	}

	@Test
	void payOutcomes() {
		MicropayRequest request = new MicropayRequest("A0007", Fen.of(8888), "CNY", "bar code", "284512345678901234", null);
		answer("alipay.trade.pay", paid("A0007", "TRADE_SUCCESS").replace("send_pay_date", "gmt_payment"));
		assertThat(provider.micropay(account, request).status()).isEqualTo(Status.PAID);
		answer("alipay.trade.pay", "{\"code\":\"10003\",\"msg\":\"order success pay inprocess\",\"out_trade_no\":\"A0007\"}");
		assertThat(provider.micropay(account, request).status()).isEqualTo(Status.USER_PAYING);
		answer("alipay.trade.pay", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.PAYMENT_AUTH_CODE_INVALID\"}");
		assertThat(provider.micropay(account, request).status()).isEqualTo(Status.NOT_PAID);
		answer("alipay.trade.pay", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.SYSTEM_ERROR\"}");
		assertThat(provider.micropay(account, request).status()).isEqualTo(Status.ERROR);
	}

	@Test
	void cancelAndClose() {
		answer("alipay.trade.cancel", "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"A0008\",\"retry_flag\":\"N\",\"action\":\"close\"}");
		assertThat(provider.reverse(account, "A0008").status()).isEqualTo(Status.REVERSED);
		answer("alipay.trade.close", "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"A0008\"}");
		assertThat(provider.close(account, "A0008").status()).isEqualTo(Status.CLOSED);
		fake.on(GATEWAY, r -> {
			String method = FormCodec.parse(r.body(), StandardCharsets.UTF_8).get("method");
			return Response.of(200, method.equals("alipay.trade.close")
					? signed(method, "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_STATUS_ERROR\"}")
					: signed(method, paid("A0009", "TRADE_SUCCESS")));
		});
		assertThat(provider.close(account, "A0009").status()).isEqualTo(Status.PAID);
	}

	@Test
	void theBillZipIsOpenedOnItsGbkDetailEntry() throws IOException {
		String detail = "#支付宝业务明细查询\n支付宝交易号,商户订单号,业务类型\n2026112222001,A1,交易\t\n#交易合计：1笔，商家实收共1.00元，商家优惠共0.00元\n";
		byte[] zip = zip(Map.of("20880000000000000156_20261121_业务明细(汇总).csv", "#汇总", "20880000000000000156_20261121_业务明细.csv", detail));
		answer("alipay.data.dataservice.bill.downloadurl.query",
				"{\"code\":\"10000\",\"msg\":\"Success\",\"bill_download_url\":\"" + fake.base("/bills/download?fileType=csv.zip") + "\"}");
		fake.on("/bills/download", r -> new Response(200, Map.of(), zip, 0));

		try (BillDownload bill = provider.bill(account, LocalDate.of(2026, 11, 21))) {
			assertThat(bill.format()).isEqualTo(BillDownload.ALIPAY_CSV_GBK);
			assertThat(new String(bill.content().readAllBytes(), GBK)).isEqualTo(detail);
		}
	}

	@Test
	void billsFromForeignHostsAreRefusedAndMissingBillsAreNoBill() {
		foreign.on("/x", r -> Response.of(200, "x"));
		answer("alipay.data.dataservice.bill.downloadurl.query",
				"{\"code\":\"10000\",\"msg\":\"Success\",\"bill_download_url\":\"" + foreign.base("/x") + "\"}");
		assertThat(provider.bill(account, LocalDate.of(2026, 11, 21)).errorCode()).isEqualTo("REFUSED_URL");
		assertThat(foreign.requests).isEmpty();
		answer("alipay.data.dataservice.bill.downloadurl.query",
				"{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"isp.bill_not_exist\",\"sub_msg\":\"账单不存在\"}");
		assertThat(provider.bill(account, LocalDate.of(2026, 11, 21)).noBill()).isTrue();
	}

	static byte[] zip(Map<String, String> entries) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out, GBK)) {
			for (var e : new java.util.TreeMap<>(entries).entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				zip.write(e.getValue().getBytes(GBK));
				zip.closeEntry();
			}
		}
		return out.toByteArray();
	}
}
