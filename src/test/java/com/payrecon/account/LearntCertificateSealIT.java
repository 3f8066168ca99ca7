package com.payrecon.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

import com.payrecon.account.CertificateSource.Downloaded;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.tls.TestCertificates;
import com.payrecon.support.tls.TestCertificates.Issued;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A learnt provider certificate decides which signatures PayRecon believes, so only a row PayRecon stored after a
 * verified download is believed: a row written or altered by anyone holding the database credentials (a hand-written
 * certificate, a swapped PEM, a validity stretched past the provider's expire_time) is ignored, and the next
 * download of that serial puts the provider's certificate back. Without the seal, each of these was in force.
 */
@PayReconIT
class LearntCertificateSealIT {

	static final String ACCOUNT = "sync-wx3";

	@Autowired
	ProviderCertificates certificates;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	JdbcTemplate jdbc;

	final Issued providerCa = TestCertificates.ca("CN=Tenpay.com Root CA (test)");
	final Issued attackerCa = TestCertificates.ca("CN=Someone Else");

	@AfterEach
	void forgetTheRowsOfThisTest() {
		jdbc.update("DELETE FROM provider_certificate WHERE account_id = ? AND serial LIKE 'SEAL%'", ACCOUNT);
		certificates.reload();
	}

	@Test
	void aRowWrittenByHandIsNotBelieved() {
		Issued forged = TestCertificates.leaf(attackerCa, "CN=forged platform certificate", 30);
		String serial = "SEAL" + hex(forged);
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		jdbc.update("INSERT INTO provider_certificate (account_id, kind, serial, certificate_pem, not_before, not_after,"
				+ " source, added_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, 'DOWNLOADED', ?, ?)", ACCOUNT,
				Kind.WECHATPAY_PLATFORM.name(), serial, forged.certificatePem(), ts(now.minus(Duration.ofDays(1))),
				ts(now.plus(Duration.ofDays(30))), ts(now), ts(now));
		certificates.reload();

		assertThat(certificates.find(account(), Kind.WECHATPAY_PLATFORM, serial)).isEmpty();
	}

	@Test
	void aStoredCertificateIsBelievedUntilItsRowIsAlteredAndAgainAfterTheNextDownload() {
		Issued genuine = TestCertificates.leaf(providerCa, "CN=platform certificate", 30);
		String serial = "SEAL" + hex(genuine);
		Instant notAfter = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
		Downloaded download = new Downloaded(Kind.WECHATPAY_PLATFORM, serial, genuine.certificatePem(),
				genuine.certificate().getNotBefore().toInstant(), notAfter);
		certificates.store(ACCOUNT, List.of(download));
		assertThat(certificates.find(account(), Kind.WECHATPAY_PLATFORM, serial)).as("stored after a download").isPresent();

		// the PEM swapped for the attacker's certificate under the same serial
		Issued forged = TestCertificates.leaf(attackerCa, "CN=platform certificate", 30);
		jdbc.update("UPDATE provider_certificate SET certificate_pem = ?, version = version + 1 WHERE serial = ?",
				forged.certificatePem(), serial);
		certificates.reload();
		assertThat(certificates.find(account(), Kind.WECHATPAY_PLATFORM, serial)).as("PEM swapped").isEmpty();

		// the next download of that serial stores the provider's certificate again, sealed
		certificates.store(ACCOUNT, List.of(download));
		assertThat(certificates.find(account(), Kind.WECHATPAY_PLATFORM, serial)).as("downloaded again")
			.hasValueSatisfying(c -> assertThat(c.chain().getFirst()).isEqualTo(genuine.certificate()));

		// the end of use moved past what the provider said (WeChat shortens it before a replacement)
		jdbc.update("UPDATE provider_certificate SET not_after = ?, version = version + 1 WHERE serial = ?",
				ts(notAfter.plus(Duration.ofDays(365))), serial);
		certificates.reload();
		assertThat(certificates.find(account(), Kind.WECHATPAY_PLATFORM, serial)).as("validity stretched").isEmpty();
	}

	private Account account() {
		return accounts.find(ACCOUNT).orElseThrow();
	}

	private static String hex(Issued issued) {
		return issued.certificate().getSerialNumber().toString(16).toUpperCase(Locale.ROOT).substring(0, 20);
	}

	private static Timestamp ts(Instant instant) {
		return Timestamp.from(instant);
	}
}
