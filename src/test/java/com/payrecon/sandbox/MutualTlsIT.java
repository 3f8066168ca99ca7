package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import com.payrecon.support.tls.TestTlsEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Mutual TLS on WeChat Pay v2's certificate-protected endpoints (protocols-refunds-credentials.md A.3), with real
 * handshakes against the sandbox's TLS listener and certificates the test made (support/tls/TestTlsEnvironment):
 * PayRecon's reverse presents the account's own client certificate and nothing else does; the sandbox refuses a
 * missing, foreign, expired or another merchant's certificate as the real gateway does.
 */
@PayReconIT
class MutualTlsIT {

	@LocalServerPort
	int port;

	@Value("${payrecon.it.tls-port}")
	int tlsPort;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	ProviderRegistry providers;

	@Test
	void theReverseOfAnAccountWithAClientCertificatePresentsItAndSucceeds() {
		for (String id : new String[] { "tls-wx2", "tls-wx2b" }) {
			Account account = accounts.find(id).orElseThrow();
			PaymentProvider wechat = providers.forAccount(account);
			String outTradeNo = placed(account);

			ProviderAnswer reversed = wechat.reverse(account, outTradeNo);

			assertThat(reversed.status()).as(id + ": " + reversed.errorCode() + " " + reversed.rawResponse())
				.isEqualTo(Status.REVERSED);
			assertThat(wechat.query(account, outTradeNo).status()).isIn(Status.REVERSED, Status.CLOSED);
		}
	}

	@Test
	void withoutAClientCertificateTheProviderRefusesTheReverseAsTheRealGatewayDoes() {
		Account account = accounts.find("tls-nocert").orElseThrow();
		String outTradeNo = placed(account);

		ProviderAnswer reversed = providers.forAccount(account).reverse(account, outTradeNo);

		assertThat(reversed.status()).isEqualTo(Status.ERROR);
		assertThat(reversed.errorCode()).isEqualTo("HTTP_400");
		assertThat(reversed.rawResponse()).contains("No required SSL certificate was sent");
		assertThat(providers.forAccount(account).query(account, outTradeNo).status()).isEqualTo(Status.NOT_PAID);
	}

	@Test
	void theSandboxRefusesAMissingForeignExpiredOrAnotherMerchantsCertificate() throws Exception {
		String mch = TestTlsEnvironment.MCH;
		assertThat(reverse(null, mch)).contains("400 No required SSL certificate was sent");
		assertThat(reverse("foreign.p12", mch)).contains("400 The SSL certificate error");
		assertThat(reverse("expired.p12", mch)).contains("400 The SSL certificate error");
		assertThat(reverse("other-merchant.p12", mch)).contains("400 The SSL certificate error");
		assertThat(reverse("tls-wx2.p12", mch)).contains("<return_code><![CDATA[SUCCESS]]></return_code>");
		// over plain HTTP (no TLS at all) the certificate is missing too
		assertThat(send(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port), mch))
			.contains("400 No required SSL certificate was sent");
	}

	private String placed(Account account) {
		String outTradeNo = TestData.outTradeNo();
		var placed = providers.forAccount(account)
			.place(account, new PlaceRequest(outTradeNo, Fen.of(321), "CNY", "mutual TLS", Instant.now().plusSeconds(600),
					"http://127.0.0.1:" + port + "/notify/wechatpay-v2/" + account.id()));
		assertThat(placed.placed()).as(placed.errorCode() + " " + placed.errorMessage()).isTrue();
		return outTradeNo;
	}

	/** A signed secapi/pay/reverse for {@code mch} over TLS, presenting the certificate in {@code p12} (or none). */
	private String reverse(String p12, String mch) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream in = Files.newInputStream(TestTlsEnvironment.dir().resolve("server-ca.pem"))) {
			trust.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		tmf.init(trust);
		KeyManagerFactory kmf = null;
		if (p12 != null) {
			KeyStore keys = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(TestTlsEnvironment.dir().resolve(p12))) {
				keys.load(in, mch.toCharArray());
			}
			kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			kmf.init(keys, mch.toCharArray());
		}
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
		try (HttpClient client = HttpClient.newBuilder().sslContext(context).build()) {
			return send(client, URI.create("https://127.0.0.1:" + tlsPort), mch);
		}
	}

	private static String send(HttpClient client, URI base, String mch) throws IOException, InterruptedException {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("appid", "wx2421b1c4370ec43b");
		f.put("mch_id", mch);
		f.put("out_trade_no", TestData.outTradeNo());
		f.put("nonce_str", "n" + System.nanoTime());
		f.put("sign_type", "HMAC-SHA256");
		f.put("sign", WechatV2Signature.sign(f, "1a2b3c4d5e6f708192a3b4c5d6e7f809", WechatSignType.HMAC_SHA256));
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/sandbox/wechatpay/secapi/pay/reverse"))
			.header("Content-Type", "text/xml")
			.POST(HttpRequest.BodyPublishers.ofString(WechatV2Xml.write(f)))
			.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		return response.statusCode() + " " + response.body();
	}
}
