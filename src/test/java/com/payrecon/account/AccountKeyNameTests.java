package com.payrecon.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

import com.payrecon.account.Account.AlipayKeys;
import com.payrecon.account.Account.WechatV2Keys;
import com.payrecon.account.Account.WechatV3Keys;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;
import org.junit.jupiter.api.Test;

/** Checking replacement keys and the master-key cipher, without a database. */
class AccountKeyNameTests {

	static final KeyPair RSA_2048 = rsa(2048);
	static final KeyPair RSA_1024 = rsa(1024);
	static final String MASTER = Base64.getEncoder().encodeToString(new byte[32]);

	@Test
	void aSymmetricKeyMustBe32LettersAndDigitsAndTheMessageNeverRepeatsIt() {
		var v2 = new WechatV2Keys("a".repeat(32), WechatSignType.MD5);
		var replaced = (WechatV2Keys) AccountKeyName.API_KEY.apply(v2, "  " + "B1".repeat(16) + "\n");
		assertThat(replaced.apiKey()).isEqualTo("B1".repeat(16));
		assertThat(replaced.signType()).isEqualTo(WechatSignType.MD5);
		for (String bad : new String[] { "tooShortSecret123", "x".repeat(33), "ä".repeat(32), "a-b".repeat(10) + "ab", " " }) {
			assertThatThrownBy(() -> AccountKeyName.API_KEY.apply(v2, bad)).isInstanceOf(AccountKeyName.InvalidKey.class)
				.message()
				.doesNotContain(bad.strip().isEmpty() ? "\u0000" : bad.strip());
		}
	}

	@Test
	void aKeyWithAnIdIsReplacedTogetherWithItsIdOrSerial() {
		var v3 = new WechatV3Keys("k".repeat(32), "OLDSERIAL", RSA_2048.getPrivate(), Map.of("PUB_KEY_ID_1", RSA_2048.getPublic()));
		KeyPair other = rsa(2048);
		var platform = (WechatV3Keys) AccountKeyName.PLATFORM_PUBLIC_KEY.apply(v3, Keys.toPem(other.getPublic()), "PUB_KEY_ID_2");
		assertThat(platform.platformKeys()).as("the old id goes with the old key").containsOnlyKeys("PUB_KEY_ID_2")
			.containsEntry("PUB_KEY_ID_2", other.getPublic());
		var merchant = (WechatV3Keys) AccountKeyName.MERCHANT_PRIVATE_KEY.apply(v3, Keys.toPem(other.getPrivate()), "5F1C72E2A8");
		assertThat(merchant.merchantSerialNo()).isEqualTo("5F1C72E2A8");
		assertThat(merchant.merchantPrivateKey()).isEqualTo(other.getPrivate());
		assertThat(AccountKeyName.PLATFORM_PUBLIC_KEY.keyIdLabel()).isEqualTo("platform-public-key-id");
		assertThat(AccountKeyName.MERCHANT_PRIVATE_KEY.keyIdLabel()).isEqualTo("merchant-serial-no");
		assertThatThrownBy(() -> AccountKeyName.PLATFORM_PUBLIC_KEY.apply(v3, Keys.toPem(other.getPublic()), "bad id!"))
			.hasMessage("platform public key: platform-public-key-id must be 1 to 128 letters, digits, '_' or '-'");
		assertThatThrownBy(() -> AccountKeyName.API_V3_KEY.apply(v3, "k".repeat(32), "ID"))
			.hasMessage("APIv3 key: has no id or serial");
	}

