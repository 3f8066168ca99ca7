package com.payrecon.provider.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.account.CertificateSource.Downloaded;
import com.payrecon.account.CertificateSource.DownloadFailed;
import com.payrecon.account.Channel;
import com.payrecon.crypto.WechatV3Crypto;
import com.payrecon.provider.FakeServer;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.provider.TestKeys;
import com.payrecon.support.tls.TestCertificates;
import com.payrecon.support.tls.TestCertificates.Issued;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v3/certificates} in certificate mode (protocols-refunds-credentials.md C.1, C.2) against a fake
 * WeChat: every entry must decrypt with the APIv3 key (the published vector G3 among them), its serial_no must be
 * its certificate's, and the response must be signed by a key already trusted or by a certificate of the download
 * itself (the bootstrap); anything else refuses the whole download.
 */
class PlatformCertificateDownloadTests {

	/** The APIv3 key of vector G3 (wechatpay-java TestConfig). */
	static final String G3_KEY = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
	static final JsonMapper JSON = JsonMapper.builder().build();
	static final Issued CA = TestCertificates.ca("CN=Tests Tenpay CA");

	final FakeServer fake = new FakeServer();
	final Account account = new Account("dl", Channel.WECHATPAY_V3, "wxd678efh567hg6787", "1900000001", null,
			fake.base("/wx"), TestKeys.SHANGHAI,
			new WechatV3Keys(G3_KEY, "5157F09EFDC096DE15EBE81A47057A72", TestKeys.MERCHANT_PRIVATE, Map.of()),
			new Account.Certificates(null, true, null));
	final WechatV3Provider provider = new WechatV3Provider(TestKeys.client(TestKeys.patient()), Clock.systemUTC());

	@AfterEach
	void close() {
		fake.close();
	}

	@Test
	void theBootstrapDownloadIsSignedByACertificateItCarriesAndHoldsTheG3Vector() {
		Issued signer = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		List<Map<String, Object>> data = List.of(entry(signer, null, null), g3());
		serve(data, signer, serial(signer));

		List<Downloaded> downloaded = provider.download(account, null);

		assertThat(downloaded).extracting(Downloaded::serial)
			.containsExactly(serial(signer), "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC");
		assertThat(downloaded.get(1).notAfter()).isEqualTo(Instant.parse("2028-09-17T15:15:58Z"));
		assertThat(downloaded.get(1).notBefore()).isEqualTo(Instant.parse("2023-09-19T15:15:58Z"));
		assertThat(fake.requests.getFirst().query()).isEqualTo("algorithm_type=RSA");
		assertThat(fake.requests.getFirst().headers().getFirst("Authorization")).startsWith("WECHATPAY2-SHA256-RSA2048 ");
	}

