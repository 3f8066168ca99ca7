package com.payrecon.account;

import java.net.URI;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.ZoneId;
import java.util.Map;

import com.payrecon.crypto.WechatSignType;
import org.jspecify.annotations.Nullable;

/**
 * A merchant account ready for use: identifiers, the provider API root, the zone its days are billed in, and its
 * keys parsed. {@link #toString()} never shows key material.
 */
public record Account(String id, Channel channel, String appId, String mchId, String sellerId, URI baseUrl,
		ZoneId zone, Credentials credentials, Certificates certificates) {

	/** An account without certificates (no client certificate, no certificate mode). */
	public Account(String id, Channel channel, String appId, String mchId, String sellerId, URI baseUrl, ZoneId zone,
			Credentials credentials) {
		this(id, channel, appId, mchId, sellerId, baseUrl, zone, credentials, Certificates.NONE);
	}

	/**
	 * The account's certificates, configured and fixed for the process (the replaceable keys are
	 * {@link Credentials}): the WeChat v2 client certificate for mutual TLS, whether WeChat v3 platform certificates
	 * are downloaded (certificate mode), and Alipay's certificate mode.
	 *
	 * @param clientCertificate wechatpay-v2 {@code client-certificate}; null when none is configured
	 * @param downloadPlatformCertificates wechatpay-v3 {@code platform-certificates: download}
	 * @param alipay Alipay certificate mode; null in public-key mode
	 */
	public record Certificates(@Nullable ClientCertificate clientCertificate, boolean downloadPlatformCertificates,
			@Nullable AlipayCertificateMode alipay) {

		public static final Certificates NONE = new Certificates(null, false, null);
	}

	/** Keys per channel. */
	public sealed interface Credentials permits WechatV2Keys, WechatV3Keys, AlipayKeys {
	}

	public record WechatV2Keys(String apiKey, WechatSignType signType) implements Credentials {
		@Override
		public String toString() {
			return "WechatV2Keys[apiKey=****, signType=" + signType + "]";
		}
	}

	/**
	 * @param platformKeys WeChat Pay platform public keys by their {@code Wechatpay-Serial} (public-key id or
	 * certificate serial)
	 */
	public record WechatV3Keys(String apiV3Key, String merchantSerialNo, PrivateKey merchantPrivateKey,
			Map<String, PublicKey> platformKeys) implements Credentials {
		@Override
		public String toString() {
			return "WechatV3Keys[apiV3Key=****, merchantSerialNo=" + merchantSerialNo + ", merchantPrivateKey=****, platformKeys="
					+ platformKeys.keySet() + "]";
		}
	}

	public record AlipayKeys(PrivateKey appPrivateKey, PublicKey alipayPublicKey) implements Credentials {
		@Override
		public String toString() {
			return "AlipayKeys[appPrivateKey=****, alipayPublicKey=****]";
		}
	}

	public WechatV2Keys wechatV2() {
		return (WechatV2Keys) credentials;
	}

	public WechatV3Keys wechatV3() {
		return (WechatV3Keys) credentials;
	}

	public AlipayKeys alipay() {
		return (AlipayKeys) credentials;
	}
}
