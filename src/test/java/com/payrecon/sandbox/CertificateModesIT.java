package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatV3Crypto;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.PaymentProvider.MicropayRequest;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import com.payrecon.support.tls.TestTlsEnvironment;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * WeChat Pay v3 certificate mode and Alipay certificate mode end to end against the sandbox, with certificates the
 * tests made (support/tls/TestTlsEnvironment): place, notify, query, close, reverse, bill; a v3 rotation in which
 * old and new platform certificates overlap (and WeChat's public key during the migration); a burst of
 * notifications signed by a certificate not downloaded yet causes exactly one download; an Alipay certificate
 * rotation picked up from the response that names the new certificate, and a certificate outside the root refused.
 */
@PayReconIT
class CertificateModesIT {

	@LocalServerPort
	int port;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	ProviderRegistry providers;

	@Autowired
	ProviderCertificates certificates;

	SandboxWire wire() {
		return new SandboxWire(port);
	}

	// ---- WeChat Pay v3 ------------------------------------------------------------------------------------------

	@Test
	void v3CertificateModeEndToEndThroughARotationWithOverlap() throws Exception {
		Account account = accounts.find("cert-wx3").orElseThrow();
		PaymentProvider wechat = providers.forAccount(account);
		JsonNode keys = wire().control("DELETE", "/merchants/cert-wx3/keys", null);
		List<String> ids = strings(keys.path("wechatKeys")); // [PUB_KEY_ID_..., old, new, newer]
		String publicKeyId = ids.get(0);
		String old = ids.get(1);
		String fresh = ids.get(2);

		// the old certificate signs and is the only one listed: responses and notifications verify with it
		String first = paidByNotification(account, "cert-wx3", "wechatpay-v3");
		assertThat(certificates.find(account, Kind.WECHATPAY_PLATFORM, old)).isPresent();
		assertThat(wechat.query(account, first).status()).isEqualTo(Status.PAID);

		// rotation, step 1: the new certificate is published next to the old one and the scheduled refresh fetches
		// it (run here at once); the old one still signs
		wire().control("PUT", "/merchants/cert-wx3/keys", Map.of("wechatListed", List.of(old, fresh)));
		assertThat(certificates.refresh(account, Kind.WECHATPAY_PLATFORM, null, ProviderCertificates.Trigger.MANUAL)).isTrue();
		assertThat(certificates.find(account, Kind.WECHATPAY_PLATFORM, fresh)).isPresent();
		paidByNotification(account, "cert-wx3", "wechatpay-v3");

		// step 2: the new one signs; during the overlap either serial may arrive, each verified with its own key
		wire().control("PUT", "/merchants/cert-wx3/keys", Map.of("wechatSignWith", fresh));
		String second = paidByNotification(account, "cert-wx3", "wechatpay-v3");
		assertThat(wechat.query(account, second).status()).isEqualTo(Status.PAID);
		wire().control("PUT", "/merchants/cert-wx3/keys", Map.of("wechatSignWith", old));
		paidByNotification(account, "cert-wx3", "wechatpay-v3");

		// WeChat's migration to a public key: notifications signed with PUB_KEY_ID_… verify with the configured key
		wire().control("PUT", "/merchants/cert-wx3/keys", Map.of("wechatSignWith", publicKeyId));
		paidByNotification(account, "cert-wx3", "wechatpay-v3");

		// step 3: the old certificate is withdrawn; the new one signs everything, close and bill included
		wire().control("PUT", "/merchants/cert-wx3/keys", Map.of("wechatSignWith", fresh, "wechatListed", List.of(fresh)));
		String unpaid = placed(account);
		assertThat(wechat.close(account, unpaid).status()).isEqualTo(Status.CLOSED);
		assertThat(wechat.query(account, unpaid).status()).isEqualTo(Status.CLOSED);
		try (BillDownload bill = wechat.bill(account, LocalDate.now(SHANGHAI))) {
			assertThat(bill.errorCode()).as("bill of today").isIn(null, "NO_STATEMENT_EXIST");
		}
		assertThat(wechat.reverse(account, unpaid).errorCode()).as("v3 has no reverse here").isEqualTo("UNSUPPORTED");
		wire().control("DELETE", "/merchants/cert-wx3/keys", null);
	}

	@Test
	void aBurstOfNotificationsSignedByACertificateNotSeenYetCausesExactlyOneDownload() throws Exception {
		Account account = accounts.find("burst-wx3").orElseThrow();
		JsonNode keys = wire().control("DELETE", "/merchants/burst-wx3/keys", null);
		String a = strings(keys.path("wechatKeys")).get(0);
		String b = strings(keys.path("wechatKeys")).get(1);
		certificates.refresh(account, Kind.WECHATPAY_PLATFORM, null, ProviderCertificates.Trigger.MANUAL);
		assertThat(certificates.find(account, Kind.WECHATPAY_PLATFORM, a)).isPresent();
		assertThat(certificates.find(account, Kind.WECHATPAY_PLATFORM, b)).as("b is not published yet").isEmpty();

		wire().control("PUT", "/merchants/burst-wx3/keys", Map.of("wechatListed", List.of(a, b), "wechatSignWith", b));
		int downloadsBefore = wire().control("GET", "/merchants/burst-wx3/keys", null).path("wechatCertificateDownloads").asInt();
		PrivateKey bKey = Keys.privateKey(Files.readString(TestTlsEnvironment.dir().resolve("burst-b.key")));
		int burst = 16;
		List<String> orders = new ArrayList<>();
		for (int i = 0; i < burst; i++) {
			String no = TestData.outTradeNo();
			wire().createPayReconOrder("burst-wx3", no, 100 + i);
			orders.add(no);
		}
		CountDownLatch start = new CountDownLatch(1);
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(burst); HttpClient http = HttpClient.newHttpClient()) {
			for (int i = 0; i < burst; i++) {
				String no = orders.get(i);
				long amount = 100 + i;
				answers.add(pool.submit(() -> {
					start.await();
					return http.send(v3Notification(account, b, bKey, no, amount), HttpResponse.BodyHandlers.ofString());
				}));
			}
			start.countDown();
			for (Future<HttpResponse<String>> answer : answers) {
				assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(204);
			}
		}
		int downloads = wire().control("GET", "/merchants/burst-wx3/keys", null).path("wechatCertificateDownloads").asInt()
				- downloadsBefore;
		assertThat(downloads).as("downloads of /v3/certificates caused by the burst").isEqualTo(1);
		for (String no : orders) {
			assertThat(wire().payReconOrder("burst-wx3", no).path("status").asString()).isEqualTo("PAID");
		}

		// a serial nobody published: refused with the retryable 503, and within the throttle no download again
		HttpResponse<String> forged = HttpClient.newHttpClient()
			.send(v3Notification(account, "1F2E3D4C5B6A79880716253443526170DEADBEEF", bKey, orders.getFirst(), 100),
					HttpResponse.BodyHandlers.ofString());
		assertThat(forged.statusCode()).isEqualTo(503);
		assertThat(wire().control("GET", "/merchants/burst-wx3/keys", null).path("wechatCertificateDownloads").asInt()
				- downloadsBefore).isEqualTo(1);
		wire().control("DELETE", "/merchants/burst-wx3/keys", null);
	}

	// ---- Alipay -------------------------------------------------------------------------------------------------

	@Test
	void alipayCertificateModeEndToEndAndARotatedCertificatePickedUpFromAResponse() throws Exception {
		Account account = accounts.find("cert-ali").orElseThrow();
		PaymentProvider alipay = providers.forAccount(account);
		JsonNode keys = wire().control("DELETE", "/merchants/cert-ali/keys", null);
		List<String> sns = strings(keys.path("alipayCertificates")); // [a (configured), b, rogue]
		assertThat(account.certificates().alipay().alipayCertSn()).isEqualTo(sns.get(0));

		String paid = paidByNotification(account, "cert-ali", "alipay");
		assertThat(alipay.query(account, paid).status()).isEqualTo(Status.PAID);
		String unpaid = placed(account);
		wire().control("POST", "/orders/cert-ali/" + unpaid + "/scan", Map.of());
		assertThat(alipay.close(account, unpaid).status()).isEqualTo(Status.CLOSED);
		String paying = TestData.outTradeNo();
		assertThat(alipay.micropay(account, new MicropayRequest(paying, Fen.of(300), "CNY", "cert mode", "284567890123456782",
				null)).status()).isEqualTo(Status.USER_PAYING);
		assertThat(alipay.reverse(account, paying).status()).isEqualTo(Status.REVERSED);
		try (BillDownload bill = alipay.bill(account, LocalDate.now(SHANGHAI).minusDays(1))) {
			assertThat(bill.errorCode()).isIn(null, "isp.bill_not_exist");
		}

		// Alipay rotates: responses name the new certificate, which is fetched once, checked against the root, kept
		int downloadsBefore = wire().control("GET", "/merchants/cert-ali/keys", null).path("alipayCertificateDownloads").asInt();
		wire().control("PUT", "/merchants/cert-ali/keys", Map.of("alipaySignWith", sns.get(1)));
		ProviderAnswer afterRotation = alipay.query(account, paid);
		assertThat(afterRotation.status()).as(afterRotation.errorCode() + " " + afterRotation.errorMessage())
			.isEqualTo(Status.PAID);
		assertThat(certificates.find(account, Kind.ALIPAY, sns.get(1))).isPresent();
		assertThat(alipay.query(account, paid).status()).isEqualTo(Status.PAID);
		assertThat(wire().control("GET", "/merchants/cert-ali/keys", null).path("alipayCertificateDownloads").asInt()
				- downloadsBefore).as("fetched once").isEqualTo(1);
		// notifications name no certificate: the newest in force (the rotated one) verifies them
		paidByNotification(account, "cert-ali", "alipay");

		// a certificate that does not chain to the configured root is never believed
		wire().control("PUT", "/merchants/cert-ali/keys", Map.of("alipaySignWith", sns.get(2)));
		ProviderAnswer rogue = alipay.query(account, paid);
		assertThat(rogue.status()).isEqualTo(Status.ERROR);
		assertThat(rogue.errorCode()).isEqualTo("BAD_RESPONSE_SIGNATURE");
		assertThat(certificates.find(account, Kind.ALIPAY, sns.get(2))).isEmpty();
		wire().control("PUT", "/merchants/cert-ali/keys", Map.of("alipaySignWith", sns.get(1)));
	}

	@Test
	void theSandboxRefusesACertificateModeRequestWithoutTheSns() {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("app_id", "2021000000000170");
		params.put("method", "alipay.trade.query");
		params.put("charset", "utf-8");
		params.put("sign_type", "RSA2");
		params.put("timestamp", "2026-12-03 12:00:00");
		params.put("version", "1.0");
		params.put("biz_content", "{\"out_trade_no\":\"x\"}");
		Account account = accounts.find("cert-ali").orElseThrow();
		params.put("sign", com.payrecon.crypto.AlipaySignature.sign(com.payrecon.crypto.AlipaySignature.contentV2(params),
				account.alipay().appPrivateKey(), "RSA2", StandardCharsets.UTF_8));
		var response = wire().send(HttpRequest.newBuilder(URI.create(wire().url("/sandbox/alipay/gateway.do")))
			.header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
			.POST(HttpRequest.BodyPublishers.ofString(com.payrecon.crypto.FormCodec.encode(params, StandardCharsets.UTF_8))));
		assertThat(SandboxWire.text(response)).contains("isv.missing-app-cert-sn");
	}

	/**
	 * WeChat Pay v2 with the merchant's client certificate: every operation of the account goes over the sandbox's
	 * TLS listener (its base-url), where the sandbox merchant requires the certificate on {@code secapi}: notify,
	 * query, close, reverse (mutual TLS) and the bill.
	 */
	@Test
	void v2ClientCertificateModeEndToEnd() throws Exception {
		Account account = accounts.find("tls-wx2").orElseThrow();
		PaymentProvider wechat = providers.forAccount(account);

		String paid = paidByNotification(account, "tls-wx2", "wechatpay-v2");
		assertThat(wechat.query(account, paid).status()).isEqualTo(Status.PAID);
		String unpaid = placed(account);
		assertThat(wechat.close(account, unpaid).status()).isEqualTo(Status.CLOSED);
		String reversed = placed(account);
		ProviderAnswer reverse = wechat.reverse(account, reversed);
		assertThat(reverse.status()).as(reverse.errorCode() + " " + reverse.rawResponse()).isEqualTo(Status.REVERSED);
		try (BillDownload bill = wechat.bill(account, LocalDate.now(SHANGHAI).minusDays(1))) {
			assertThat(bill.errorCode() == null || bill.noBill()).as("bill of yesterday: " + bill.errorCode()).isTrue();
		}
	}

	// ---- helpers ------------------------------------------------------------------------------------------------

	static final java.time.ZoneId SHANGHAI = java.time.ZoneId.of("Asia/Shanghai");

	private String placed(Account account) {
		String no = TestData.outTradeNo();
		wire().createPayReconOrder(account.id(), no, 990);
		var result = providers.forAccount(account)
			.place(account, new PlaceRequest(no, Fen.of(990), "CNY", "certificate mode", Instant.now().plusSeconds(900),
					wire().url("/notify/" + account.channel().wireName() + "/" + account.id())));
		assertThat(result.placed()).as(result.errorCode() + " " + result.errorMessage()).isTrue();
		return no;
	}

	/** Places an order, lets the sandbox's payer pay it, waits for the signed notification to mark it PAID. */
	private String paidByNotification(Account account, String merchant, String channel) {
		String no = placed(account);
		if ("alipay".equals(channel)) {
			wire().control("POST", "/orders/" + merchant + "/" + no + "/scan", Map.of());
		}
		wire().control("POST", "/orders/" + merchant + "/" + no + "/pay", Map.of());
		JsonNode order = SandboxWire.await(() -> wire().payReconOrder(account.id(), no),
				o -> "PAID".equals(o.path("status").asString()), Duration.ofSeconds(30));
		assertThat(order.path("status").asString()).as(merchant + " " + no + " paid by its notification").isEqualTo("PAID");
		return no;
	}

	private HttpRequest v3Notification(Account account, String serial, PrivateKey key, String outTradeNo, long amount)
			throws Exception {
		Map<String, Object> transaction = new LinkedHashMap<>();
		transaction.put("mchid", account.mchId());
		transaction.put("appid", account.appId());
		transaction.put("out_trade_no", outTradeNo);
		transaction.put("transaction_id", "4200" + System.nanoTime());
		transaction.put("trade_type", "NATIVE");
		transaction.put("trade_state", "SUCCESS");
		transaction.put("success_time", OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString());
		transaction.put("amount", Map.of("total", amount, "currency", "CNY"));
		String nonce = TestData.outTradeNo().substring(0, 12);
		Map<String, Object> resource = new LinkedHashMap<>();
		resource.put("algorithm", "AEAD_AES_256_GCM");
		resource.put("ciphertext", WechatV3Crypto.encryptAead(account.wechatV3().apiV3Key(), nonce, "transaction",
				SandboxWire.JSON.writeValueAsBytes(transaction)));
		resource.put("associated_data", "transaction");
		resource.put("nonce", nonce);
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("id", "EV-" + System.nanoTime());
		envelope.put("create_time", OffsetDateTime.now(ZoneOffset.ofHours(8)).withNano(0).toString());
		envelope.put("resource_type", "encrypt-resource");
		envelope.put("event_type", "TRANSACTION.SUCCESS");
		envelope.put("resource", resource);
		String body = SandboxWire.JSON.writeValueAsString(envelope);
		String timestamp = Long.toString(Instant.now().getEpochSecond());
		String headerNonce = TestData.outTradeNo();
		return HttpRequest.newBuilder(URI.create(wire().url("/notify/wechatpay-v3/" + account.id())))
			.header("Content-Type", "application/json")
			.header("Wechatpay-Timestamp", timestamp)
			.header("Wechatpay-Nonce", headerNonce)
			.header("Wechatpay-Serial", serial)
			.header("Wechatpay-Signature", WechatV3Crypto.sign(key,
					WechatV3Crypto.notificationMessage(timestamp, headerNonce, body.getBytes(StandardCharsets.UTF_8))))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private static List<String> strings(JsonNode array) {
		List<String> out = new ArrayList<>();
		array.forEach(n -> out.add(n.asString()));
		return out;
	}
}
