package com.payrecon.account;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A provider certificate learnt at run time (table {@code provider_certificate}) or configured: a WeChat Pay v3
 * platform certificate named by {@code Wechatpay-Serial}, or an Alipay certificate named by {@code alipay_cert_sn}.
 *
 * @param serial WeChat: upper-case hex serial; Alipay: the SN
 * @param chain the certificate first, then its issuers (Alipay's files carry them)
 * @param notAfter the end of use: the certificate's notAfter, or WeChat's earlier {@code expire_time}
 */
public record ProviderCertificate(String accountId, Kind kind, String serial, List<X509Certificate> chain,
		Instant notBefore, Instant notAfter, Source source, Instant lastSeenAt) {

	public enum Kind {
		WECHATPAY_PLATFORM, ALIPAY
	}

	/** Where PayRecon got it. */
	public enum Source {
		CONFIGURED, DOWNLOADED
	}

	public X509Certificate certificate() {
		return chain.getFirst();
	}

	public PublicKey publicKey() {
		return certificate().getPublicKey();
	}

	public boolean usableAt(Instant now) {
		return !now.isBefore(notBefore) && now.isBefore(notAfter);
	}
}