	@Test
	void anEarlierExpireTimeEndsTheUseEarlyAndAnExpiredEntryIsDropped() {
		Issued signer = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		Issued retiring = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		Instant soon = Instant.now().plus(Duration.ofHours(24)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		Issued expired = TestCertificates.leaf(CA, "CN=Tenpay.com sign", TestCertificates.serial(),
				Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
		serve(List.of(entry(signer, null, null), entry(retiring, soon, null), entry(expired, null, null)), signer,
				serial(signer));

		List<Downloaded> downloaded = provider.download(account, null);

		assertThat(downloaded).extracting(Downloaded::serial).containsExactly(serial(signer), serial(retiring));
		assertThat(downloaded.get(1).notAfter()).isEqualTo(soon);
	}

	@Test
	void anEntryThatDoesNotDecryptSpoilsTheWholeDownload() {
		Issued signer = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		Map<String, Object> tampered = g3();
		@SuppressWarnings("unchecked")
		Map<String, Object> encrypted = (Map<String, Object>) tampered.get("encrypt_certificate");
		String ciphertext = (String) encrypted.get("ciphertext");
		encrypted.put("ciphertext", (ciphertext.charAt(0) == 'A' ? "B" : "A") + ciphertext.substring(1));
		serve(List.of(entry(signer, null, null), tampered), signer, serial(signer));

		assertThatThrownBy(() -> provider.download(account, null)).isInstanceOf(DownloadFailed.class)
			.hasMessageContaining("does not decrypt");
	}

	@Test
	void aSerialNoThatIsNotTheCertificatesOwnIsRefused() {
		Issued signer = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		serve(List.of(entry(signer, null, "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC")), signer, serial(signer));

		assertThatThrownBy(() -> provider.download(account, null)).isInstanceOf(DownloadFailed.class)
			.hasMessageContaining("is not the serial of its certificate");
	}

	@Test
	void aDownloadSignedByAnyOtherKeyIsRefused() {
		Issued listed = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		Issued stranger = TestCertificates.leaf(CA, "CN=Tenpay.com sign", 1800);
		serve(List.of(entry(listed, null, null)), stranger, serial(stranger));
		assertThatThrownBy(() -> provider.download(account, null)).isInstanceOf(DownloadFailed.class)
			.hasMessageContaining("unknown Wechatpay-Serial");

		serve(List.of(entry(listed, null, null)), stranger, serial(listed)); // names a listed one, signed by another
		assertThatThrownBy(() -> provider.download(account, null)).isInstanceOf(DownloadFailed.class)
			.hasMessageContaining("does not verify");
	}

	@Test
	void aMerchantOnThePublicKeyGetsNotFound() {
		fake.on("/wx/v3/certificates", r -> Response.of(404, Map.of("Content-Type", "application/json"),
				"{\"code\":\"NOT_FOUND\",\"message\":\"无可用的平台证书\"}"));
		assertThatThrownBy(() -> provider.download(account, null)).isInstanceOf(DownloadFailed.class)
			.hasMessageContaining("switched to a WeChat Pay public key");
	}

	private void serve(List<Map<String, Object>> data, Issued signer, String signerSerial) {
		String body = JSON.writeValueAsString(Map.of("data", data));
		fake.on("/wx/v3/certificates", r -> {
			String timestamp = Long.toString(Instant.now().getEpochSecond());
			String nonce = "n" + System.nanoTime();
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("Content-Type", "application/json");
			headers.put("Wechatpay-Timestamp", timestamp);
			headers.put("Wechatpay-Nonce", nonce);
			headers.put("Wechatpay-Serial", signerSerial);
			headers.put("Wechatpay-Signature", WechatV3Crypto.sign(signer.privateKey(),
					WechatV3Crypto.notificationMessage(timestamp, nonce, body.getBytes(StandardCharsets.UTF_8))));
			return Response.of(200, headers, body);
		});
	}

	private static Map<String, Object> entry(Issued certificate, Instant expire, String serialNo) {
		String nonce = "0123456789ab";
		Map<String, Object> encrypted = new LinkedHashMap<>();
		encrypted.put("algorithm", "AEAD_AES_256_GCM");
		encrypted.put("nonce", nonce);
		encrypted.put("associated_data", "certificate");
		try {
			encrypted.put("ciphertext", WechatV3Crypto.encryptAead(G3_KEY, nonce, "certificate",
					certificate.certificatePem().getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("serial_no", serialNo != null ? serialNo : serial(certificate));
		entry.put("effective_time", rfc3339(certificate.certificate().getNotBefore().toInstant()));
		entry.put("expire_time", rfc3339(expire != null ? expire : certificate.certificate().getNotAfter().toInstant()));
		entry.put("encrypt_certificate", encrypted);
		return entry;
	}

	/** Vector G3: wechatpay-java's download entry, as published. */
	private static Map<String, Object> g3() {
		Map<String, Object> encrypted = new LinkedHashMap<>();
		encrypted.put("algorithm", "AEAD_AES_256_GCM");
		encrypted.put("nonce", "14b16c03dc1b");
		encrypted.put("associated_data", "certificate");
		encrypted.put("ciphertext", TestKeys.read("v12-ciphertext.txt").strip());
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("serial_no", "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC");
		entry.put("effective_time", "2023-09-19T23:15:58+08:00");
		entry.put("expire_time", "2028-09-17T23:15:58+08:00");
		entry.put("encrypt_certificate", encrypted);
		return new LinkedHashMap<>(entry);
	}

	private static String serial(Issued issued) {
		return issued.certificate().getSerialNumber().toString(16).toUpperCase();
	}

	private static String rfc3339(Instant instant) {
		return java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.ofHours(8)));
	}
}
