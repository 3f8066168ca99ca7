package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class WechatV2RefundCipherTests {

	static final String DOC_KEY = "192006250b4c09247ec02edce69f6a2d";

	@Test
	void ijpayVectorV3DecryptsAndEncryptsBack() throws Exception {
		assertThat(new String(WechatV2RefundCipher.decrypt("K8fdh/6THGfTKio8pxXS6Q==",
				"42cc1d91bab89b65ff55b19e28fff4f0"), StandardCharsets.UTF_8))
			.isEqualTo("IJPay");
		assertThat(WechatV2RefundCipher.encrypt(Vectors.utf8("IJPay"), "42cc1d91bab89b65ff55b19e28fff4f0"))
			.isEqualTo("K8fdh/6THGfTKio8pxXS6Q==");
	}

	@Test
	void anEmptyOrMissingApiKeyIsRefusedNeverUsedToDeriveTheAesKey() {
		// the MD5 of "" is a well-known constant: a refund notice "encrypted" with it must not authenticate
		for (String key : new String[] { "", null }) {
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> WechatV2RefundCipher.key(key))
				.withMessage("API key must not be empty");
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> WechatV2RefundCipher.decrypt("K8fdh/6THGfTKio8pxXS6Q==", key));
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> WechatV2RefundCipher.encrypt(Vectors.utf8("IJPay"), key));
		}
	}

	@Test
	void keyIsTheLowerCaseHexMd5OfTheApiKey() throws Exception {
		assertThat(new String(WechatV2RefundCipher.key("42cc1d91bab89b65ff55b19e28fff4f0").getEncoded(),
				StandardCharsets.US_ASCII))
			.isEqualTo("1c26ff4ebc15b88a8829febe1789c130");
		assertThat(new String(WechatV2RefundCipher.key(DOC_KEY).getEncoded(), StandardCharsets.US_ASCII))
			.isEqualTo("d96eb16afdd491fa1e705096edbc2205");
	}

	@Test
	void selfGeneratedG2DecryptsToTheExactRootXmlAndParses() throws Exception {
		byte[] plain = WechatV2RefundCipher.decrypt(Vectors.text("g2-req-info.txt"), DOC_KEY);
		assertThat(plain).isEqualTo(Vectors.bytes("g2-plaintext.xml")).hasSize(815);
		var fields = WechatV2Xml.parse(plain, "root");
		assertThat(fields).hasSize(13)
			.containsEntry("out_refund_no", "R4001312001201707262674894706_4")
			.containsEntry("refund_fee", "15")
			.containsEntry("total_fee", "100")
			.containsEntry("refund_recv_accout", "用户零钱")
			.containsEntry("refund_status", "SUCCESS")
			.containsEntry("success_time", "2017-07-26 02:45:49");
		assertThat(WechatV2RefundCipher.encrypt(plain, DOC_KEY)).isEqualTo(Vectors.text("g2-req-info.txt"));
	}

	/**
	 * protocols-refunds-credentials.md G2: the official PHP SDK's refund notification fixture (813 bytes, SHA-256
	 * abaac7c4…) encrypted with the G1 key gives the stated 1088-character req_info (SHA-256 edc03e3b…), both ways.
	 */
	@Test
	void refundsProtocolG2FixtureEncryptsToThePublishedReqInfoAndBack() throws Exception {
		String key = "42cc1d91bab89b65ff55b19e28fff4f0";
		byte[] plain = Vectors.bytes("rc-g2-plaintext.xml");
		String reqInfo = Vectors.text("rc-g2-req-info.txt").strip();
		assertThat(Hex.lower(MessageDigest.getInstance("SHA-256").digest(plain)))
			.isEqualTo("abaac7c4b685e5158e844cd2dfc0c5d29b2f621c8fc5c28471a09bb04a2c06ac");
		assertThat(Hex.lower(MessageDigest.getInstance("SHA-256").digest(reqInfo.getBytes(StandardCharsets.US_ASCII))))
			.isEqualTo("edc03e3bcb7efeeea9ac50d71b0dca53325a0a1c9ecf1dd36aae8a436e654a20");

		assertThat(WechatV2RefundCipher.encrypt(plain, key)).hasSize(1088).isEqualTo(reqInfo);
		assertThat(WechatV2RefundCipher.decrypt(reqInfo, key)).isEqualTo(plain);
		assertThat(WechatV2Xml.parse(plain, "root")).hasSize(13)
			.containsEntry("out_refund_no", "131811191610442717309")
			.containsEntry("out_trade_no", "71106718111915575302817")
			.containsEntry("refund_id", "50000408942018111907145868882")
			.containsEntry("transaction_id", "4200000215201811190261405420")
			.containsEntry("refund_fee", "3960")
			.containsEntry("total_fee", "3960")
			.containsEntry("refund_recv_accout", "支付用户零钱")
			.containsEntry("refund_status", "SUCCESS")
			.containsEntry("success_time", "2018-11-19 16:24:13");
	}

	@Test
	void decryptedReqInfoWithTheWrongRootIsRejected() throws Exception {
		byte[] plain = WechatV2RefundCipher.decrypt(Vectors.text("g2-req-info.txt"), DOC_KEY);
		assertThatExceptionOfType(MalformedMessageException.class).isThrownBy(() -> WechatV2Xml.parse(plain));
	}

	@Test
	void wrongApiKeyDoesNotYieldThePlaintext() {
		byte[] expected = Vectors.bytes("g2-plaintext.xml");
		try {
			byte[] plain = WechatV2RefundCipher.decrypt(Vectors.text("g2-req-info.txt"),
					"192006250b4c09247ec02edce69f6a2e");
			assertThat(plain).isNotEqualTo(expected);
		}
		catch (GeneralSecurityException expectedMostOfTheTime) {
			// bad padding: the usual outcome of a wrong key
		}
	}

	@Test
	void malformedReqInfoFailsAsASecurityException() {
		assertThatExceptionOfType(GeneralSecurityException.class)
			.isThrownBy(() -> WechatV2RefundCipher.decrypt("not base64!", DOC_KEY));
		assertThatExceptionOfType(GeneralSecurityException.class)
			.isThrownBy(() -> WechatV2RefundCipher.decrypt("AAAA", DOC_KEY));
		assertThatExceptionOfType(GeneralSecurityException.class)
			.isThrownBy(() -> WechatV2RefundCipher.decrypt("", DOC_KEY));
	}

	@Test
	void ecbHasNoIntegrityAFlippedBitOnlyGarblesOneBlock() throws Exception {
		// documents why refund notifications must be cross-checked against our records (threat case B7)
		byte[] ciphertext = Base64.getDecoder().decode(Vectors.text("g2-req-info.txt"));
		ciphertext[20] ^= 0x01;
		byte[] plain = WechatV2RefundCipher.decrypt(Base64.getEncoder().encodeToString(ciphertext), DOC_KEY);
		byte[] expected = Vectors.bytes("g2-plaintext.xml");
		assertThat(Arrays.copyOfRange(plain, 16, 32)).isNotEqualTo(Arrays.copyOfRange(expected, 16, 32));
		assertThat(Arrays.copyOfRange(plain, 32, plain.length))
			.isEqualTo(Arrays.copyOfRange(expected, 32, expected.length));
	}

	@Test
	void externalEntityInsideDecryptedReqInfoIsRejected() throws Exception {
		String hostile = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
				+ "<root><out_refund_no>&xxe;</out_refund_no></root>";
		byte[] plain = WechatV2RefundCipher.decrypt(WechatV2RefundCipher.encrypt(Vectors.utf8(hostile), DOC_KEY),
				DOC_KEY);
		assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> WechatV2Xml.parse(plain, "root"))
			.satisfies(ex -> assertThat(WechatV2XmlTests.allMessages(ex)).doesNotContain("root:"));
	}

	@Test
	void billionLaughsInsideDecryptedReqInfoIsRejectedQuickly() throws Exception {
		StringBuilder xml = new StringBuilder("<!DOCTYPE root [<!ENTITY a \"aaaaaaaaaa\">");
		for (int i = 1; i <= 9; i++) {
			xml.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i == 1 ? "" : i - 1) + ";").repeat(10))
				.append("\">");
		}
		xml.append("]><root><refund_fee>&a9;</refund_fee></root>");
		byte[] plain = WechatV2RefundCipher.decrypt(WechatV2RefundCipher.encrypt(Vectors.utf8(xml.toString()), DOC_KEY),
				DOC_KEY);
		assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> WechatV2Xml.parse(plain, "root")));
	}

	@Test
	void duplicateAndNestedFieldsInsideDecryptedReqInfoAreRejected() {
		assertThatExceptionOfType(MalformedMessageException.class).isThrownBy(() -> WechatV2Xml
			.parse(Vectors.utf8("<root><refund_fee>1</refund_fee><refund_fee>15</refund_fee></root>"), "root"));
		assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> WechatV2Xml.parse(Vectors.utf8("<root><refund_fee><x>1</x></refund_fee></root>"), "root"));
		assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> WechatV2Xml.parse(Vectors.utf8("<root><refund_fee>1</refund_fee>"), "root"));
	}

}
