package com.payrecon.account;

import java.util.Arrays;
import java.util.Optional;

/** The provider protocols PayRecon speaks; the wire name is used in URLs and configuration. */
public enum Channel {

	WECHATPAY_V2("wechatpay-v2"), WECHATPAY_V3("wechatpay-v3"), ALIPAY("alipay");

	private final String wireName;

	Channel(String wireName) {
		this.wireName = wireName;
	}

	public String wireName() {
		return wireName;
	}

	public static Optional<Channel> fromWire(String name) {
		return Arrays.stream(values()).filter(c -> c.wireName.equals(name)).findFirst();
	}
}
