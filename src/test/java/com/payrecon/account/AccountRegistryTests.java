package com.payrecon.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;

import com.payrecon.account.AccountsProperties.AccountProperties;
import com.payrecon.crypto.WechatSignType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountRegistryTests {

	static final String SECRET = "8934e7d15453e97507ef794cf7b0519d";

	static AccountProperties v2(String id, String apiKey, String signType) {
		return new AccountProperties(id, Channel.WECHATPAY_V2, "wx1", "100", null, apiKey, signType, null, null, null,
				null, null, null, null, URI.create("http://127.0.0.1/"), ZoneId.of("Asia/Shanghai"), null,
				null, null, null, null, null);
	}

	@Test
	void loadsAValidAccountAndNeverPrintsItsKey() {
		AccountRegistry registry = new AccountRegistry(new AccountsProperties(List.of(v2("a", SECRET, "HMAC-SHA256"))));

		Account account = registry.find("a").orElseThrow();
		assertThat(account.wechatV2().signType()).isEqualTo(WechatSignType.HMAC_SHA256);
		assertThat(account.toString()).doesNotContain(SECRET);
		assertThat(v2("a", SECRET, null).toString()).doesNotContain(SECRET);
		assertThat(registry.find("b")).isEmpty();
	}

	@Test
	void aBadAccountStopsStartUpNamingThePropertyNotTheSecret() {
		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(v2("a", SECRET, "SHA1")))))
			.hasMessage("payrecon.accounts[0].sign-type: MD5 or HMAC-SHA256");
		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(v2("a", SECRET, null), v2("b", null, null)))))
			.hasMessage("payrecon.accounts[1].api-key: required");
		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(v2("a", SECRET, null), v2("a", SECRET, null)))))
			.hasMessageContaining("used twice");
		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(v2("a b", SECRET, null)))))
			.hasMessageStartingWith("payrecon.accounts[0].id:");
		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(v2("a", "file:/nonexistent/key", null)))))
			.hasMessageStartingWith("payrecon.accounts[0].api-key: cannot read")
			.hasMessageNotContaining(SECRET);
	}

	static AccountProperties v3(String id, String apiV3Key, String platformPublicKey) {
		return new AccountProperties(id, Channel.WECHATPAY_V3, "wx1", "1900000001", null, null, null, apiV3Key, null,
				null, platformPublicKey, "PUB_KEY_ID_1", null, null, URI.create("http://127.0.0.1/"),
				ZoneId.of("Asia/Shanghai"), null, null, null, null, null, null);
	}

	static AccountRegistry registry(AccountProperties... accounts) {
		return new AccountRegistry(new AccountsProperties(List.of(accounts)));
	}

	/**
	 * Issue 11: a key that is empty or of the wrong size stops start-up naming the property, so that it never reaches
	 * signing or verification (an empty v2 key would sign everything with a key anyone knows).
	 */
	@Test
	void anEmptyOrMalformedKeyStopsStartUpNamingTheProperty(@TempDir Path dir) throws IOException {
		Path empty = Files.writeString(dir.resolve("empty.key"), "\n");
		Path shortKey = Files.writeString(dir.resolve("short.key"), SECRET.substring(1));
		Path platformKey = Path.of("src/test/resources/vectors/shared-wechat-platform-public.pem").toAbsolutePath();

		assertThatThrownBy(() -> registry(v2("a", "file:" + empty, "MD5")))
			.hasMessage("payrecon.accounts[0].api-key: the file " + empty + " is empty");
		assertThatThrownBy(() -> registry(v2("a", "file:" + shortKey, "MD5")))
			.hasMessage("payrecon.accounts[0].api-key: must be 32 characters (WeChat Pay's API key)");
		assertThatThrownBy(() -> registry(v2("a", SECRET + "0", "MD5")))
			.hasMessage("payrecon.accounts[0].api-key: must be 32 characters (WeChat Pay's API key)");
		assertThatThrownBy(() -> registry(v2("a", "   ", "MD5"))).hasMessage("payrecon.accounts[0].api-key: required");
		assertThatThrownBy(() -> registry(v3("b", "file:" + empty, "file:" + platformKey)))
			.hasMessage("payrecon.accounts[0].api-v3-key: the file " + empty + " is empty");
		assertThatThrownBy(() -> registry(v3("b", "5d1c4b3a29180716f5e4d3c2b1a09f8", "file:" + platformKey)))
			.hasMessage("payrecon.accounts[0].api-v3-key: must be 32 bytes");
		assertThatThrownBy(() -> registry(v3("b", "5d1c4b3a29180716f5e4d3c2b1a09f8e", "file:" + empty)))
			.hasMessage("payrecon.accounts[0].platform-public-key: the file " + empty + " is empty");
		assertThat(registry(v3("b", "5d1c4b3a29180716f5e4d3c2b1a09f8e", "file:" + platformKey)).find("b")).isPresent();
	}

	@Test
	void aMalformedPublicKeyIsReportedWithoutEchoingIt() {
		AccountProperties alipay = new AccountProperties("ali", Channel.ALIPAY, "2021", null, "2088", null, null, null, null,
				null, null, null, null, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCg-not-a-key", null, ZoneId.of("Asia/Shanghai"),
				null, null, null, null, null, null);

		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(alipay))))
			.hasMessage("payrecon.accounts[0].alipay-public-key: not a public key (PEM, Base64 or certificate)");
	}
}
