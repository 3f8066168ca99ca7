package com.payrecon.account;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import com.payrecon.account.Account.AlipayKeys;
import com.payrecon.account.Account.Certificates;
import com.payrecon.account.Account.Credentials;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.account.AccountsProperties.AccountProperties;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.stereotype.Component;

/**
 * The configured accounts, validated at start-up: a missing or unreadable key stops PayRecon with a message that
 * names the property ({@code payrecon.accounts[1].api-v3-key: ...}) and never the key itself.
 */
@Component
public class AccountRegistry implements ApplicationListener<WebServerInitializedEvent> {

	/** A base-url of this scheme ({@code self:/sandbox/wechatpay}) means this very server, whatever its port. */
	static final String SELF = "self";

	private static final ResourceLoader RESOURCES = new DefaultResourceLoader();
	private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

	private volatile Map<String, Account> accounts;

	public AccountRegistry(AccountsProperties properties) {
		Map<String, Account> byId = new LinkedHashMap<>();
		int index = 0;
		for (AccountProperties p : properties.accounts()) {
			Account account = build(p, "payrecon.accounts[" + index++ + "]");
			if (byId.putIfAbsent(account.id(), account) != null) {
				throw new InvalidAccountConfiguration("payrecon.accounts: the id '" + account.id() + "' is used twice");
			}
		}
		this.accounts = Collections.unmodifiableMap(byId);
	}

