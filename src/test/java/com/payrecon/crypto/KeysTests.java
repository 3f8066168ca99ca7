package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;

import org.junit.jupiter.api.Test;

class KeysTests {

	@Test
	void loadsPublicKeyPem() {
		PublicKey key = Keys.publicKey(Vectors.text("shared-alipay-public.pem"));
		assertThat(key).isInstanceOf(RSAPublicKey.class);
		assertThat(((RSAPublicKey) key).getModulus().bitLength()).isEqualTo(2048);
	}

	@Test
	void loadsBareBase64SubjectPublicKeyInfoWithWhitespace() {
		String bare = Vectors.text("v9-alipay-public-key.txt");
		String wrapped = "  " + bare.substring(0, 64) + "\r\n" + bare.substring(64) + "\n";
		assertThat(Keys.publicKey(wrapped).getEncoded()).isEqualTo(Keys.publicKey(bare).getEncoded());
	}

	@Test
	void loadsTheKeyOfACertificatePem() {
		assertThat(Keys.publicKey(Vectors.text("v7-certificate.pem")).getEncoded())
			.isEqualTo(Vectors.publicKey("v8-public-key.pem").getEncoded());
	}

	@Test
	void loadsPkcs8AndPkcs1PemAndBareBase64Pkcs8AsTheSameKey() {
		PrivateKey pkcs8 = Keys.privateKey(Vectors.text("alipay-node-app-private-key-pkcs8.pem"));
		PrivateKey pkcs1 = Keys.privateKey(Vectors.text("alipay-node-app-private-key-pkcs1.pem"));
		String bare = Vectors.text("alipay-node-app-private-key-pkcs8.pem")
			.replace("-----BEGIN PRIVATE KEY-----", "")
			.replace("-----END PRIVATE KEY-----", "");
		assertThat(Vectors.text("alipay-node-app-private-key-pkcs1.pem")).startsWith("-----BEGIN RSA PRIVATE KEY-----");
		assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
		assertThat(Keys.privateKey(bare).getEncoded()).isEqualTo(pkcs8.getEncoded());
		assertThat(((RSAPrivateCrtKey) pkcs8).getModulus())
			.isEqualTo(((RSAPublicKey) Vectors.publicKey("g5-alipay-public-key.pem")).getModulus());
	}

	@Test
	void bareBase64Pkcs1IsWrappedToo() {
		String pkcs1 = Vectors.text("alipay-node-app-private-key-pkcs1.pem")
			.replace("-----BEGIN RSA PRIVATE KEY-----", "")
			.replace("-----END RSA PRIVATE KEY-----", "");
		assertThat(Keys.privateKey(pkcs1).getEncoded())
			.isEqualTo(Vectors.privateKey("alipay-node-app-private-key-pkcs8.pem").getEncoded());
	}

	@Test
	void pemRoundTrips() {
		PublicKey publicKey = Vectors.publicKey("shared-wechat-platform-public.pem");
		PrivateKey privateKey = Vectors.privateKey("shared-wechat-platform-private.pem");
		assertThat(Keys.toPem(publicKey)).isEqualTo(Vectors.text("shared-wechat-platform-public.pem"));
		assertThat(Keys.toPem(privateKey)).isEqualTo(Vectors.text("shared-wechat-platform-private.pem"));
		assertThat(Keys.privateKey(Keys.toPem(privateKey)).getEncoded()).isEqualTo(privateKey.getEncoded());
	}

	@Test
	void certificateSerialsAreUpperCaseHex() {
		assertThat(Keys.certificateSerialHex(Vectors.text("v7-certificate.pem"))).isEqualTo("D7CE59D1F522D701");
		assertThat(Keys.certificateSerialHex(Vectors.text("wechatpay-java-merchant-certificate.pem")))
			.isEqualTo("5F1C72E2A8931B72A2E13AF8DEE92471EB397115");
		assertThat(Keys.certificateSerialHex(Vectors.text("v10-app-certificate.pem")))
			.isEqualTo("201909178FEEDCDD37522DCE01D848B3");
	}

	@Test
	void badInputFailsWithoutEchoingKeyMaterial() {
		String pem = Vectors.text("shared-alipay-private.pem");
		String truncated = pem.substring(0, 400) + "\n-----END PRIVATE KEY-----\n";
		String secretChunk = pem.substring(200, 230);
		for (String bad : new String[] { truncated, pem.replace("MIIEvQ", "MIIEv!"), pem.substring(30, 500),
				pem.replace("PRIVATE KEY", "EC PRIVATE KEY"), "" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> Keys.privateKey(bad))
				.satisfies(ex -> assertThat(WechatV2XmlTests.allMessages(ex)).doesNotContain(secretChunk)
					.doesNotContain("MIIEv"));
		}
		String publicPem = Vectors.text("shared-alipay-public.pem");
		String publicChunk = publicPem.substring(100, 130);
		for (String bad : new String[] { publicPem.substring(0, 200) + "\n-----END PUBLIC KEY-----",
				publicPem.substring(27, 300), "not a key", publicPem.replace("PUBLIC KEY", "RSA PUBLIC KEY") }) {
			assertThatIllegalArgumentException().isThrownBy(() -> Keys.publicKey(bad))
				.satisfies(ex -> assertThat(WechatV2XmlTests.allMessages(ex)).doesNotContain(publicChunk));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> Keys.publicKey(null));
		assertThatIllegalArgumentException().isThrownBy(() -> Keys.certificateSerialHex(publicPem));
	}

	@Test
	void aPrivateKeyIsNotAcceptedAsAPublicKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Keys.publicKey(Vectors.text("shared-alipay-private.pem")));
	}

}
