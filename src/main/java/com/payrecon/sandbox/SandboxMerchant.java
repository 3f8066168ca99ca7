package com.payrecon.sandbox;

import java.security.PrivateKey;
import java.security.PublicKey;

import com.payrecon.account.Channel;

/** A provider-side merchant with its keys parsed. {@link #toString()} never shows key material. */
public record SandboxMerchant(String id, Channel channel, String appId, String mchId, String sellerId, String apiKey,
		String signType, String apiV3Key, PublicKey merchantPublicKey, String merchantSerialNo,
		PrivateKey platformPrivateKey, String platformPublicKeyId, PublicKey appPublicKey, PrivateKey alipayPrivateKey,
		String notifyUrl, boolean requireClientCertificate) {

	@Override
	public String toString() {
		return "SandboxMerchant[id=" + id + ", channel=" + channel + ", appId=" + appId + ", mchId=" + mchId + ", keys=****]";
	}
}
