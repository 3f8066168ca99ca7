package com.payrecon.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;

import com.payrecon.account.AccountsProperties.AccountProperties;
import com.payrecon.support.tls.TestCertificates;
import com.payrecon.support.tls.TestCertificates.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code payrecon.accounts[].client-certificate}: start-up refuses what could never complete a handshake (wrong
 * password, expired, not yet valid, not a .p12, no key in it), naming the property and never the secret.
 */
class ClientCertificateTests {

	static final Issued CA = TestCertificates.ca("CN=Tests Merchant CA");
	static final String MCH = "1900000109";

	@TempDir
	Path dir;

	static AccountProperties v2(String certificate, String password) {
		return new AccountProperties("tls", Channel.WECHATPAY_V2, "wx1", MCH, null, "8934e7d15453e97507ef794cf7b0519d",
				"MD5", null, null, null, null, null, null, null, URI.create("https://api.mch.weixin.qq.com"),
				ZoneId.of("Asia/Shanghai"), certificate, password, null, null, null, null);
	}

	static Account load(AccountProperties p) {
		return new AccountRegistry(new AccountsProperties(List.of(p))).find("tls").orElseThrow();
	}

	@Test
	void aP12WithTheDefaultPasswordTheMchIdLoadsFromAFileOrInline() throws Exception {
		Issued leaf = TestCertificates.leaf(CA, "CN=" + MCH + ",O=WeChat merchant system", 365);
		Path file = dir.resolve("apiclient_cert.p12");
		Files.write(file, leaf.pkcs12(MCH));

		ClientCertificate fromFile = load(v2("file:" + file, null)).certificates().clientCertificate();
		ClientCertificate inline = load(v2(Base64.getMimeEncoder().encodeToString(leaf.pkcs12(MCH)), null))
			.certificates().clientCertificate();

		assertThat(fromFile.serial()).isEqualTo(leaf.certificate().getSerialNumber().toString(16).toUpperCase());
		assertThat(fromFile.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
		assertThat(inline.serial()).isEqualTo(fromFile.serial());
		assertThat(fromFile.keyManagers()).isNotEmpty();
		assertThat(load(v2("file:" + file, null)).toString()).contains(fromFile.serial()).doesNotContain(MCH + "\"");
	}

	@Test
	void anExplicitPasswordIsUsed() {
		Issued leaf = TestCertificates.leaf(CA, "CN=" + MCH, 365);
		String p12 = Base64.getEncoder().encodeToString(leaf.pkcs12("s3cret-Pa55"));
		assertThat(load(v2(p12, "s3cret-Pa55")).certificates().clientCertificate()).isNotNull();
	}

	@Test
	void aWrongPasswordStopsStartUpNamingThePasswordPropertyNeverThePassword() {
		String p12 = Base64.getEncoder().encodeToString(TestCertificates.leaf(CA, "CN=" + MCH, 365).pkcs12("right-one"));

		assertThatThrownBy(() -> load(v2(p12, "wrong-one")))
			.hasMessage("payrecon.accounts[0].client-certificate-password: does not open "
					+ "payrecon.accounts[0].client-certificate (wrong password)")
			.hasMessageNotContaining("right-one");
		assertThatThrownBy(() -> load(v2(p12, null)))
			.hasMessageStartingWith("payrecon.accounts[0].client-certificate-password: does not open")
			.hasMessageContaining("the default is the mch-id");
	}

	@Test
	void anExpiredOrNotYetValidCertificateStopsStartUp() {
		Issued expired = TestCertificates.leaf(CA, "CN=" + MCH, TestCertificates.serial(),
				Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1)));
		Issued future = TestCertificates.leaf(CA, "CN=" + MCH, TestCertificates.serial(),
				Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(400)));

		assertThatThrownBy(() -> load(v2(Base64.getEncoder().encodeToString(expired.pkcs12(MCH)), null)))
			.hasMessageStartingWith("payrecon.accounts[0].client-certificate: the certificate (serial "
					+ expired.certificate().getSerialNumber().toString(16).toUpperCase() + ") expired at ");
		assertThatThrownBy(() -> load(v2(Base64.getEncoder().encodeToString(future.pkcs12(MCH)), null)))
			.hasMessageContaining("payrecon.accounts[0].client-certificate: the certificate")
			.hasMessageContaining("is valid only from");
	}

	@Test
	void somethingElseThanAP12StopsStartUp() {
		assertThatThrownBy(() -> load(v2(Base64.getEncoder().encodeToString("hello".getBytes()), null)))
			.hasMessage("payrecon.accounts[0].client-certificate: not a PKCS#12 (.p12) file");
		assertThatThrownBy(() -> load(v2("file:/nonexistent/apiclient_cert.p12", null)))
			.hasMessageStartingWith("payrecon.accounts[0].client-certificate: cannot read file:/nonexistent");
		assertThatThrownBy(() -> load(v2(Base64.getEncoder().encodeToString(CA.certificatePem().getBytes()), null)))
			.hasMessageStartingWith("payrecon.accounts[0].client-certificate:");
	}

	@Test
	void onlyAWechatV2AccountTakesAClientCertificate() {
		AccountProperties alipay = new AccountProperties("ali", Channel.ALIPAY, "2021", null, "2088", null, null, null,
				null, null, null, null, null, null, URI.create("https://openapi.alipay.com/gateway.do"),
				ZoneId.of("Asia/Shanghai"), "file:x.p12", null, null, null, null, null);
		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(alipay))))
			.hasMessageStartingWith("payrecon.accounts[0].client-certificate: only wechatpay-v2 accounts");
	}
}
