package com.payrecon.account;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.payrecon.account.Account.AlipayKeys;
import com.payrecon.account.Account.Credentials;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.crypto.Keys;

/**
 * The keys of an account an admin may replace, named as in the configuration. Each checks a new value (format,
 * length, a PEM that parses into an RSA key of at least 2048 bits) and puts it into the account's credentials.
 * Messages say what is wrong, never the value.
 */
public enum AccountKeyName {

	API_KEY("api-key", Channel.WECHATPAY_V2, "API key"),
	API_V3_KEY("api-v3-key", Channel.WECHATPAY_V3, "APIv3 key"),
	MERCHANT_PRIVATE_KEY("merchant-private-key", Channel.WECHATPAY_V3, "merchant private key"),
	PLATFORM_PUBLIC_KEY("platform-public-key", Channel.WECHATPAY_V3, "platform public key"),
	APP_PRIVATE_KEY("app-private-key", Channel.ALIPAY, "app private key"),
	ALIPAY_PUBLIC_KEY("alipay-public-key", Channel.ALIPAY, "Alipay public key");

	static final int MAX_LENGTH = 8192;
	private static final Pattern SYMMETRIC = Pattern.compile("[A-Za-z0-9]{32}");
	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

	private final String wireName;
	private final Channel channel;
	private final String label;

	AccountKeyName(String wireName, Channel channel, String label) {
		this.wireName = wireName;
		this.channel = channel;
		this.label = label;
	}

	public String wireName() {
		return wireName;
	}

	public String label() {
		return label;
	}

	public Channel channel() {
		return channel;
	}

	public static Optional<AccountKeyName> fromWire(String name) {
		return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
	}

	public static List<AccountKeyName> of(Channel channel) {
		return Arrays.stream(values()).filter(k -> k.channel == channel).toList();
	}

	/** A new key value was refused; the message never contains it. */
	public static class InvalidKey extends IllegalArgumentException {
		InvalidKey(String message) {
			super(message);
		}
	}

	/** The id or serial that goes with this key, replaced together with it; null for keys without one. */
	public String keyIdLabel() {
		return switch (this) {
			case PLATFORM_PUBLIC_KEY -> "platform-public-key-id";
			case MERCHANT_PRIVATE_KEY -> "merchant-serial-no";
			case API_KEY, API_V3_KEY, APP_PRIVATE_KEY, ALIPAY_PUBLIC_KEY -> null;
		};
	}

	public boolean hasKeyId() {
		return keyIdLabel() != null;
	}

	/** The credentials with this key replaced by {@code value}, after checking it (ids and serials kept). */
	Credentials apply(Credentials current, String value) {
		return apply(current, value, null);
	}

	/**
	 * The credentials with this key replaced by {@code value} and, for a key that has one, its id or serial replaced
	 * by {@code keyId} (null keeps the current one: rows stored before ids were proposed with the key).
	 */
	Credentials apply(Credentials current, String value, String keyId) {
		if (keyId != null && !hasKeyId()) {
			throw new InvalidKey(label + ": has no id or serial");
		}
		if (keyId != null && !KEY_ID.matcher(keyId).matches()) {
			throw new InvalidKey(label + ": " + keyIdLabel() + " must be 1 to 128 letters, digits, '_' or '-'");
		}
		if (value == null || value.isBlank()) {
			throw new InvalidKey(label + ": empty");
		}
		if (value.length() > MAX_LENGTH) {
			throw new InvalidKey(label + ": longer than " + MAX_LENGTH + " characters");
		}
		String text = value.strip();
		return switch (this) {
			case API_KEY -> {
				WechatV2Keys k = (WechatV2Keys) current;
				yield new WechatV2Keys(symmetric(text), k.signType());
			}
			case API_V3_KEY -> {
				WechatV3Keys k = (WechatV3Keys) current;
				yield new WechatV3Keys(symmetric(text), k.merchantSerialNo(), k.merchantPrivateKey(), k.platformKeys());
			}
			case MERCHANT_PRIVATE_KEY -> {
				WechatV3Keys k = (WechatV3Keys) current;
				yield new WechatV3Keys(k.apiV3Key(), keyId == null ? k.merchantSerialNo() : keyId, privateKey(text),
						k.platformKeys());
			}
			case PLATFORM_PUBLIC_KEY -> {
				WechatV3Keys k = (WechatV3Keys) current;
				PublicKey key = publicKey(text);
				Map<String, PublicKey> platform = new LinkedHashMap<>();
				if (keyId == null) {
					k.platformKeys().keySet().forEach(id -> platform.put(id, key));
				}
				else {
					platform.put(keyId, key); // the new key under its own id: the old id is no longer accepted
				}
				yield new WechatV3Keys(k.apiV3Key(), k.merchantSerialNo(), k.merchantPrivateKey(), Map.copyOf(platform));
			}
			case APP_PRIVATE_KEY -> new AlipayKeys(privateKey(text), ((AlipayKeys) current).alipayPublicKey());
			case ALIPAY_PUBLIC_KEY -> new AlipayKeys(((AlipayKeys) current).appPrivateKey(), publicKey(text));
		};
	}

	private String symmetric(String text) {
		if (text.getBytes(StandardCharsets.UTF_8).length != 32 || !SYMMETRIC.matcher(text).matches()) {
			throw new InvalidKey(label + ": must be exactly 32 letters and digits");
		}
		return text;
	}

	private PrivateKey privateKey(String text) {
		PrivateKey key;
		try {
			key = Keys.privateKey(text);
		}
		catch (RuntimeException ex) {
			throw new InvalidKey(label + ": not a private key (PKCS#8 or PKCS#1 PEM)");
		}
		return strongEnough(key);
	}

	private PublicKey publicKey(String text) {
		PublicKey key;
		try {
			key = Keys.publicKey(text);
		}
		catch (RuntimeException ex) {
			throw new InvalidKey(label + ": not a public key (PEM, Base64 or certificate)");
		}
		return strongEnough(key);
	}

	private <K> K strongEnough(K key) {
		if (!(key instanceof RSAKey rsa) || rsa.getModulus().bitLength() < 2048) {
			throw new InvalidKey(label + ": an RSA key of at least 2048 bits is required");
		}
		return key;
	}
}
