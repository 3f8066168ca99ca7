package com.payrecon.provider.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Recorded;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.provider.HashCheckingInputStream.HashMismatchException;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.TestKeys;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.crypto.WechatV3Crypto;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WechatV3ProviderTest {

	static final String G4_SIGNATURE = "Mi6/vU9oV2sHqOtO5LZDQBvzCU+Hti+oFJOfyB0oyR0kxDgmeHmTqczM3gzb5jNY/uFYvtMBOke1DxYDEK6rSE3l7Y0Xp3WrgX7gZgRTHJAz/qFRze1qVxK1kWx1wcXs9jqWHy3BApmDEFO+2oBGfde4qmTG9oAMYmJZ3QTWVjNOKTaJ3lH5HbAdX+gFAO1PIOUmL8HnMlLWVNyW7BJzFFYiBvJmsSp5lgdW0Jw76oMZ0LCiPqe5FlzovlZQXx4uup7PMpGcUVzFQ69APJeBVQqAMuQJDiCbl5/XCi3eteFKVj0ZpQrcpJa+kynM0Z8TE/CwPMVR0c5b2xN1s7ofUQ==";

	private final FakeServer fake = new FakeServer();
	private final FakeServer foreign = new FakeServer();
	private final Account account = TestKeys.v3(fake.base("/sandbox/wechatpay"));
	private final WechatV3Provider provider = new WechatV3Provider(TestKeys.client(TestKeys.fast()), Clock.systemUTC());

	@AfterEach
	void stop() {
		fake.close();
		foreign.close();
	}

	/** A response signed with the platform key at {@code at}. */
	static Response signedAt(int status, String body, Instant at) {
		String ts = Long.toString(at.getEpochSecond());
		String nonce = "n" + System.nanoTime();
		String signature = WechatV3Crypto.sign(TestKeys.PLATFORM_PRIVATE,
				WechatV3Crypto.notificationMessage(ts, nonce, body.getBytes(StandardCharsets.UTF_8)));
		return Response.of(status, Map.of("Wechatpay-Timestamp", ts, "Wechatpay-Nonce", nonce, "Wechatpay-Signature",
				signature, "Wechatpay-Serial", TestKeys.PLATFORM_KEY_ID, "Content-Type", "application/json"), body);
	}

	static Response signed(int status, String body) {
		return signedAt(status, body, Instant.now());
	}

	static String transaction(String no, String state) {
		return "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1900000001\",\"out_trade_no\":\"" + no
				+ "\",\"transaction_id\":\"4200000002202611220000000002\",\"trade_type\":\"NATIVE\",\"trade_state\":\""
				+ state + "\",\"trade_state_desc\":\"x\",\"success_time\":\"2026-11-22T10:34:56+08:00\","
				+ "\"payer\":{\"openid\":\"o\"},\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
	}

	@Test
	void authorizationReproducesVectorG4InTheV13Layout() {
		Account g4 = new Account("g4", account.channel(), account.appId(), "1230000109", null,
				URI.create("https://api.mch.weixin.qq.com"), TestKeys.SHANGHAI, account.credentials());
		WechatV3Provider fixed = new WechatV3Provider(TestKeys.client(TestKeys.fast()),
				Clock.fixed(Instant.ofEpochSecond(1554208460), ZoneOffset.UTC))
			.withNonces(() -> "593BEC0C930BF1AFEB40B4A08C8FB242");
		URI uri = URI.create("https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109");

		String header = fixed.authorization(g4, "GET", WechatV3Provider.canonical(uri), null);

		assertThat(header).isEqualTo("WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\","
				+ "timestamp=\"1554208460\",serial_no=\"5157F09EFDC096DE15EBE81A47057A72\",signature=\"" + G4_SIGNATURE + "\"");
	}

	@Test
	void aPaidQueryIsVerifiedAndParsed() throws MalformedMessageException {
		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3001", r -> signed(200, transaction("ORDER3001", "SUCCESS")));

		ProviderAnswer answer = provider.query(account, "ORDER3001");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.amount()).isEqualTo(Fen.of(100));
		assertThat(answer.paidAt()).isEqualTo(Instant.parse("2026-11-22T02:34:56Z"));
		assertThat(answer.providerTxnId()).isEqualTo("4200000002202611220000000002");
		Recorded sent = fake.requests.get(0);
		assertThat(sent.query()).isEqualTo("mchid=1900000001");
		assertThat(sent.headers().getFirst("Wechatpay-Serial")).isEqualTo(TestKeys.PLATFORM_KEY_ID);
		// the server side's check: the Authorization verifies with the merchant's public key over what was sent
		Map<String, String> auth = WechatV3Crypto.parseAuthorization(sent.headers().getFirst("Authorization"));
		String message = WechatV3Crypto.requestMessage("GET", sent.path() + "?" + sent.query(),
				Long.parseLong(auth.get("timestamp")), auth.get("nonce_str"), null);
		assertThat(WechatV3Crypto.verify(TestKeys.MERCHANT_PUBLIC, message.getBytes(StandardCharsets.UTF_8),
				auth.get("signature"))).isTrue();
		assertThat(auth).containsEntry("mchid", "1900000001").containsEntry("serial_no", "5157F09EFDC096DE15EBE81A47057A72");
	}

	@Test
	void aPaidQueryWithoutSuccessTimeIsPaidAtAnUnknownTime() {
		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3011",
				r -> signed(200, transaction("ORDER3011", "SUCCESS").replace("\"success_time\":\"2026-11-22T10:34:56+08:00\",", "")));

		ProviderAnswer answer = provider.query(account, "ORDER3011");

		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.amount()).isEqualTo(Fen.of(100));
		assertThat(answer.paidAt()).isNull();
	}

	@Test
	void statesAndNotFoundMap() {
		Map<String, Status> expected = Map.of("NOTPAY", Status.NOT_PAID, "CLOSED", Status.CLOSED, "REVOKED",
				Status.REVERSED, "REFUND", Status.REFUNDED, "USERPAYING", Status.USER_PAYING, "PAYERROR", Status.NOT_PAID);
		expected.forEach((state, status) -> {
			fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3002", r -> signed(200, transaction("ORDER3002", state)));
			assertThat(provider.query(account, "ORDER3002").status()).as(state).isEqualTo(status);
		});
		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3002",
				r -> signed(404, "{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}"));
		assertThat(provider.query(account, "ORDER3002").status()).isEqualTo(Status.NOT_FOUND);
	}

	@Test
	void unsignedStaleForeignOrProbingResponsesAreRefused() {
		String path = "/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3003";
		fake.on(path, r -> Response.of(200, transaction("ORDER3003", "SUCCESS")));
		assertThat(provider.query(account, "ORDER3003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");

		fake.on(path, r -> signedAt(200, transaction("ORDER3003", "SUCCESS"), Instant.now().minusSeconds(301)));
		assertThat(provider.query(account, "ORDER3003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");

		fake.on(path, r -> {
			Response ok = signed(200, transaction("ORDER3003", "SUCCESS"));
			Map<String, String> headers = new LinkedHashMap<>(ok.headers());
			headers.put("Wechatpay-Serial", "PUB_KEY_ID_UNKNOWN");
			return new Response(200, headers, ok.body(), 0);
		});
		assertThat(provider.query(account, "ORDER3003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");

		fake.on(path, r -> {
			Response ok = signed(200, transaction("ORDER3003", "SUCCESS"));
			Map<String, String> headers = new LinkedHashMap<>(ok.headers());
			headers.put("Wechatpay-Signature", "WECHATPAY/SIGNTEST/" + headers.get("Wechatpay-Signature"));
			return new Response(200, headers, ok.body(), 0);
		});
		assertThat(provider.query(account, "ORDER3003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");

		fake.on(path, r -> {
			Response ok = signed(200, transaction("ORDER3003", "SUCCESS"));
			return new Response(200, ok.headers(), transaction("ORDER3003", "SUCCESS").replace("100", "1")
				.getBytes(StandardCharsets.UTF_8), 0);
		});
		assertThat(provider.query(account, "ORDER3003").errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
	}

	@Test
	void serverErrorsAreRetriedAndReported() {
		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3004",
				r -> Response.of(500, "{\"code\":\"SYSTEM_ERROR\",\"message\":\"busy\"}"));
		ProviderAnswer answer = provider.query(account, "ORDER3004");
		assertThat(answer.errorCode()).isEqualTo("HTTP_500");
		assertThat(fake.count("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3004")).isEqualTo(3);
	}

	@Test
	void closeIs204AndAPaidOrderIsQueried() {
		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3005/close", r -> signed(204, ""));
		assertThat(provider.close(account, "ORDER3005").status()).isEqualTo(Status.CLOSED);
		assertThat(fake.requests.get(0).bodyText()).isEqualTo("{\"mchid\":\"1900000001\"}");

		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3006/close",
				r -> signed(400, "{\"code\":\"ORDERPAID\",\"message\":\"已支付\"}"));
		fake.on("/sandbox/wechatpay/v3/pay/transactions/out-trade-no/ORDER3006", r -> signed(200, transaction("ORDER3006", "SUCCESS")));
		assertThat(provider.close(account, "ORDER3006").status()).isEqualTo(Status.PAID);
	}

	@Test
	void placeAnswersTheCodeUrl() {
		fake.on("/sandbox/wechatpay/v3/pay/transactions/native", r -> signed(200, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=v3\"}"));
		var result = provider.place(account, new PlaceRequest("ORDER3007", Fen.of(300), "CNY", "v3 order",
				Instant.parse("2026-11-22T04:00:00Z"), "https://pay.example.com/notify/wechatpay-v3/t-v3"));
		assertThat(result.placed()).isTrue();
		assertThat(result.payUrl()).isEqualTo("weixin://wxpay/bizpayurl?pr=v3");
		assertThat(fake.requests.get(0).bodyText()).contains("\"time_expire\":\"2026-11-22T12:00:00+08:00\"")
			.contains("\"amount\":{\"total\":300,\"currency\":\"CNY\"}");
	}

	@Test
	void aBillIsDownloadedAndItsSha1CheckedAtTheEnd() throws IOException {
		String text = "交易时间,商户订单号\n`2026-11-21 10:00:00,`A1\n总交易单数\n`1\n";
		fake.on("/sandbox/wechatpay/v3/bill/tradebill", r -> signed(200, tradeBill(sha1(text), fake.base("/sandbox/wechatpay/v3/billdownload/file?token=t"))));
		fake.on("/sandbox/wechatpay/v3/billdownload/file", r -> new Response(200, Map.of(), WechatV2ProviderTest.gzip(text), 0));

		try (BillDownload bill = provider.bill(account, LocalDate.of(2026, 11, 21))) {
			assertThat(new String(bill.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(text);
		}
		Recorded download = fake.requests.get(1);
		assertThat(download.headers().getFirst("Authorization")).startsWith("WECHATPAY2-SHA256-RSA2048 ");
	}

	@Test
	void aBillWhoseHashDiffersFailsAtTheEndOfTheStream() throws IOException {
		String text = "交易时间,商户订单号\n`2026-11-21 10:00:00,`A1\n";
		fake.on("/sandbox/wechatpay/v3/bill/tradebill", r -> signed(200, tradeBill(sha1(text + "tampered"), fake.base("/sandbox/wechatpay/v3/billdownload/file?token=t"))));
		fake.on("/sandbox/wechatpay/v3/billdownload/file", r -> Response.of(200, text));

		try (BillDownload bill = provider.bill(account, LocalDate.of(2026, 11, 21))) {
			assertThatThrownBy(() -> bill.content().readAllBytes()).isInstanceOf(HashMismatchException.class);
		}
	}

	@Test
	void billUrlsOnForeignHostsAreRefusedBeforeConnecting() {
		foreign.on("/steal", r -> Response.of(200, "secret"));
		fake.on("/sandbox/wechatpay/v3/bill/tradebill", r -> signed(200, tradeBill("00", foreign.base("/steal"))));

		BillDownload bill = provider.bill(account, LocalDate.of(2026, 11, 21));

		assertThat(bill.errorCode()).isEqualTo("REFUSED_URL");
		assertThat(foreign.requests).isEmpty();
		for (String url : new String[] { "http://169.254.169.254/latest/meta-data", "http://api.mch.weixin.qq.com/v3/billdownload/file",
				"https://api.mch.weixin.qq.com.evil.example/x", "https://user@api.mch.weixin.qq.com/x", "file:///etc/passwd" }) {
			fake.on("/sandbox/wechatpay/v3/bill/tradebill", r -> signed(200, tradeBill("00", URI.create(url))));
			assertThat(provider.bill(account, LocalDate.of(2026, 11, 21)).errorCode()).as(url).isEqualTo("REFUSED_URL");
		}
	}

	@Test
	void billRedirectsAreNotFollowed() {
		foreign.on("/target", r -> Response.of(200, "x"));
		fake.on("/sandbox/wechatpay/v3/bill/tradebill", r -> signed(200, tradeBill("00", fake.base("/sandbox/wechatpay/v3/billdownload/file"))));
		fake.on("/sandbox/wechatpay/v3/billdownload/file", r -> Response.of(302, Map.of("Location", foreign.base("/target").toString()), ""));

		assertThat(provider.bill(account, LocalDate.of(2026, 11, 21)).errorCode()).isEqualTo("REDIRECT_REFUSED");
		assertThat(foreign.requests).isEmpty();
	}

	@Test
	void noStatementIsNoBill() {
		fake.on("/sandbox/wechatpay/v3/bill/tradebill", r -> signed(400, "{\"code\":\"NO_STATEMENT_EXIST\",\"message\":\"请求的账单文件不存在\"}"));
		assertThat(provider.bill(account, LocalDate.of(2026, 11, 21)).noBill()).isTrue();
		assertThat(fake.requests.get(0).query()).isEqualTo("bill_date=2026-11-21&bill_type=ALL&tar_type=GZIP");
	}

	@Test
	void withoutAMerchantKeyNothingIsSent() {
		WechatV3Keys keys = account.wechatV3();
		Account noKey = new Account("nokey", account.channel(), account.appId(), account.mchId(), null, account.baseUrl(),
				account.zone(), new WechatV3Keys(keys.apiV3Key(), null, null, keys.platformKeys()));
		assertThat(provider.query(noKey, "ORDER3008").errorCode()).isEqualTo("NOT_CONFIGURED");
		assertThat(fake.requests).isEmpty();
	}

	private static String tradeBill(String hash, URI url) {
		return "{\"hash_type\":\"SHA1\",\"hash_value\":\"" + hash + "\",\"download_url\":\"" + url + "\"}";
	}

	private static String sha1(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
