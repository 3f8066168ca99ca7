package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.payrecon.account.AccountRegistry;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.tls.TestTlsEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Admin → Accounts lists every key and certificate an account verifies or authenticates with: the serial or id, its
 * source (configured, downloaded, replaced) and validity; finance sees it too, key material never.
 */
@PayReconIT
class AccountKeysInForceIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	ProviderCertificates certificates;

	@Test
	void everyKeyWithItsSerialSourceAndValidity() throws Exception {
		var burst = accounts.find("burst-wx3").orElseThrow();
		certificates.refresh(burst, Kind.WECHATPAY_PLATFORM, null, ProviderCertificates.Trigger.MANUAL);
		String downloaded = certificates.all(burst).getFirst().serial();
		String clientSerial = accounts.find("tls-wx2").orElseThrow().certificates().clientCertificate().serial();
		String appSn = accounts.find("cert-ali").orElseThrow().certificates().alipay().appCertSn();

		String page = new ConsoleSession(port).loggedInAs(users.create(Role.FINANCE)).get("/admin/accounts").body();

		assertThat(row(page, "tls-wx2", clientSerial)).contains("client certificate (mutual TLS)", "configured", "in force");
		assertThat(row(page, "burst-wx3", downloaded)).contains("WeChat Pay platform certificate", "downloaded", "in force");
		assertThat(row(page, "cert-wx3", "PUB_KEY_ID_0119000001702026120300000000A")).contains("WeChat Pay public key",
				"configured", "no expiry");
		assertThat(row(page, "cert-ali", appSn)).contains("app certificate", "configured", "in force");
		assertThat(page).doesNotContain("PRIVATE KEY").doesNotContain(TestTlsEnvironment.PASSWORD_B);
	}

	@Test
	void everyCertificatesEndOfUseIsAMetric() {
		var tls = accounts.find("tls-wx2").orElseThrow().certificates().clientCertificate();
		var scrape = new Http(port).get("/actuator/prometheus", Map.of("Authorization", "Bearer it-scrape-token-0123456789"));
		assertThat(scrape.statusCode()).isEqualTo(200);
		String line = scrape.body()
			.lines()
			.filter(l -> l.startsWith("payrecon_certificate_expiry_seconds{") && l.contains("account=\"tls-wx2\"")
					&& l.contains("use=\"client_certificate\"") && l.contains("serial=\"" + tls.serial() + "\""))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no expiry series for tls-wx2's client certificate"));
		assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.isEqualTo((double) tls.notAfter().getEpochSecond());
	}

	/** The table row of one key ({@code key-<account>-<id>}). */
	private static String row(String page, String account, String id) {
		int start = page.indexOf("id=\"key-" + account + "-" + id + "\"");
		assertThat(start).as("row of " + account + " " + id).isPositive();
		return page.substring(start, page.indexOf("</tr>", start));
	}
}
