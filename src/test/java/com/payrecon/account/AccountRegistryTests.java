package com.payrecon.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.ZoneId;
import java.util.List;

import com.payrecon.account.AccountsProperties.AccountProperties;
import com.payrecon.crypto.WechatSignType;
import org.junit.jupiter.api.Test;

class AccountRegistryTests {

	static final String SECRET = "8934e7d15453e97507ef794cf7b0519d";

	static AccountProperties v2(String id, String apiKey, String signType) {
		return new AccountProperties(id, Channel.WECHATPAY_V2, "wx1", "100", null, apiKey, signType, null, null, null,
				null, null, null, null, URI.create("http://127.0.0.1/"), ZoneId.of("Asia/Shanghai"));
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

	@Test
	void aMalformedPublicKeyIsReportedWithoutEchoingIt() {
		AccountProperties alipay = new AccountProperties("ali", Channel.ALIPAY, "2021", null, "2088", null, null, null, null,
				null, null, null, null, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCg-not-a-key", null, ZoneId.of("Asia/Shanghai"));

		assertThatThrownBy(() -> new AccountRegistry(new AccountsProperties(List.of(alipay))))
			.hasMessage("payrecon.accounts[0].alipay-public-key: not a public key (PEM, Base64 or certificate)");
	}
}
