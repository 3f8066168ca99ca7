package com.payrecon.sandbox;

import java.security.PrivateKey;
import java.security.PublicKey;

import com.payrecon.account.Channel;

/**
 * A provider-side merchant with its keys parsed. {@link #toString()} never shows key material.
 *
 * @param keys the signing keys and their rotation state (v3 public key or platform certificates, Alipay certificates)
 * @param appCertSn Alipay certificate mode: the {@code app_cert_sn} requests must carry; null in public-key mode
 * @param rootCertSn Alipay certificate mode: the {@code alipay_root_cert_sn} requests must carry
 */
public record SandboxMerchant(String id, Channel channel, String appId, String mchId, String sellerId, String apiKey,
		String signType, String apiV3Key, PublicKey merchantPublicKey, String merchantSerialNo,
		PrivateKey platformPrivateKey, String platformPublicKeyId, PublicKey appPublicKey, PrivateKey alipayPrivateKey,
		String notifyUrl, boolean requireClientCertificate, SandboxKeys keys, String appCertSn, String rootCertSn) {

	@Override
	public String toString() {
		return "SandboxMerchant[id=" + id + ", channel=" + channel + ", appId=" + appId + ", mchId=" + mchId + ", keys=****]";
	}
}
