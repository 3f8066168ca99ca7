package com.payrecon.account;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a channel's provider certificates come from at run time (implemented by the provider clients): WeChat Pay
 * v3's {@code GET /v3/certificates}, Alipay's {@code alipay.open.app.alipaycert.download}. {@link ProviderCertificates}
 * decides when to ask and stores what comes back.
 */
public interface CertificateSource {

	Channel channel();

	/**
	 * The provider's certificates for {@code account}, each already authenticated (WeChat: decrypted with the
	 * APIv3 key and the download's signature verified; Alipay: chained to the configured root).
	 * @param serial the serial or SN a message named (Alipay downloads exactly that one; WeChat downloads all)
	 * @throws DownloadFailed when nothing trustworthy came back
	 */
	List<Downloaded> download(Account account, @Nullable String serial);

	/** One certificate as downloaded. */
	record Downloaded(ProviderCertificate.Kind kind, String serial, String chainPem, java.time.Instant notBefore,
			java.time.Instant notAfter) {
	}

	/** A download that failed; the message says why (never a key). */
	class DownloadFailed extends RuntimeException {
		public DownloadFailed(String message) {
			super(message);
		}
	}
}
