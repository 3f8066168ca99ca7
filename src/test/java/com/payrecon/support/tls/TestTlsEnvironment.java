package com.payrecon.support.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.payrecon.support.tls.TestCertificates.Issued;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * For the {@code it} profile: makes, once per test JVM, the certificates of the mutual-TLS tests (a server CA and the
 * sandbox's TLS server certificate, the sandbox's merchant CA and client certificates as .p12, a foreign CA's
 * certificate, an expired one) into {@code target/it-tls/<pid>/}, and gives each application started in the JVM a
 * free port for the sandbox's TLS listener. Published as {@code payrecon.it.tls-dir} and {@code payrecon.it.tls-port}
 * for application-it.yaml.
 */
public class TestTlsEnvironment implements EnvironmentPostProcessor {

	public static final String SERVER_STORE_PASSWORD = "sandbox-tls";
	/** The mch_id of the test account {@code tls-wx2} (its .p12 has the default password: the mch_id). */
	public static final String MCH = "10000170";
	/** The mch_id of {@code tls-wx2b}, whose .p12 has an explicit password. */
	public static final String MCH_B = "10000171";
	public static final String PASSWORD_B = "b-p12-password";

	private static Path dir;

	/** The folder with this JVM's test certificates (made on first use). */
	public static synchronized Path dir() {
		if (dir == null) {
			dir = Path.of("target", "it-tls", Long.toString(ProcessHandle.current().pid())).toAbsolutePath();
			try {
				make(dir);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return dir;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.matchesProfiles("it")) {
			return;
		}
		environment.getPropertySources().addLast(new MapPropertySource("testTls",
				Map.of("payrecon.it.tls-dir", dir().toString(), "payrecon.it.tls-port", Integer.toString(freePort()))));
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void make(Path dir) throws IOException {
		Files.createDirectories(dir);
		Issued serverCa = TestCertificates.ca("CN=PayRecon Test Server CA,O=PayRecon tests");
		Issued server = TestCertificates.leaf(serverCa, "CN=localhost,O=PayRecon sandbox", 30, "127.0.0.1", "localhost");
		Files.writeString(dir.resolve("server-ca.pem"), serverCa.certificatePem());
		Files.write(dir.resolve("sandbox-server.p12"), server.pkcs12(SERVER_STORE_PASSWORD, serverCa.certificate()));

		Issued merchantCa = TestCertificates.ca("CN=Sandbox WeChat Pay Merchant CA,OU=Tenpay.com CA Center,O=PayRecon tests");
		Files.writeString(dir.resolve("merchant-ca.pem"), merchantCa.certificatePem());
		String subject = "CN=%s,OU=PayRecon test merchant,O=WeChat merchant system,C=CN";
		Files.write(dir.resolve("tls-wx2.p12"), TestCertificates.leaf(merchantCa, subject.formatted(MCH), 365).pkcs12(MCH));
		Files.write(dir.resolve("tls-wx2b.p12"),
				TestCertificates.leaf(merchantCa, subject.formatted(MCH_B), 365).pkcs12(PASSWORD_B));
		Files.write(dir.resolve("other-merchant.p12"),
				TestCertificates.leaf(merchantCa, subject.formatted("19999999"), 365).pkcs12(MCH));
		Files.write(dir.resolve("expired.p12"), TestCertificates.leaf(merchantCa, subject.formatted(MCH),
				TestCertificates.serial(), Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1)))
			.pkcs12(MCH));
		Issued foreignCa = TestCertificates.ca("CN=Some Other CA,O=Elsewhere");
		Files.write(dir.resolve("foreign.p12"), TestCertificates.leaf(foreignCa, subject.formatted(MCH), 365).pkcs12(MCH));

		// WeChat Pay v3 platform certificates (certificate mode): "Tenpay.com sign" certificates of a test CA, each
		// with its key, for the sandbox to sign with and list (CertificateModesIT)
		Issued tenpayCa = TestCertificates.ca("CN=Sandbox Tenpay.com Root CA,OU=Tenpay.com CA Center,O=Tenpay.com,C=CN");
		for (String name : PLATFORM_CERTIFICATES) {
			write(dir, name, TestCertificates.leaf(tenpayCa,
					"CN=Tenpay.com sign,OU=Tenpay.com CA Center,O=Tenpay.com,L=ShenZhen,C=CN", 1800));
		}

		// Alipay certificate mode: a root file (SHA256withRSA root, then an unrelated RSA root), the app's certificate
		// (issued by a "Class 1" CA) and two Alipay certificates (issued by a "Class 2" CA), each file with its issuer
		Issued root = TestCertificates.ca("CN=Sandbox Alipay Root R1,OU=Certification Authority,O=PayRecon tests,C=CN");
		Issued other = TestCertificates.ca("CN=Sandbox Other Root,O=PayRecon tests,C=CN");
		Files.writeString(dir.resolve("alipay-root.crt"), root.certificatePem() + other.certificatePem());
		Issued class1 = TestCertificates.intermediate(root, "CN=Sandbox Alipay Class 1 R1,OU=Certification Authority,O=PayRecon tests,C=CN");
		Issued class2 = TestCertificates.intermediate(root, "CN=Sandbox Alipay Class 2 R1,OU=Certification Authority,O=PayRecon tests,C=CN");
		Issued app = TestCertificates.leaf(class1, "CN=2021000000000170,OU=Alipay,O=PayRecon test shop,C=CN", 365);
		Files.writeString(dir.resolve("alipay-app.crt"), app.certificatePem() + class1.certificatePem());
		Files.writeString(dir.resolve("alipay-app.key"), app.privateKeyPem());
		for (int i = 0; i < ALIPAY_CERTIFICATES.size(); i++) {
			String name = ALIPAY_CERTIFICATES.get(i);
			// each successor valid from a later time, as a rotated certificate is
			Issued alipay = TestCertificates.leaf(class2, "CN=Sandbox Alipay " + name + ",OU=Alipay,O=PayRecon tests,C=CN",
					TestCertificates.serial(), Instant.now().minus(Duration.ofHours(48 - 12 * i)),
					Instant.now().plus(Duration.ofDays(365)));
			Files.writeString(dir.resolve(name + ".crt"), alipay.certificatePem() + class2.certificatePem());
			Files.writeString(dir.resolve(name + ".key"), alipay.privateKeyPem());
		}
		// an Alipay certificate that chains to no configured root: a response naming it must not be believed
		Issued rogue = TestCertificates.leaf(TestCertificates.ca("CN=Sandbox Alipay Class 2 R1,OU=Certification Authority,O=PayRecon tests,C=CN"),
				"CN=Sandbox Alipay rogue,OU=Alipay,O=PayRecon tests,C=CN", 365);
		Files.writeString(dir.resolve("alipay-rogue.crt"), rogue.certificatePem());
		Files.writeString(dir.resolve("alipay-rogue.key"), rogue.privateKeyPem());
	}

	/** The v3 platform certificates made, by file name (.crt with .key). */
	public static final java.util.List<String> PLATFORM_CERTIFICATES = java.util.List.of("platform-old", "platform-new",
			"platform-newer", "burst-a", "burst-b", "sync-a", "sync-b");

	/** Alipay certificates made (.crt with its issuer, .key): the configured one, and its successor. */
	public static final java.util.List<String> ALIPAY_CERTIFICATES = java.util.List.of("alipay-a", "alipay-b");

	private static void write(Path dir, String name, Issued issued) throws IOException {
		Files.writeString(dir.resolve(name + ".crt"), issued.certificatePem());
		Files.writeString(dir.resolve(name + ".key"), issued.privateKeyPem());
	}
}
