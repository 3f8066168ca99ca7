package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV3Crypto;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's own signer reproduces the deterministic vectors of vectors.md (MD5/HMAC V1, V2, Part 1, G1; RSA
 * PKCS#1 v1.5 Part 1, G3, G4, G5; fixed-nonce AES-GCM Part 1 and G3), and PayRecon's verifiers accept its output.
 */
class SandboxCryptoTests {

	static String resource(String name) {
		try (InputStream in = SandboxCryptoTests.class.getResourceAsStream("/vectors/" + name)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void wechatV2DocumentExampleV1AndV2() {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("appid", "wxd930ea5d5a258f4f");
		f.put("mch_id", "10000100");
		f.put("device_info", "1000");
		f.put("body", "test");
		f.put("nonce_str", "ibuaiVcKdpRxkhJA");
		String key = "192006250b4c09247ec02edce69f6a2d";
		assertThat(SandboxCrypto.wechatV2Sign(f, key, "MD5")).isEqualTo("9A0A8659F005D6984697E2CA0A9CF3B7");
		assertThat(SandboxCrypto.wechatV2Sign(f, key, "HMAC-SHA256"))
			.isEqualTo("6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6");
	}

	@Test
	void wechatV2Part1NotificationSkipsEmptyValues() {
		Map<String, String> f = new LinkedHashMap<>();
		for (String line : ("appid=wx2421b1c4370ec43b\nattach=支付测试\nbank_type=CFT\ncash_fee=101\ncoupon_count=1\ncoupon_fee=10\n"
				+ "coupon_fee_0=10\ncoupon_id_0=10000\ncoupon_type_0=CASH\ndevice_info=\nfee_type=CNY\nis_subscribe=Y\n"
				+ "mch_id=10000100\nnonce_str=5d2b6c2a8db53831f7eda20af46e531A\nopenid=oUpF8uMEb4qRXf22hE3X68TekukE\n"
				+ "out_trade_no=1409811653A\nresult_code=SUCCESS\nreturn_code=SUCCESS\ntime_end=20261122131540\ntotal_fee=101\n"
				+ "trade_type=JSAPI\ntransaction_id=1004400740201409030005092168").split("\n")) {
			String[] kv = line.split("=", 2);
			f.put(kv[0], kv[1]);
		}
		String key = "8934e7d15453e97507ef794cf7b0519d";
		assertThat(SandboxCrypto.wechatV2Sign(f, key, "MD5")).isEqualTo("7C42D76AC9EBDEAF7BD5EC7AA94A3B45");
		f.put("sign_type", "HMAC-SHA256");
		String hmac = SandboxCrypto.wechatV2Sign(f, key, "HMAC-SHA256");
		assertThat(hmac).isEqualTo("2E7BCADBF9AC0A5009ED6C4E3AE3EEEFCB818D6C9387F193BC8EB91CFE74D548");
		f.put("sign", hmac);
		assertThat(WechatV2Signature.verify(f, key, WechatSignType.HMAC_SHA256)).isTrue();
		assertThat(SandboxCrypto.wechatV2Verify(f, key, "HMAC-SHA256")).isTrue();
		f.put("total_fee", "1");
		assertThat(SandboxCrypto.wechatV2Verify(f, key, "HMAC-SHA256")).isFalse();
	}

	@Test
	void wechatV2G1() {
		Map<String, String> f = new LinkedHashMap<>();
		for (String kv : ("appid=wx2421b1c4370ec43b&attach=支付测试&bank_type=CFT&cash_fee=1&fee_type=CNY&is_subscribe=Y&mch_id=10000100"
				+ "&nonce_str=5d2b6c2a8db53831f7eda20af46e531c&openid=oUpF8uMEb4qRXf22hE3X68TekukE&out_trade_no=1409811653"
				+ "&result_code=SUCCESS&return_code=SUCCESS&time_end=20140903131540&total_fee=1&trade_type=JSAPI"
				+ "&transaction_id=1004400740201409030005092168").split("&")) {
			f.put(kv.split("=", 2)[0], kv.split("=", 2)[1]);
		}
		String key = "192006250b4c09247ec02edce69f6a2d";
		assertThat(SandboxCrypto.wechatV2Sign(f, key, "MD5")).isEqualTo("A79C5985C6A8FC7DA5DF1F7656412908");
		f.put("sign_type", "HMAC-SHA256");
		assertThat(SandboxCrypto.wechatV2Sign(f, key, "HMAC-SHA256"))
			.isEqualTo("91A356D1D5F2450A3381951A8174E5FDFBA86A909ADDDBA50A9A61343CA47DEA");
	}

	/** protocols-refunds-credentials.md G2: the sandbox builds exactly the stated req_info from the PHP SDK fixture. */
	@Test
	void wechatV2RefundG2() {
		byte[] plain = resource("rc-g2-plaintext.xml").getBytes(StandardCharsets.UTF_8);
		assertThat(SandboxCrypto.sha256Hex(plain)).isEqualTo("abaac7c4b685e5158e844cd2dfc0c5d29b2f621c8fc5c28471a09bb04a2c06ac");
		String reqInfo = SandboxCrypto.wechatV2RefundEncrypt(plain, "42cc1d91bab89b65ff55b19e28fff4f0");
		assertThat(reqInfo).isEqualTo(resource("rc-g2-req-info.txt").strip());
		assertThat(SandboxCrypto.sha256Hex(reqInfo.getBytes(StandardCharsets.US_ASCII)))
			.isEqualTo("edc03e3bcb7efeeea9ac50d71b0dca53325a0a1c9ecf1dd36aae8a436e654a20");
	}

	@Test
	void wechatV3Part1SignatureAndCiphertext() throws Exception {
		PrivateKey platform = SandboxCrypto.readPrivateKey(resource("shared-wechat-platform-private.pem"));
		String body = resource("v3-part1-body.json").strip();
		String signature = SandboxCrypto.rsaSign(platform,
				SandboxCrypto.wechatV3Message("1795315200", "593BEC0C930BF1AFEB40B4A08C8FB242", body), "SHA256withRSA");
		assertThat(signature).startsWith("Va+6QONyowvVgfujkyqqIz4K/6kYH0aeyXs0HSN4WTrC1+CqR6jPN3fKWXPaZ9uH0G+sHb2a2ZyZF4qVctnUZ+Qrf")
			.endsWith("CqMyeUaQ5Ec2CoUXcQq+CZJCvSPNdQ==");
		PublicKey platformPublic = Keys.publicKey(resource("shared-wechat-platform-public.pem"));
		assertThat(WechatV3Crypto.verify(platformPublic,
				WechatV3Crypto.notificationMessage("1795315200", "593BEC0C930BF1AFEB40B4A08C8FB242", body.getBytes(StandardCharsets.UTF_8)),
				signature)).isTrue();

		String plaintext = resource("v3-part1-plaintext.json").strip();
		String ciphertext = SandboxCrypto.aesGcmEncrypt("5d1c4b3a29180716f5e4d3c2b1a09f8e", "fdasflkja484", "transaction",
				plaintext.getBytes(StandardCharsets.UTF_8));
		assertThat(body).contains("\"ciphertext\":\"" + ciphertext + "\"");
	}

	@Test
	void wechatV3G3NotificationAndG4Authorization() {
		PrivateKey goKey = SandboxCrypto.readPrivateKey(resource("wechatpay-go-private-key.pem"));
		String body = resource("g3-body.json").strip();
		String ciphertext = SandboxCrypto.aesGcmEncrypt("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "fdasflkja484", "transaction",
				resource("g3-plaintext.json").strip().getBytes(StandardCharsets.UTF_8));
		assertThat(body).contains("\"ciphertext\":\"" + ciphertext + "\"");
		assertThat(SandboxCrypto.rsaSign(goKey,
				SandboxCrypto.wechatV3Message("1700000000", "Gk0Xb2LY1xLV1kUWbQcxSqFdxKmoKgrF", body), "SHA256withRSA"))
			.startsWith("WekWkw3Aw5jnKTA5kQj8tbGpxm8Bp0bcQiYZkjHQpRMqC60odvOZk6BvB1eMaDTk")
			.endsWith("PinqFnJJChAdxejkvKNFCg==");

		byte[] message = SandboxCrypto.wechatV3RequestMessage("GET",
				"/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109", "1554208460",
				"593BEC0C930BF1AFEB40B4A08C8FB242", "");
		assertThat(new String(message, StandardCharsets.UTF_8)).isEqualTo(WechatV3Crypto.requestMessage("GET",
				"/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109", 1554208460,
				"593BEC0C930BF1AFEB40B4A08C8FB242", null));
		String g4 = SandboxCrypto.rsaSign(goKey, message, "SHA256withRSA");
		assertThat(g4).startsWith("Mi6/vU9oV2sHqOtO5LZDQBvzCU+Hti+oFJOfyB0oyR0kxDgmeHmTqczM3gzb5jNY").endsWith("0c5b2xN1s7ofUQ==");
		assertThat(SandboxCrypto.rsaVerify(SandboxCrypto.readPublicKey(resource("v8-public-key.pem")), message, g4, "SHA256withRSA")).isTrue();
	}

	@Test
	void alipayG5AndPayReconVerifier() {
		PrivateKey appKey = SandboxCrypto.readPrivateKey(resource("alipay-node-app-private-key-pkcs8.pem"));
		String content = resource("g5-content.txt").strip();
		String sign = SandboxCrypto.alipaySign(content, appKey, StandardCharsets.UTF_8);
		assertThat(sign).isEqualTo("BqNa964/7KYUdClkGP+hgaheyjE1maGkJmM2PcCZJ/qevCdkzptaNYTfHXZjnjlLmm9JEZE9mWNvqnwgRX5PmJ7NzObvXOAaauO1RlKj9HCMTYGjzZkWIhg0oKsRAGrPq5SGUxaYNRueFT6uXfYKglYdBPmzPUBEHhUjXd8ITndgZ4kUUcf5z9ZXlTyEL0VzoOdkVSko47NLjUIsYiOokoN4rUkvOeVJ4/S+L67D9QG2H0SF+qsXSpjbcrptcl5oN/eER1EgLkH4StY9k1KRnrhhgcorj15QtomWZ7PJ3Q1S4gzm/baJl2iOIQAlRihQU/AVtB7wTBfVk6vwiwFNsA==");
		assertThat(AlipaySignature.verify(content, sign, Keys.publicKey(resource("g5-alipay-public-key.pem")), "RSA2",
				StandardCharsets.UTF_8)).isTrue();
		// the PKCS#1 form of the same key signs identically
		assertThat(SandboxCrypto.alipaySign(content, SandboxCrypto.readPrivateKey(resource("alipay-node-app-private-key-pkcs1.pem")),
				StandardCharsets.UTF_8)).isEqualTo(sign);

		Map<String, String> params = new LinkedHashMap<>();
		params.put("b", "2");
		params.put("a", "1");
		params.put("sign_type", "RSA2");
		params.put("empty", "");
		params.put("sign", "x");
		assertThat(SandboxCrypto.alipayContent(params, true)).isEqualTo(AlipaySignature.contentV1(params)).isEqualTo("a=1&b=2");
		assertThat(SandboxCrypto.alipayContent(params, false)).isEqualTo(AlipaySignature.contentV2(params));
	}
}
