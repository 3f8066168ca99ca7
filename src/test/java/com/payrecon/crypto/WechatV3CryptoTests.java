package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import javax.crypto.AEADBadTagException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WechatV3CryptoTests {

	@Nested
	class Part1Notification {

		static final String API_V3_KEY = "5d1c4b3a29180716f5e4d3c2b1a09f8e";

		static final String TIMESTAMP = "1795315200";

		static final String NONCE = "593BEC0C930BF1AFEB40B4A08C8FB242";

		static final String SIGNATURE = "Va+6QONyowvVgfujkyqqIz4K/6kYH0aeyXs0HSN4WTrC1+CqR6jPN3fKWXPaZ9uH0G+sHb2a2ZyZF4qVctnUZ+QrfqL5B8O0GzcS2pkCYiJ5EPlhPFsNj+K8EpKyYuZ7b2ZPzp/IfT9+/AFm8mcn5n6CduVDXewIB4HmHAgn/adc82G+cORoGezE3PQm2OaEyQHWeVDLZVPufDAsNPDPm9KbJsB6CFTJZAHGcx08ywNTJ7750exPvJRuh4MHiNOO2azs2ptIhR34e1fa+TjZW2t5kb+Xy8LnRsa/NE9TfDCEF8HDjlXVrAk2CqMyeUaQ5Ec2CoUXcQq+CZJCvSPNdQ==";

		static PublicKey platformKey() {
			return Vectors.publicKey("shared-wechat-platform-public.pem");
		}

		static byte[] body() {
			return Vectors.bytes("v3-part1-body.json");
		}

		@Test
		void signatureOverTheRawBodyVerifies() {
			byte[] message = WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, body());
			assertThat(WechatV3Crypto.verify(platformKey(), message, SIGNATURE)).isTrue();
		}

		@Test
		void signingWithThePlatformPrivateKeyReproducesTheSignature() {
			byte[] message = WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, body());
			assertThat(WechatV3Crypto.sign(Vectors.privateKey("shared-wechat-platform-private.pem"), message))
				.isEqualTo(SIGNATURE);
		}

		@Test
		void resourceDecryptsToTheExactPlaintext() throws Exception {
			String json = new String(body(), StandardCharsets.UTF_8);
			byte[] plain = WechatV3Crypto.decryptAead(API_V3_KEY, Vectors.jsonString(json, "nonce"),
					Vectors.jsonString(json, "associated_data"), Vectors.jsonString(json, "ciphertext"));
			assertThat(plain).isEqualTo(Vectors.bytes("v3-part1-plaintext.json"));
		}

		@Test
		void bodyWithOneByteChangedFails() {
			byte[] tampered = body();
			int at = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("TRANSACTION.SUCCESS");
			tampered[at] = 'X';
			assertThat(WechatV3Crypto.verify(platformKey(), WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE,
					tampered), SIGNATURE))
				.isFalse();
		}

		@Test
		void reserialisedJsonFails() {
			String pretty = new String(body(), StandardCharsets.UTF_8).replace("\":\"", "\": \"").replace(",\"", ", \"");
			assertThat(WechatV3Crypto.verify(platformKey(),
					WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, Vectors.utf8(pretty)), SIGNATURE))
				.isFalse();
			String withNewline = new String(body(), StandardCharsets.UTF_8) + "\n";
			assertThat(WechatV3Crypto.verify(platformKey(),
					WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, Vectors.utf8(withNewline)), SIGNATURE))
				.isFalse();
		}

		@Test
		void otherTimestampOrNonceFails() {
			assertThat(WechatV3Crypto.verify(platformKey(),
					WechatV3Crypto.notificationMessage("1795315201", NONCE, body()), SIGNATURE))
				.isFalse();
			assertThat(WechatV3Crypto.verify(platformKey(),
					WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE.toLowerCase(), body()), SIGNATURE))
				.isFalse();
		}

		@Test
		void signTestProbeFailsWithoutThrowing() {
			byte[] message = WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, body());
			assertThat(WechatV3Crypto.verify(platformKey(), message, "WECHATPAY/SIGNTEST/" + SIGNATURE)).isFalse();
			assertThat(WechatV3Crypto.verify(platformKey(), message, "WECHATPAY/SIGNTEST/abc")).isFalse();
		}

		@Test
		void garbageSignaturesFailWithoutThrowing() {
			byte[] message = WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, body());
			assertThat(WechatV3Crypto.verify(platformKey(), message, null)).isFalse();
			assertThat(WechatV3Crypto.verify(platformKey(), message, "")).isFalse();
			assertThat(WechatV3Crypto.verify(platformKey(), message, "not base64 !")).isFalse();
			assertThat(WechatV3Crypto.verify(platformKey(), message, "AAAA")).isFalse();
			String offByOne = "Wa" + SIGNATURE.substring(2);
			assertThat(WechatV3Crypto.verify(platformKey(), message, offByOne)).isFalse();
		}

		@Test
		void wrongPlatformKeyFails() {
			byte[] message = WechatV3Crypto.notificationMessage(TIMESTAMP, NONCE, body());
			assertThat(WechatV3Crypto.verify(Vectors.publicKey("v8-public-key.pem"), message, SIGNATURE)).isFalse();
		}

		@Test
		void tamperedResourceFailsAuthentication() throws Exception {
			String json = new String(body(), StandardCharsets.UTF_8);
			String nonce = Vectors.jsonString(json, "nonce");
			String ciphertext = Vectors.jsonString(json, "ciphertext");
			byte[] flipped = Base64.getDecoder().decode(ciphertext);
			flipped[5] ^= 0x01;
			byte[] badTag = Base64.getDecoder().decode(ciphertext);
			badTag[badTag.length - 1] ^= 0x01;
			byte[] truncated = Arrays.copyOf(Base64.getDecoder().decode(ciphertext), 40);
			assertBadTag(API_V3_KEY, nonce, "transaction", Base64.getEncoder().encodeToString(flipped));
			assertBadTag(API_V3_KEY, nonce, "transaction", Base64.getEncoder().encodeToString(badTag));
			assertBadTag(API_V3_KEY, nonce, "transaction", Base64.getEncoder().encodeToString(truncated));
			assertBadTag(API_V3_KEY, nonce, "refund", ciphertext);
			assertBadTag(API_V3_KEY, nonce, "", ciphertext);
			assertBadTag(API_V3_KEY, "fdasflkja485", "transaction", ciphertext);
			assertBadTag("5d1c4b3a29180716f5e4d3c2b1a09f8f", nonce, "transaction", ciphertext);
			assertBadTag(API_V3_KEY, nonce, "transaction", "not*base64");
			assertBadTag(API_V3_KEY, nonce, "transaction", "AAAA");
		}

	}

	static void assertBadTag(String key, String nonce, String aad, String ciphertext) {
		assertThatExceptionOfType(AEADBadTagException.class)
			.isThrownBy(() -> WechatV3Crypto.decryptAead(key, nonce, aad, ciphertext));
	}

	@Nested
	class AeadVectors {

		@Test
		void wechatpayJavaV4DecryptsAndEncrypts() throws Exception {
			assertThat(WechatV3Crypto.decryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "uluk4a9R25RW",
					"associatedData", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="))
				.asString(StandardCharsets.UTF_8)
				.isEqualTo("message");
			assertThat(WechatV3Crypto.encryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "uluk4a9R25RW", "associatedData",
					Vectors.utf8("message")))
				.isEqualTo("ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=");
		}

		@Test
		void v4WithBadAssociatedDataOrNonceFails() {
			assertBadTag("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "uluk4a9R25RW", "bad-associatedData",
					"ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=");
			assertBadTag("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "bad-4a9R25RW", "associatedData",
					"ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=");
		}

		@Test
		void wechatpayGoV5SixteenByteKeyDecrypts() throws Exception {
			assertThat(WechatV3Crypto.decryptAead("testAPIv3Key0000", "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
					"FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC"))
				.asString(StandardCharsets.UTF_8)
				.isEqualTo("Hello World");
		}

		@Test
		void v5WithTheWrongKeyFails() {
			assertBadTag("testAPIv3Key1111", "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
					"FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC");
		}

		@Test
		void keysOtherThan16Or32BytesAndNoncesOtherThan12BytesAreRefused() {
			assertThatExceptionOfType(InvalidKeyException.class).isThrownBy(() -> WechatV3Crypto
				.decryptAead("0123456789abcdef01234567", "uluk4a9R25RW", "", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="));
			assertThatExceptionOfType(InvalidKeyException.class)
				.isThrownBy(() -> WechatV3Crypto.encryptAead("", "uluk4a9R25RW", "", new byte[0]));
			assertThatExceptionOfType(InvalidAlgorithmParameterException.class).isThrownBy(() -> WechatV3Crypto
				.decryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "short", "", "ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI="));
		}

		@Test
		void nullAssociatedDataMeansEmpty() throws Exception {
			String c = WechatV3Crypto.encryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "uluk4a9R25RW", null,
					Vectors.utf8("x"));
			assertThat(WechatV3Crypto.decryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "uluk4a9R25RW", "", c))
				.asString(StandardCharsets.UTF_8)
				.isEqualTo("x");
		}

		@Test
		void encryptedPlatformCertificateV12DecryptsToTheAdvertisedCertificate() throws Exception {
			byte[] pem = WechatV3Crypto.decryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "14b16c03dc1b", "certificate",
					Vectors.text("v12-ciphertext.txt"));
			String certificate = new String(pem, StandardCharsets.UTF_8);
			assertThat(Keys.certificateSerialHex(certificate)).isEqualTo("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC");
			X509Certificate x509 = Keys.certificate(certificate);
			assertThat(x509.getNotBefore().toInstant()).isEqualTo(Instant.parse("2023-09-19T15:15:58Z"));
			assertThat(x509.getNotAfter().toInstant()).isEqualTo(Instant.parse("2028-09-17T15:15:58Z"));
			assertThat(Keys.publicKey(certificate).getAlgorithm()).isEqualTo("RSA");
		}

	}

	@Nested
	class RsaVectors {

		static final String V6_SIGNATURE = "Rq+5ZpWV6IHTWE1+9gCrYJKguNgbItpMdlIA+PVCPCdUAKNlohZz7CL7Y8xWDIFJjdGnErMj6Z+Q/h9CF5MV+nAVkqDmBR0uP5ppsUEzco4ijvKHsvI2ro4boSW6vSfQs3W8I4QSI9a0/NFIgvj83Fv27LIYZf7deaFWmEwd1fpAeJRCyoKyBeJPdsjVx0//Lqe6Wze2zVdliLcBvaHCfpd8+rAVGS+FQDeWgHqJ7n/Zy09LmV1/ghs7pO1mdjdD16SHKlysAD3K5hNGUJX/SHrEXEcu1yO1AOb/YvOVkjNh8243rcfXNE5L4ph2XS11vS+2aToKYSOcKUagf0LLaw==";

		static final String V8_SIGNATURE = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";

		@Test
		void wechatpayJavaV6VerifiesWithTheMerchantCertificateAndReSigns() {
			PublicKey merchant = Vectors.publicKey("wechatpay-java-merchant-certificate.pem");
			assertThat(WechatV3Crypto.verify(merchant, Vectors.utf8("message"), V6_SIGNATURE)).isTrue();
			assertThat(WechatV3Crypto.sign(Vectors.privateKey("wechatpay-java-merchant-private-key.pem"),
					Vectors.utf8("message")))
				.isEqualTo(V6_SIGNATURE);
		}

		@Test
		void v6DoesNotVerifyWithThePlatformPublicKey() {
			assertThat(WechatV3Crypto.verify(Vectors.publicKey("wechatpay-java-wechat-pay-public-key.pem"),
					Vectors.utf8("message"), V6_SIGNATURE))
				.isFalse();
		}

		@Test
		void wechatpayGoV8VerifiesAndReSigns() {
			PublicKey key = Vectors.publicKey("v8-public-key.pem");
			assertThat(WechatV3Crypto.verify(key, Vectors.utf8("source"), V8_SIGNATURE)).isTrue();
			assertThat(WechatV3Crypto.sign(Vectors.privateKey("wechatpay-go-private-key.pem"), Vectors.utf8("source")))
				.isEqualTo(V8_SIGNATURE);
		}

		@Test
		void v8NegativeCasesFail() {
			PublicKey key = Vectors.publicKey("v8-public-key.pem");
			assertThat(WechatV3Crypto.verify(key, Vectors.utf8("wrong source"), V8_SIGNATURE)).isFalse();
			assertThat(WechatV3Crypto.verify(key, new byte[0], V8_SIGNATURE)).isFalse();
			assertThat(WechatV3Crypto.verify(key, Vectors.utf8("source"), "")).isFalse();
			assertThat(WechatV3Crypto.verify(key, Vectors.utf8("source"), "invalid base64 signature")).isFalse();
		}

	}

	@Nested
	class WechatpayGoNotificationV7 {

		static final String SIGNATURE = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";

		@Test
		void verifiesWithTheCertificateAndDecryptsWithTheSixteenByteKey() throws Exception {
			byte[] body = Vectors.bytes("v7-body.json");
			assertThat(body).hasSize(568);
			byte[] message = WechatV3Crypto.notificationMessage("1624523846", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz", body);
			assertThat(WechatV3Crypto.verify(Vectors.publicKey("v7-certificate.pem"), message, SIGNATURE)).isTrue();
			assertThat(WechatV3Crypto.sign(Vectors.privateKey("wechatpay-go-private-key.pem"), message))
				.isEqualTo(SIGNATURE);

			String json = new String(body, StandardCharsets.UTF_8);
			assertThat(Vectors.jsonString(json, "nonce")).isEqualTo("Kj7QIyUiYx1q");
			byte[] plain = WechatV3Crypto.decryptAead("testMchAPIv3Key0", "Kj7QIyUiYx1q", "payscore",
					Vectors.jsonString(json, "ciphertext"));
			assertThat(plain).isEqualTo(Vectors.bytes("v7-plaintext.json"));
		}

		@Test
		void certificateSerialIsTheWechatpaySerialHeader() {
			assertThat(Keys.certificateSerialHex(Vectors.text("v7-certificate.pem"))).isEqualTo("D7CE59D1F522D701");
		}

		@Test
		void messageIsTimestampNonceBodyEachFollowedByNewline() {
			assertThat(WechatV3Crypto.notificationMessage("1", "n", Vectors.utf8("{}")))
				.isEqualTo(Vectors.utf8("1\nn\n{}\n"));
			assertThat(WechatV3Crypto.notificationMessage("1", "n", new byte[0])).isEqualTo(Vectors.utf8("1\nn\n\n"));
			assertThat(WechatV3Crypto.notificationMessage("1", "n", null)).isEqualTo(Vectors.utf8("1\nn\n\n"));
		}

	}

	@Nested
	class SelfGeneratedNotificationG3 {

		static final String SIGNATURE = "WekWkw3Aw5jnKTA5kQj8tbGpxm8Bp0bcQiYZkjHQpRMqC60odvOZk6BvB1eMaDTk+KTA2ZaWoZ56XRd+mvNrM0rxkc9uXf7fKJ+UQZIqs//if+krQJqajf5mJqVGlK/eLxe0oV/5lpkY7c3QDAXwo8QnjYat3VEZKQi07j+oREiLR0/WS4DZ418ziQp6/9/PviwEG3OQyqrjmOKAOj9ESodANKXG4u8Sz9EPE6Z6wNW+4ESxYDi1UnOem4dOgmgBxnPq6EfS7qjvqWsOgrK2T40ynaqPo7+aJtPz/371QPfKOXyL0AyAAUSL3zcGycSdPinqFnJJChAdxejkvKNFCg==";

		@Test
		void verifiesWithTheV7CertificateAndDecrypts() throws Exception {
			byte[] body = Vectors.bytes("g3-body.json");
			assertThat(body).hasSize(925);
			byte[] message = WechatV3Crypto.notificationMessage("1700000000", "Gk0Xb2LY1xLV1kUWbQcxSqFdxKmoKgrF", body);
			assertThat(WechatV3Crypto.verify(Vectors.publicKey("v7-certificate.pem"), message, SIGNATURE)).isTrue();
			assertThat(WechatV3Crypto.sign(Vectors.privateKey("wechatpay-go-private-key.pem"), message))
				.isEqualTo(SIGNATURE);

			String json = new String(body, StandardCharsets.UTF_8);
			byte[] plain = WechatV3Crypto.decryptAead("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", "fdasflkja484", "transaction",
					Vectors.jsonString(json, "ciphertext"));
			assertThat(plain).isEqualTo(Vectors.bytes("g3-plaintext.json"));
		}

		@Test
		void doesNotVerifyWithThePart1PlatformKey() {
			byte[] message = WechatV3Crypto.notificationMessage("1700000000", "Gk0Xb2LY1xLV1kUWbQcxSqFdxKmoKgrF",
					Vectors.bytes("g3-body.json"));
			assertThat(WechatV3Crypto.verify(Part1Notification.platformKey(), message, SIGNATURE)).isFalse();
		}

	}

	@Nested
	class AuthorizationHeader {

		static final String G4_SIGNATURE = "Mi6/vU9oV2sHqOtO5LZDQBvzCU+Hti+oFJOfyB0oyR0kxDgmeHmTqczM3gzb5jNY/uFYvtMBOke1DxYDEK6rSE3l7Y0Xp3WrgX7gZgRTHJAz/qFRze1qVxK1kWx1wcXs9jqWHy3BApmDEFO+2oBGfde4qmTG9oAMYmJZ3QTWVjNOKTaJ3lH5HbAdX+gFAO1PIOUmL8HnMlLWVNyW7BJzFFYiBvJmsSp5lgdW0Jw76oMZ0LCiPqe5FlzovlZQXx4uup7PMpGcUVzFQ69APJeBVQqAMuQJDiCbl5/XCi3eteFKVj0ZpQrcpJa+kynM0Z8TE/CwPMVR0c5b2xN1s7ofUQ==";

		@Test
		void g4RequestMessageAndSignatureMatch() {
			String message = WechatV3Crypto.requestMessage("GET",
					"/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109", 1554208460L,
					"593BEC0C930BF1AFEB40B4A08C8FB242", "");
			assertThat(message).isEqualTo("GET\n/v3/pay/transactions/out-trade-no/1217752501201407033233368018"
					+ "?mchid=1230000109\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n");
			assertThat(WechatV3Crypto.sign(Vectors.privateKey("wechatpay-go-private-key.pem"), Vectors.utf8(message)))
				.isEqualTo(G4_SIGNATURE);
			assertThat(WechatV3Crypto.verify(Vectors.publicKey("v8-public-key.pem"), Vectors.utf8(message), G4_SIGNATURE))
				.isTrue();
			assertThat(WechatV3Crypto.verify(Vectors.publicKey("v7-certificate.pem"), Vectors.utf8(message),
					G4_SIGNATURE))
				.isTrue();
		}

		@Test
		void g4HeaderLayoutAndParsing() throws Exception {
			String header = WechatV3Crypto.authorizationHeader("1230000109", "D7CE59D1F522D701", 1554208460L,
					"593BEC0C930BF1AFEB40B4A08C8FB242", G4_SIGNATURE);
			assertThat(header).isEqualTo("WECHATPAY2-SHA256-RSA2048 mchid=\"1230000109\","
					+ "nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",timestamp=\"1554208460\","
					+ "serial_no=\"D7CE59D1F522D701\",signature=\"" + G4_SIGNATURE + "\"");
			assertThat(WechatV3Crypto.parseAuthorization(header)).containsExactly(
					Map.entry("scheme", "WECHATPAY2-SHA256-RSA2048"), Map.entry("mchid", "1230000109"),
					Map.entry("nonce_str", "593BEC0C930BF1AFEB40B4A08C8FB242"), Map.entry("timestamp", "1554208460"),
					Map.entry("serial_no", "D7CE59D1F522D701"), Map.entry("signature", G4_SIGNATURE));
		}

		@Test
		void v13MessagesEndWithTheBodyAndANewline() {
			assertThat(WechatV3Crypto.requestMessage("GET", "/v3/certificates", 1624523846L, "A1B2C3D4E5F6G7", ""))
				.isEqualTo("GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n");
			assertThat(WechatV3Crypto.requestMessage("GET", "/v3/certificates", 1624523846L, "A1B2C3D4E5F6G7", null))
				.isEqualTo("GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n");
			assertThat(WechatV3Crypto.requestMessage("POST", "/v3/certificates", 1624523846L, "A1B2C3D4E5F6G7",
					"Hello World!\n"))
				.isEqualTo("POST\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\nHello World!\n\n");
		}

		@Test
		void v13HeaderLayoutWithTheMockSigner() throws Exception {
			String message = WechatV3Crypto.requestMessage("GET", "/v3/certificates", 1624523846L, "A1B2C3D4E5F6G7",
					"");
			String header = WechatV3Crypto.authorizationHeader("1234567890", "0123456789ABC", 1624523846L,
					"A1B2C3D4E5F6G7", "Sign:" + message);
			// wechatpay-go's mock signer names its algorithm "Mock"; everything after the scheme is identical
			assertThat(header.replace(WechatV3Crypto.SCHEME, "WECHATPAY2-Mock"))
				.isEqualTo("WECHATPAY2-Mock mchid=\"1234567890\",nonce_str=\"A1B2C3D4E5F6G7\",timestamp=\"1624523846\","
						+ "serial_no=\"0123456789ABC\",signature=\"Sign:GET\n/v3/certificates\n1624523846\n"
						+ "A1B2C3D4E5F6G7\n\n\"");
			assertThat(WechatV3Crypto.parseAuthorization(header.replace(WechatV3Crypto.SCHEME, "WECHATPAY2-Mock")))
				.containsEntry("scheme", "WECHATPAY2-Mock")
				.containsEntry("signature", "Sign:" + message);
		}

		@Test
		void pairsAreParsedInAnyOrderWithOptionalSpaces() throws Exception {
			// the official documentation orders the pairs mchid,nonce_str,signature,timestamp,serial_no (N5)
			String header = "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\", nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\","
					+ "signature=\"uOVRnA4qG/MNnYzd\",timestamp=\"1554208460\",  serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"";
			assertThat(WechatV3Crypto.parseAuthorization(header)).containsEntry("scheme", "WECHATPAY2-SHA256-RSA2048")
				.containsEntry("mchid", "1900009191")
				.containsEntry("signature", "uOVRnA4qG/MNnYzd")
				.containsEntry("timestamp", "1554208460")
				.containsEntry("serial_no", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C")
				.hasSize(6);
		}

		@Test
		void malformedHeadersAreRejected() {
			for (String bad : new String[] { "", "WECHATPAY2-SHA256-RSA2048", "mchid=\"1\"",
					"WECHATPAY2-SHA256-RSA2048 mchid=1", "WECHATPAY2-SHA256-RSA2048 mchid=\"1",
					"WECHATPAY2-SHA256-RSA2048 mchid=\"1\",mchid=\"2\"", "WECHATPAY2-SHA256-RSA2048 mchid=\"1\" nonce_str=\"2\"",
					"WECHATPAY2-SHA256-RSA2048 =\"1\"", "WECHATPAY2-SHA256-RSA2048 mchid=\"1\",",
					"WECHATPAY2-SHA256-RSA2048 scheme=\"x\"" }) {
				assertThatExceptionOfType(MalformedMessageException.class)
					.as(bad)
					.isThrownBy(() -> WechatV3Crypto.parseAuthorization(bad));
			}
			assertThatExceptionOfType(MalformedMessageException.class)
				.isThrownBy(() -> WechatV3Crypto.parseAuthorization(null));
		}

		@Test
		void headerValuesWithQuotesAreRefused() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> WechatV3Crypto.authorizationHeader("1\",x=\"2", "S", 1L, "n", "sig"));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> WechatV3Crypto.authorizationHeader("1", "", 1L, "n", "sig"));
		}

	}

}
