package com.payrecon.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Channel;
import com.payrecon.account.ClientCertificate;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.support.tls.TestCertificates;
import com.payrecon.support.tls.TestCertificates.Issued;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProviderClient#exchangeWithClientCertificate} against a TLS listener this test starts (JDK HttpsServer that
 * wants a client certificate and answers with the subject it saw): each account presents its own certificate, only
 * there; plain {@link ProviderClient#exchange} never presents one; the server is trusted through
 * {@code payrecon.provider.tls.trusted-certificates} and nothing else.
 */
class ClientCertificateTlsTests {

	static Issued serverCa = TestCertificates.ca("CN=Tests Server CA");
	static Issued merchantCa = TestCertificates.ca("CN=Tests Merchant CA");
	static HttpsServer server;
	static ProviderClient client;
	static URI base;

	@BeforeAll
	static void start() throws Exception {
		Issued leaf = TestCertificates.leaf(serverCa, "CN=localhost", 2, "127.0.0.1");
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry("s", leaf.privateKey(), "x".toCharArray(), new Certificate[] { leaf.certificate() });
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(store, "x".toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(kmf.getKeyManagers(), new TrustManager[] { new AnyClient() }, null);
		server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setHttpsConfigurator(new HttpsConfigurator(context) {
			@Override
			public void configure(HttpsParameters params) {
				SSLParameters ssl = context.getDefaultSSLParameters();
				ssl.setWantClientAuth(true);
				params.setSSLParameters(ssl);
			}
		});
		server.createContext("/", exchange -> {
			String seen;
			try {
				seen = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
					.getSubjectX500Principal().getName();
			}
			catch (SSLPeerUnverifiedException none) {
				seen = "none";
			}
			byte[] body = seen.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		base = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
		client = new ProviderClient(TestKeys.patient(), ObservationRegistry.NOOP,
				ProviderTls.of(new ProviderTlsProperties(List.of(serverCa.certificatePem()))));
	}

	@AfterAll
	static void stop() {
		server.stop(0);
		client.close();
	}

	@Test
	void eachAccountPresentsItsOwnCertificateOnlyOnCertificateProtectedCalls() throws Exception {
		Account a = account("a", "1900000001");
		Account b = account("b", "1900000002");

		assertThat(seen(client.exchangeWithClientCertificate(a, get()))).startsWith("CN=1900000001,");
		assertThat(seen(client.exchangeWithClientCertificate(b, get()))).startsWith("CN=1900000002,");
		assertThat(seen(client.exchangeWithClientCertificate(a, get()))).startsWith("CN=1900000001,");
		assertThat(seen(client.exchange(get()))).as("an ordinary call presents no certificate").isEqualTo("none");
	}

	@Test
	void anAccountWithoutACertificatePresentsNone() throws Exception {
		Account none = new Account("n", Channel.WECHATPAY_V2, "wx", "1", null, base, TestKeys.SHANGHAI,
				new WechatV2Keys(TestKeys.V2_KEY, WechatSignType.MD5));
		assertThat(seen(client.exchangeWithClientCertificate(none, get()))).isEqualTo("none");
	}

	@Test
	void aReplacedCertificateIsPresentedFromTheNextCallOn() throws Exception {
		Account before = account("r", "1900000003");
		assertThat(seen(client.exchangeWithClientCertificate(before, get()))).startsWith("CN=1900000003,");
		Account after = account("r", "1900000004");
		assertThat(seen(client.exchangeWithClientCertificate(after, get()))).startsWith("CN=1900000004,");
	}

	@Test
	void aServerOutsideTheTrustedCertificatesIsRefused() {
		ProviderClient jdkTrustOnly = new ProviderClient(TestKeys.patient(), ObservationRegistry.NOOP);
		try {
			jdkTrustOnly.exchange(get());
			throw new AssertionError("handshake with an untrusted server succeeded");
		}
		catch (java.io.IOException ex) {
			assertThat(ProviderClient.errorCode(ex)).isEqualTo("TLS_HANDSHAKE");
		}
		finally {
			jdkTrustOnly.close();
		}
	}

	private static java.net.http.HttpRequest get() {
		return java.net.http.HttpRequest.newBuilder(base).GET().build();
	}

	private static String seen(ProviderClient.Reply reply) {
		return new String(reply.body(), StandardCharsets.UTF_8);
	}

	private static Account account(String id, String mch) {
		Issued leaf = TestCertificates.leaf(merchantCa, "CN=" + mch + ",O=WeChat merchant system", 30);
		String p12 = Base64.getEncoder().encodeToString(leaf.pkcs12(mch));
		ClientCertificate certificate = ClientCertificate.load(p12, null, mch, "c", "p", Instant.now());
		return new Account(id, Channel.WECHATPAY_V2, "wx", mch, null, base, TestKeys.SHANGHAI,
				new WechatV2Keys(TestKeys.V2_KEY, WechatSignType.MD5), new Account.Certificates(certificate, false, null));
	}

	/** The test server accepts any client certificate and reports whose it was. */
	private static final class AnyClient implements X509TrustManager {
		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}
	}
}
