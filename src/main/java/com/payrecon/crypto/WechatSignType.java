package com.payrecon.crypto;

import org.jspecify.annotations.Nullable;

/** WeChat Pay APIv2 signature algorithm, as named by the {@code sign_type} field. */
public enum WechatSignType {

	MD5("MD5"), HMAC_SHA256("HMAC-SHA256");

	private final String wireName;

	WechatSignType(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * Maps the wire value exactly and case-sensitively: {@code "MD5"}, {@code "HMAC-SHA256"}; a missing or empty
	 * value means MD5 (the documented default).
	 * @throws IllegalArgumentException for any other value
	 */
	public static WechatSignType fromWire(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return MD5;
		}
		for (WechatSignType type : values()) {
			if (type.wireName.equals(value)) {
				return type;
			}
		}
		throw new IllegalArgumentException("unsupported sign_type");
	}

	/** {@code "MD5"} or {@code "HMAC-SHA256"}. */
	public String wireName() {
		return wireName;
	}

}
