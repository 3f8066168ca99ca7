package com.payrecon.account;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.payrecon.account.Account.Certificates;
import com.payrecon.account.AccountRegistry.InvalidAccountConfiguration;
import com.payrecon.account.AccountsProperties.AccountProperties;
import com.payrecon.crypto.AlipayCertificates;

/**
 * Reads an account's certificates at start-up ({@link Certificates}); every problem stops start-up with a message
 * naming the property, never a secret.
 */
final class AccountCertificates {

	static final String DOWNLOAD = "download";

	private AccountCertificates() {
	}

	static Certificates load(AccountProperties p, String prefix, Instant now) {
		ClientCertificate client = null;
		if (present(p.clientCertificate())) {
			if (p.channel() != Channel.WECHATPAY_V2) {
				throw new InvalidAccountConfiguration(prefix + ".client-certificate: only wechatpay-v2 accounts use a "
						+ "client certificate (mutual TLS on secapi endpoints)");
			}
			client = ClientCertificate.load(p.clientCertificate(), p.clientCertificatePassword(), p.mchId(),
					prefix + ".client-certificate", prefix + ".client-certificate-password", now);
		}
		boolean download = false;
		if (present(p.platformCertificates())) {
			if (p.channel() != Channel.WECHATPAY_V3 || !DOWNLOAD.equals(p.platformCertificates().strip())) {
				throw new InvalidAccountConfiguration(prefix + ".platform-certificates: only 'download', on a "
						+ "wechatpay-v3 account (certificate mode)");
			}
			download = true;
		}
		return new Certificates(client, download, alipay(p, prefix, now));
	}

	/** Whether the account is configured for Alipay's certificate mode (any of its three files given). */
	static boolean alipayCertificateMode(AccountProperties p) {
		return present(p.appCertificate()) || present(p.alipayCertificate()) || present(p.alipayRootCertificate());
	}

	private static AlipayCertificateMode alipay(AccountProperties p, String prefix, Instant now) {
		if (!alipayCertificateMode(p)) {
			return null;
		}
		if (p.channel() != Channel.ALIPAY) {
			throw new InvalidAccountConfiguration(prefix + ".app-certificate, .alipay-certificate, "
					+ ".alipay-root-certificate: Alipay accounts only");
		}
		if (present(p.alipayPublicKey())) {
			throw new InvalidAccountConfiguration(prefix + ".alipay-public-key: not together with app-certificate, "
					+ "alipay-certificate and alipay-root-certificate; give either the public key (public-key mode) or "
					+ "the three certificates (certificate mode)");
		}
		List<X509Certificate> app = chain(p.appCertificate(), prefix + ".app-certificate");
		List<X509Certificate> alipay = chain(p.alipayCertificate(), prefix + ".alipay-certificate");
		String rootProperty = prefix + ".alipay-root-certificate";
		String rootFile = AccountRegistry.secret(p.alipayRootCertificate(), rootProperty);
		List<X509Certificate> roots;
		String rootSn;
		try {
			roots = AlipayCertificates.roots(rootFile);
			rootSn = AlipayCertificates.rootSn(rootFile);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAccountConfiguration(rootProperty + ": " + ex.getMessage());
		}
		current(app.getFirst(), prefix + ".app-certificate", now);
		if (!AlipayCertificates.trusted(alipay, roots, now)) {
			throw new InvalidAccountConfiguration(prefix + ".alipay-certificate: does not chain to "
					+ "alipay-root-certificate (or is outside its validity): the files do not belong together");
		}
		return new AlipayCertificateMode(app.getFirst(), AlipayCertificates.sn(app.getFirst()), roots, rootSn, alipay,
				AlipayCertificates.sn(alipay.getFirst()));
	}

	private static List<X509Certificate> chain(String value, String property) {
		String file = AccountRegistry.secret(value, property);
		try {
			return AlipayCertificates.chain(file);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAccountConfiguration(property + ": " + ex.getMessage());
		}
	}

	private static void current(X509Certificate certificate, String property, Instant now) {
		try {
			certificate.checkValidity(Date.from(now));
		}
		catch (java.security.cert.CertificateException ex) {
			throw new InvalidAccountConfiguration(property + ": outside its validity (" + certificate.getNotBefore()
				.toInstant() + " to " + certificate.getNotAfter().toInstant() + ")");
		}
	}

	private static boolean present(String value) {
		return value != null && !value.isBlank();
	}
}
