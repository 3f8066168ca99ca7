package com.payrecon.account;

import java.net.URI;
import java.time.ZoneId;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.accounts}: the merchant accounts PayRecon receives notifications for. Keys may be inline or
 * {@code file:} paths; they are read once at start-up into {@link Account}s and never printed ({@link #toString()}
 * masks them).
 */
@ConfigurationProperties("payrecon")
public record AccountsProperties(@DefaultValue List<AccountProperties> accounts) {

	/**
	 * One account as configured. Which keys are required depends on the channel (see {@link AccountRegistry}).
	 *
	 * @param clientCertificate wechatpay-v2: the merchant API certificate {@code apiclient_cert.p12} for mutual TLS
	 * ({@code file:}, {@code classpath:} or inline Base64)
	 * @param clientCertificatePassword its password; default the mch-id
	 * @param platformCertificates wechatpay-v3: {@code download} = certificate mode (GET /v3/certificates)
	 * @param appCertificate alipay certificate mode: {@code appCertPublicKey_<app_id>.crt}
	 * @param alipayCertificate alipay certificate mode: {@code alipayCertPublicKey_RSA2.crt}
	 * @param alipayRootCertificate alipay certificate mode: {@code alipayRootCert.crt}
	 */
	public record AccountProperties(String id, Channel channel, String appId, String mchId, String sellerId,
			String apiKey, String signType, String apiV3Key, String merchantSerialNo, String merchantPrivateKey,
			String platformPublicKey, String platformPublicKeyId, String appPrivateKey, String alipayPublicKey,
			URI baseUrl, @DefaultValue("Asia/Shanghai") ZoneId zone, String clientCertificate,
			String clientCertificatePassword, String platformCertificates, String appCertificate,
			String alipayCertificate, String alipayRootCertificate) {

		@Override
		public String toString() {
			return "AccountProperties[id=" + id + ", channel=" + channel + ", appId=" + appId + ", mchId=" + mchId
					+ ", sellerId=" + sellerId + ", baseUrl=" + baseUrl + ", zone=" + zone + ", keys=****]";
		}
	}
}
