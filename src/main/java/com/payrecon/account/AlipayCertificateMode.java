package com.payrecon.account;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * An Alipay account in public-key certificate mode (公钥证书模式, protocols-refunds-credentials.md E): the SNs every
 * request carries, the root certificates a new Alipay certificate must chain to, and the Alipay certificate
 * configured at start-up. Certificates are public; nothing here is secret.
 *
 * @param appCertificate the app's certificate ({@code app-certificate}, its first certificate)
 * @param appCertSn {@code app_cert_sn}
 * @param roots the RSA-signed certificates of {@code alipay-root-certificate}
 * @param rootCertSn {@code alipay_root_cert_sn}
 * @param alipayChain {@code alipay-certificate}: Alipay's certificate, then its issuers
 * @param alipayCertSn the SN of Alipay's configured certificate
 */
public record AlipayCertificateMode(X509Certificate appCertificate, String appCertSn, List<X509Certificate> roots,
		String rootCertSn, List<X509Certificate> alipayChain, String alipayCertSn) {

	public X509Certificate alipayCertificate() {
		return alipayChain.getFirst();
	}
}