	/** Resolves {@code self:} base URLs once the server knows its port (tests run on a random one). */
	@Override
	public synchronized void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() != null) {
			return; // the management server, not ours
		}
		int port = event.getWebServer().getPort();
		Map<String, Account> resolved = new LinkedHashMap<>();
		accounts.forEach((id, a) -> resolved.put(id, SELF.equals(a.baseUrl().getScheme())
				? new Account(a.id(), a.channel(), a.appId(), a.mchId(), a.sellerId(),
						URI.create("http://127.0.0.1:" + port + a.baseUrl().getSchemeSpecificPart()), a.zone(), a.credentials(),
						a.certificates())
				: a));
		this.accounts = Collections.unmodifiableMap(resolved);
	}

	/**
	 * Puts a replaced key into effect at once (see {@link AccountKeys}): every later {@link #find} sees the new
	 * credentials, so verification and provider calls use them without a restart.
	 */
	synchronized void replaceCredentials(String id, UnaryOperator<Credentials> change) {
		Account a = accounts.get(id);
		if (a == null) {
			throw new IllegalArgumentException("no account '" + id + "'");
		}
		Map<String, Account> copy = new LinkedHashMap<>(accounts);
		copy.put(id, new Account(a.id(), a.channel(), a.appId(), a.mchId(), a.sellerId(), a.baseUrl(), a.zone(),
				change.apply(a.credentials()), a.certificates()));
		this.accounts = Collections.unmodifiableMap(copy);
	}

	public Optional<Account> find(String id) {
		return Optional.ofNullable(id).map(accounts::get);
	}

	/**
	 * Whether {@code id} is one an account may have: letters, digits, '-' and '_', at most 64, a letter or digit first.
	 */
	public static boolean isAccountId(String id) {
		return ACCOUNT_ID.matcher(id).matches();
	}

	public Collection<Account> all() {
		return accounts.values();
	}

	private static Account build(AccountProperties p, String prefix) {
		String id = required(p.id(), prefix + ".id");
		if (!isAccountId(id)) {
			throw new InvalidAccountConfiguration(prefix + ".id: use letters, digits, '-' and '_' (at most 64)");
		}
		if (p.channel() == null) {
			throw new InvalidAccountConfiguration(prefix + ".channel: required (wechatpay-v2, wechatpay-v3 or alipay)");
		}
		Certificates certificates = AccountCertificates.load(p, prefix, Instant.now());
		Credentials credentials = switch (p.channel()) {
			case WECHATPAY_V2 -> {
				required(p.appId(), prefix + ".app-id");
				required(p.mchId(), prefix + ".mch-id");
				WechatSignType signType;
				try {
					signType = WechatSignType.fromWire(p.signType());
				}
				catch (IllegalArgumentException ex) {
					throw new InvalidAccountConfiguration(prefix + ".sign-type: MD5 or HMAC-SHA256");
				}
				String apiKey = secret(p.apiKey(), prefix + ".api-key");
				if (apiKey.length() != 32) {
					throw new InvalidAccountConfiguration(prefix + ".api-key: must be 32 characters (WeChat Pay's API key)");
				}
				yield new WechatV2Keys(apiKey, signType);
			}
			case WECHATPAY_V3 -> {
				required(p.appId(), prefix + ".app-id");
				required(p.mchId(), prefix + ".mch-id");
				String apiV3Key = secret(p.apiV3Key(), prefix + ".api-v3-key");
				if (apiV3Key.getBytes(StandardCharsets.UTF_8).length != 32) {
					throw new InvalidAccountConfiguration(prefix + ".api-v3-key: must be 32 bytes");
				}
				PrivateKey merchantKey = p.merchantPrivateKey() == null ? null
						: privateKey(p.merchantPrivateKey(), prefix + ".merchant-private-key");
				Map<String, PublicKey> platform = Map.of();
				if (!certificates.downloadPlatformCertificates() || p.platformPublicKey() != null
						|| p.platformPublicKeyId() != null) { // public-key mode, or both during WeChat's migration
					String keyId = required(p.platformPublicKeyId(), prefix + ".platform-public-key-id");
					platform = Map.of(keyId, publicKey(p.platformPublicKey(), prefix + ".platform-public-key"));
				}
				yield new WechatV3Keys(apiV3Key, p.merchantSerialNo(), merchantKey, platform);
			}
			case ALIPAY -> {
				required(p.appId(), prefix + ".app-id");
				required(p.sellerId(), prefix + ".seller-id");
				PrivateKey appKey = p.appPrivateKey() == null ? null
						: privateKey(p.appPrivateKey(), prefix + ".app-private-key");
				yield new AlipayKeys(appKey, certificates.alipay() != null
						? certificates.alipay().alipayCertificate().getPublicKey()
						: publicKey(p.alipayPublicKey(), prefix + ".alipay-public-key"));
			}
		};
		if (p.baseUrl() == null || !p.baseUrl().isAbsolute()) {
			throw new InvalidAccountConfiguration(prefix + ".base-url: required: the provider API root (e.g. "
					+ "https://api.mch.weixin.qq.com, https://openapi.alipay.com/gateway.do), or self:/sandbox/... for the "
					+ "built-in sandbox");
		}
		return new Account(id, p.channel(), p.appId(), p.mchId(), p.sellerId(), p.baseUrl(), p.zone(), credentials,
				certificates);
	}

	private static String required(String value, String property) {
		if (value == null || value.isBlank()) {
			throw new InvalidAccountConfiguration(property + ": required");
		}
		return value;
	}

	/** Inline value, or {@code file:path} / {@code classpath:path} to read it from; never empty. */
	public static String secret(String value, String property) {
		String text = required(value, property);
		if (!text.startsWith("file:") && !text.startsWith("classpath:")) {
			return text;
		}
		Resource resource = RESOURCES.getResource(text);
		String content;
		try (var in = resource.getInputStream()) {
			content = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new InvalidAccountConfiguration(property + ": cannot read " + text + " (" + ex.getClass().getSimpleName() + ")");
		}
		if (content.isEmpty()) {
			throw new InvalidAccountConfiguration(property + ": the file " + text.substring(text.indexOf(':') + 1) + " is empty");
		}
		return content;
	}

	private static PublicKey publicKey(String value, String property) {
		try {
			return Keys.publicKey(secret(value, property));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAccountConfiguration(property + ": not a public key (PEM, Base64 or certificate)");
		}
	}

	private static PrivateKey privateKey(String value, String property) {
		try {
			return Keys.privateKey(secret(value, property));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidAccountConfiguration(property + ": not a private key (PKCS#8 or PKCS#1 PEM)");
		}
	}

	/** A configuration error; the message names the property, never a secret. */
	public static class InvalidAccountConfiguration extends IllegalStateException {
		public InvalidAccountConfiguration(String message) {
			super(message);
		}
	}
}
