package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * SNs as the official SDKs compute them (protocols-refunds-credentials.md E.2): the Node SDK's own fixtures and
 * expected values (G4), and certificates made for PayRecon whose SNs the official Java SDK computed
 * (vectors/alipay-cert-sn/README.md says how).
 */
class AlipayCertificatesTests {

	static String read(String name) {
		try (InputStream in = AlipayCertificatesTests.class.getResourceAsStream("/vectors/alipay-cert-sn/" + name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** sns.txt: {@code name=value} per line, split at the first '=' (names hold spaces, values '=' and '\\'). */
	static Properties sdk() {
		Properties p = new Properties();
		read("sns.txt").lines().filter(l -> l.contains("=")).forEach(l -> p.setProperty(l.substring(0, l.indexOf('=')),
				l.substring(l.indexOf('=') + 1)));
		return p;
	}

	@Test
	void g4TheNodeSdkFixtures() {
		assertThat(AlipayCertificates.sn(AlipayCertificates.chain(read("g4/appCertPublicKey_2021001161683774.crt")).getFirst()))
			.isEqualTo("866efef280dec9137a87d047ac446315");
		assertThat(AlipayCertificates.sn(AlipayCertificates.chain(read("g4/alipayCertPublicKey_RSA2.crt")).getFirst()))
			.isEqualTo("7513daaaa48aa3ba2e4018d84402479c");
		assertThat(AlipayCertificates.rootSn(read("g4/alipayRootCert.crt")))
			.isEqualTo("687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6");
	}

	@Test
	void certificatesMadeForUsAgainstTheOfficialJavaSdk() {
		Properties sdk = sdk();
		for (String file : List.of("app-cert.crt", "app-cert-leading-zeros.crt", "alipay-cert-a.crt",
				"alipay-cert-b-small-serial.crt")) {
			var certificate = AlipayCertificates.chain(read(file)).getFirst();
			assertThat(certificate.getIssuerX500Principal().getName() + certificate.getSerialNumber()).as(file)
				.isEqualTo(sdk.getProperty(file + " issuer+serial"));
			assertThat(AlipayCertificates.sn(certificate)).as(file).isEqualTo(sdk.getProperty(file));
		}
		assertThat(sdk.getProperty("app-cert-leading-zeros.crt")).startsWith("00");
		assertThat(AlipayCertificates.rootSn(read("root-cert.crt"))).isEqualTo(sdk.getProperty("root-cert.crt"));
	}

	@Test
	void theRootSnSkipsTheSm2AndEcdsaRootsAndKeepsFileOrder() {
		String[] each = sdk().getProperty("root-cert.crt per certificate (file order, SDK getCertSN)").split(" ");
		assertThat(AlipayCertificates.rootSn(read("root-cert.crt"))).isEqualTo(each[1] + "_" + each[3]);
		assertThat(AlipayCertificates.roots(read("root-cert.crt"))).hasSize(2);
	}

	@Test
	void aCertificateChainsToTheRootFileOrNot() {
		var roots = AlipayCertificates.roots(read("root-cert.crt"));
		var alipay = AlipayCertificates.chain(read("alipay-cert-a.crt"));
		var now = Instant.now();

		assertThat(AlipayCertificates.trusted(alipay, roots, now)).isTrue();
		assertThat(AlipayCertificates.trusted(List.of(alipay.getFirst()), roots, now)).as("without its issuer").isFalse();
		assertThat(AlipayCertificates.trusted(alipay, AlipayCertificates.roots(read("g4/alipayRootCert.crt")), now))
			.as("against Alipay's real roots").isFalse();
		assertThat(AlipayCertificates.trusted(alipay, roots, now.plusSeconds(20L * 365 * 86400))).as("expired").isFalse();
	}

	@Test
	void downloadedContentIsTheFileOnceMoreInBase64() {
		String content = Base64.getEncoder().encodeToString(read("alipay-cert-a.crt").getBytes(StandardCharsets.US_ASCII));
		assertThat(AlipayCertificates.chain(content)).hasSize(2);
		assertThatThrownBy(() -> AlipayCertificates.chain("not a certificate!")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> AlipayCertificates.rootSn(read("g4/alipayCertPublicKey_RSA2.crt").replace("CERTIFICATE", "X")))
			.isInstanceOf(IllegalArgumentException.class);
	}
}
