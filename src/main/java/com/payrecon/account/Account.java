package com.payrecon.account;

import java.net.URI;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.ZoneId;
import java.util.Map;

import com.payrecon.crypto.WechatSignType;

/**
 * A merchant account ready for use: identifiers, the provider API root, the zone its days are billed in, and its
 * keys parsed. {@link #toString()} never shows key material.
 */
public record Account(String id, Channel channel, String appId, String mchId, String sellerId, URI baseUrl,
		ZoneId zone, Credentials credentials) {

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