	@Test
	void aPemMustParseIntoAStrongEnoughRsaKey() {
		var v3 = new WechatV3Keys("k".repeat(32), "SERIAL", RSA_2048.getPrivate(), Map.of("PUB_KEY_ID_1", RSA_2048.getPublic()));
		KeyPair other = rsa(2048);
		var withPlatform = (WechatV3Keys) AccountKeyName.PLATFORM_PUBLIC_KEY.apply(v3, Keys.toPem(other.getPublic()));
		assertThat(withPlatform.platformKeys()).containsOnlyKeys("PUB_KEY_ID_1").containsEntry("PUB_KEY_ID_1", other.getPublic());
		assertThat(withPlatform.apiV3Key()).isEqualTo(v3.apiV3Key());
		var withMerchant = (WechatV3Keys) AccountKeyName.MERCHANT_PRIVATE_KEY.apply(v3, Keys.toPem(other.getPrivate()));
		assertThat(withMerchant.merchantPrivateKey()).isEqualTo(other.getPrivate());

		String weak = Keys.toPem(RSA_1024.getPublic());
		assertThatThrownBy(() -> AccountKeyName.PLATFORM_PUBLIC_KEY.apply(v3, weak))
			.hasMessage("platform public key: an RSA key of at least 2048 bits is required");
		String garbage = "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----";
		assertThatThrownBy(() -> AccountKeyName.PLATFORM_PUBLIC_KEY.apply(v3, garbage))
			.hasMessage("platform public key: not a public key (PEM, Base64 or certificate)");
		String privateAsPublic = Keys.toPem(other.getPrivate());
		assertThatThrownBy(() -> AccountKeyName.ALIPAY_PUBLIC_KEY.apply(new AlipayKeys(null, RSA_2048.getPublic()), privateAsPublic))
			.isInstanceOf(AccountKeyName.InvalidKey.class)
			.message()
			.doesNotContain(privateAsPublic.substring(40, 80));
		assertThatThrownBy(() -> AccountKeyName.APP_PRIVATE_KEY.apply(new AlipayKeys(null, RSA_2048.getPublic()), "x".repeat(9000)))
			.hasMessageContaining("longer than 8192");
	}

	@Test
	void eachChannelHasItsOwnKeys() {
		assertThat(AccountKeyName.of(Channel.WECHATPAY_V2)).containsExactly(AccountKeyName.API_KEY);
		assertThat(AccountKeyName.of(Channel.ALIPAY)).containsExactly(AccountKeyName.APP_PRIVATE_KEY,
				AccountKeyName.ALIPAY_PUBLIC_KEY);
		assertThat(AccountKeyName.fromWire("api-v3-key")).contains(AccountKeyName.API_V3_KEY);
	}

	@Test
	void theCipherRoundTripsOnlyForTheSameAccountAndKeyName() {
		MasterKeyCipher cipher = MasterKeyCipher.of(MASTER);
		byte[] sealed = cipher.encrypt("secret-key-value", "shop/api-key");
		assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("secret-key-value");
		assertThat(cipher.encrypt("secret-key-value", "shop/api-key")).as("fresh nonce each time").isNotEqualTo(sealed);
		assertThat(cipher.decrypt(sealed, "shop/api-key")).isEqualTo("secret-key-value");
		assertThatThrownBy(() -> cipher.decrypt(sealed, "other/api-key")).isInstanceOf(IllegalStateException.class)
			.message()
			.doesNotContain("secret-key-value");
		assertThatThrownBy(() -> MasterKeyCipher.of(MASTER).decrypt(tampered(sealed), "shop/api-key"))
			.isInstanceOf(IllegalStateException.class);
		assertThatThrownBy(() -> MasterKeyCipher.of(Base64.getEncoder().encodeToString(new byte[16])))
			.hasMessage("payrecon.secrets.master-key: must be 32 bytes (base64 of 32 random bytes)");
		assertThatThrownBy(() -> MasterKeyCipher.of("not base64!")).hasMessage("payrecon.secrets.master-key: not base64");
	}

	@Test
	void withoutAMasterKeyNothingIsEncrypted() {
		MasterKeyCipher none = MasterKeyCipher.of(null);
		assertThat(none.available()).isFalse();
		assertThat(MasterKeyCipher.of(" ").available()).isFalse();
		assertThatThrownBy(() -> none.encrypt("k", "a/api-key")).hasMessageContaining("payrecon.secrets.master-key is not set");
	}

	private static byte[] tampered(byte[] sealed) {
		byte[] copy = sealed.clone();
		copy[copy.length - 1] ^= 1;
		return copy;
	}

	private static KeyPair rsa(int bits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(bits);
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
