package com.payrecon.provider;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Account.AlipayKeys;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.account.Channel;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.util.unit.DataSize;

/** Test accounts over the published test keys in src/test/resources/vectors. */
public final class TestKeys {

	public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
	public static final String V2_KEY = "192006250b4c09247ec02edce69f6a2d";
	public static final String PLATFORM_KEY_ID = "PUB_KEY_ID_0119000000012026112200000000A";
	public static final PrivateKey PLATFORM_PRIVATE = Keys.privateKey(read("shared-wechat-platform-private.pem"));
	public static final PublicKey PLATFORM_PUBLIC = Keys.publicKey(read("shared-wechat-platform-public.pem"));
	public static final PrivateKey MERCHANT_PRIVATE = Keys.privateKey(read("wechatpay-go-private-key.pem"));
	public static final PublicKey MERCHANT_PUBLIC = Keys.publicKey(read("v8-public-key.pem"));
	public static final PrivateKey ALIPAY_PRIVATE = Keys.privateKey(read("shared-alipay-private.pem"));
	public static final PublicKey ALIPAY_PUBLIC = Keys.publicKey(read("shared-alipay-public.pem"));
	public static final PrivateKey APP_PRIVATE = Keys.privateKey(read("alipay-node-app-private-key-pkcs8.pem"));
	public static final PublicKey APP_PUBLIC = Keys.publicKey(read("g5-alipay-public-key.pem"));

	private TestKeys() {
	}

	public static String read(String vector) {
		try (InputStream in = TestKeys.class.getResourceAsStream("/vectors/" + vector)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static Account v2(URI base, WechatSignType type) {
		return new Account("t-v2-" + type, Channel.WECHATPAY_V2, "wx2421b1c4370ec43b", "10000100", null, base, SHANGHAI,
				new WechatV2Keys(V2_KEY, type));
	}

	public static Account v3(URI base) {
		return new Account("t-v3", Channel.WECHATPAY_V3, "wxd678efh567hg6787", "1900000001", null, base, SHANGHAI,
				new WechatV3Keys("5d1c4b3a29180716f5e4d3c2b1a09f8e", "5157F09EFDC096DE15EBE81A47057A72",
						MERCHANT_PRIVATE, Map.of(PLATFORM_KEY_ID, PLATFORM_PUBLIC)));
	}

	public static Account alipay(URI base) {
		return new Account("t-ali", Channel.ALIPAY, "2021000000000001", null, "2088000000000001", base, SHANGHAI,
				new AlipayKeys(APP_PRIVATE, ALIPAY_PUBLIC));
	}

	/** Fast settings: 3 attempts, millisecond backoff, 500 ms read timeout, a generous rate limit. */
	public static ProviderProperties fast() {
		return new ProviderProperties(Duration.ofSeconds(1), Duration.ofMillis(500), 3, Duration.ofMillis(1),
				Duration.ofMillis(5), 1000, DataSize.ofKilobytes(64), DataSize.ofMegabytes(8), List.of());
	}

	/** One attempt, 10 s per exchange: for RSA handshakes and signatures on a loaded two-core machine. */
	public static ProviderProperties patient() {
		return new ProviderProperties(Duration.ofSeconds(5), Duration.ofSeconds(10), 1, Duration.ofMillis(1),
				Duration.ofMillis(5), 1000, DataSize.ofKilobytes(64), DataSize.ofMegabytes(8), List.of());
	}

	public static ProviderClient client(ProviderProperties properties) {
		return new ProviderClient(properties, ObservationRegistry.NOOP);
	}
}
