package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WechatV2SignatureTests {

	static final String DOC_KEY = "192006250b4c09247ec02edce69f6a2d";

	static LinkedHashMap<String, String> docExample() {
		LinkedHashMap<String, String> fields = new LinkedHashMap<>();
		fields.put("appid", "wxd930ea5d5a258f4f");
		fields.put("mch_id", "10000100");
		fields.put("device_info", "1000");
		fields.put("body", "test");
		fields.put("nonce_str", "ibuaiVcKdpRxkhJA");
		return fields;
	}

	static LinkedHashMap<String, String> with(Map<String, String> fields, String key, String value) {
		LinkedHashMap<String, String> copy = new LinkedHashMap<>(fields);
		copy.put(key, value);
		return copy;
	}

	/** Issue 11: a key of blanks is no key; nothing is signed or verified with it. */
	@Test
	void anEmptyOrBlankKeyIsRefusedForSigningAndVerifying() {
		LinkedHashMap<String, String> signed = with(docExample(), "sign", "0123456789ABCDEF0123456789ABCDEF");
		for (String key : new String[] { null, "", "   ", "\t\n" }) {
			for (WechatSignType type : WechatSignType.values()) {
				assertThatIllegalArgumentException().isThrownBy(() -> WechatV2Signature.sign(docExample(), key, type));
				assertThatIllegalArgumentException().isThrownBy(() -> WechatV2Signature.verify(signed, key, type));
			}
			assertThatIllegalArgumentException().isThrownBy(() -> WechatV2RefundCipher.key(key));
		}
	}

	@Nested
	class DocumentationExampleV1V2 {

		@Test
		void stringToSignSortsFieldsAndAppendsTheKey() {
			assertThat(WechatV2Signature.stringToSign(docExample(), DOC_KEY)).isEqualTo(
					"appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA"
							+ "&key=192006250b4c09247ec02edce69f6a2d");
		}

		@Test
		void md5SignatureMatchesV1() {
			assertThat(WechatV2Signature.sign(docExample(), DOC_KEY, WechatSignType.MD5))
				.isEqualTo("9A0A8659F005D6984697E2CA0A9CF3B7");
		}

		@Test
		void hmacSha256SignatureMatchesV2AndCoversTheKeySuffix() {
			String sign = WechatV2Signature.sign(docExample(), DOC_KEY, WechatSignType.HMAC_SHA256);
			assertThat(sign).isEqualTo("6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6")
				// V2 negative check: HMAC over stringA alone (without "&key=...") is a different value
				.isNotEqualTo("F734F0E6B3509F9701F4A27CA72985EE10313DD0F96B71CAB42985D0F4F56376");
		}

		@Test
		void docExampleVerifiesWithItsSign() {
			assertThat(WechatV2Signature.verify(with(docExample(), "sign", "9A0A8659F005D6984697E2CA0A9CF3B7"),
					DOC_KEY, WechatSignType.MD5))
				.isTrue();
		}

	}

	@Nested
	class Part1Notification {

		static final String KEY = "8934e7d15453e97507ef794cf7b0519d";

		static LinkedHashMap<String, String> fields() {
			return Vectors.lines("""
					appid=wx2421b1c4370ec43b
					attach=支付测试
					bank_type=CFT
					cash_fee=101
					coupon_count=1
					coupon_fee=10
					coupon_fee_0=10
					coupon_id_0=10000
					coupon_type_0=CASH
					device_info=
					fee_type=CNY
					is_subscribe=Y
					mch_id=10000100
					nonce_str=5d2b6c2a8db53831f7eda20af46e531A
					openid=oUpF8uMEb4qRXf22hE3X68TekukE
					out_trade_no=1409811653A
					result_code=SUCCESS
					return_code=SUCCESS
					time_end=20261122131540
					total_fee=101
					trade_type=JSAPI
					transaction_id=1004400740201409030005092168""");
		}

		@Test
		void md5SignatureWithoutSignTypeMatchesAndSkipsTheEmptyDeviceInfo() {
			assertThat(WechatV2Signature.stringToSign(fields(), KEY)).doesNotContain("device_info");
			assertThat(WechatV2Signature.sign(fields(), KEY, WechatSignType.MD5))
				.isEqualTo("7C42D76AC9EBDEAF7BD5EC7AA94A3B45");
		}

		@Test
		void hmacSignatureIncludesTheSignTypeField() {
			var fields = with(fields(), "sign_type", "HMAC-SHA256");
			assertThat(WechatV2Signature.stringToSign(fields, KEY)).contains("&sign_type=HMAC-SHA256&");
			assertThat(WechatV2Signature.sign(fields, KEY, WechatSignType.HMAC_SHA256))
				.isEqualTo("2E7BCADBF9AC0A5009ED6C4E3AE3EEEFCB818D6C9387F193BC8EB91CFE74D548");
		}

		@Test
		void hmacSignatureWithSignTypeWronglyExcludedDoesNotVerify() {
			String signedWithoutSignType = WechatV2Signature.sign(fields(), KEY, WechatSignType.HMAC_SHA256);
			var received = with(with(fields(), "sign_type", "HMAC-SHA256"), "sign", signedWithoutSignType);
			assertThat(WechatV2Signature.verify(received, KEY, WechatSignType.HMAC_SHA256)).isFalse();
		}

	}

	@Nested
	class SelfGeneratedG1 {

		static LinkedHashMap<String, String> fields() {
			return Vectors.ampersandPairs("appid=wx2421b1c4370ec43b&attach=支付测试&bank_type=CFT&cash_fee=1"
					+ "&fee_type=CNY&is_subscribe=Y&mch_id=10000100&nonce_str=5d2b6c2a8db53831f7eda20af46e531c"
					+ "&openid=oUpF8uMEb4qRXf22hE3X68TekukE&out_trade_no=1409811653&result_code=SUCCESS"
					+ "&return_code=SUCCESS&time_end=20140903131540&total_fee=1&trade_type=JSAPI"
					+ "&transaction_id=1004400740201409030005092168");
		}

		@Test
		void md5StringAndSignMatch() {
			assertThat(WechatV2Signature.stringToSign(fields(), DOC_KEY)).isEqualTo("appid=wx2421b1c4370ec43b"
					+ "&attach=支付测试&bank_type=CFT&cash_fee=1&fee_type=CNY&is_subscribe=Y&mch_id=10000100"
					+ "&nonce_str=5d2b6c2a8db53831f7eda20af46e531c&openid=oUpF8uMEb4qRXf22hE3X68TekukE"
					+ "&out_trade_no=1409811653&result_code=SUCCESS&return_code=SUCCESS&time_end=20140903131540"
					+ "&total_fee=1&trade_type=JSAPI&transaction_id=1004400740201409030005092168"
					+ "&key=192006250b4c09247ec02edce69f6a2d");
			assertThat(WechatV2Signature.sign(fields(), DOC_KEY, WechatSignType.MD5))
				.isEqualTo("A79C5985C6A8FC7DA5DF1F7656412908");
		}

		@Test
		void hmacStringIncludesSignTypeAndSignMatches() {
			var fields = with(fields(), "sign_type", "HMAC-SHA256");
			assertThat(WechatV2Signature.stringToSign(fields, DOC_KEY))
				.contains("&return_code=SUCCESS&sign_type=HMAC-SHA256&time_end=20140903131540&");
			assertThat(WechatV2Signature.sign(fields, DOC_KEY, WechatSignType.HMAC_SHA256))
				.isEqualTo("91A356D1D5F2450A3381951A8174E5FDFBA86A909ADDDBA50A9A61343CA47DEA");
		}

		@Test
		void g1NotificationVerifiesInBothAlgorithms() {
			assertThat(WechatV2Signature.verify(with(fields(), "sign", "A79C5985C6A8FC7DA5DF1F7656412908"), DOC_KEY,
					WechatSignType.MD5))
				.isTrue();
			var hmac = with(with(fields(), "sign_type", "HMAC-SHA256"), "sign",
					"91A356D1D5F2450A3381951A8174E5FDFBA86A909ADDDBA50A9A61343CA47DEA");
			assertThat(WechatV2Signature.verify(hmac, DOC_KEY, WechatSignType.HMAC_SHA256)).isTrue();
		}

	}

	@Nested
	class Verification {

		static final String GOOD = "A79C5985C6A8FC7DA5DF1F7656412908";

		static LinkedHashMap<String, String> signed() {
			return with(SelfGeneratedG1.fields(), "sign", GOOD);
		}

		@Test
		void tamperedFieldFails() {
			assertThat(WechatV2Signature.verify(with(signed(), "total_fee", "100"), DOC_KEY, WechatSignType.MD5))
				.isFalse();
		}

		@Test
		void addedUnknownFieldIsSignedAndSoFails() {
			assertThat(WechatV2Signature.verify(with(signed(), "new_field", "x"), DOC_KEY, WechatSignType.MD5))
				.isFalse();
		}

		@Test
		void addedEmptyFieldIsIgnored() {
			assertThat(WechatV2Signature.verify(with(signed(), "device_info", ""), DOC_KEY, WechatSignType.MD5))
				.isTrue();
		}

		@Test
		void whitespaceInAValueIsSignedAsReceived() {
			assertThat(WechatV2Signature.verify(with(signed(), "attach", "支付测试 "), DOC_KEY, WechatSignType.MD5))
				.isFalse();
		}

		@Test
		void wrongKeyFails() {
			assertThat(WechatV2Signature.verify(signed(), "192006250b4c09247ec02edce69f6a2e", WechatSignType.MD5))
				.isFalse();
		}

		@Test
		void signOffByOneHexCharFails() {
			String offByOne = GOOD.substring(0, 31) + "9";
			assertThat(WechatV2Signature.verify(with(signed(), "sign", offByOne), DOC_KEY, WechatSignType.MD5))
				.isFalse();
		}

		@Test
		void lowerCasedSignFails() {
			String lower = GOOD.toLowerCase(Locale.ROOT);
			assertThat(WechatV2Signature.verify(with(signed(), "sign", lower), DOC_KEY, WechatSignType.MD5)).isFalse();
		}

		@Test
		void shorterOrLongerSignFails() {
			assertThat(WechatV2Signature.verify(with(signed(), "sign", GOOD.substring(0, 31)), DOC_KEY,
					WechatSignType.MD5))
				.isFalse();
			assertThat(WechatV2Signature.verify(with(signed(), "sign", GOOD + "0"), DOC_KEY, WechatSignType.MD5))
				.isFalse();
		}

		@Test
		void missingOrEmptySignFails() {
			assertThat(WechatV2Signature.verify(SelfGeneratedG1.fields(), DOC_KEY, WechatSignType.MD5)).isFalse();
			assertThat(WechatV2Signature.verify(with(signed(), "sign", ""), DOC_KEY, WechatSignType.MD5)).isFalse();
		}

		@Test
		void md5SignFailsWhenTheMerchantIsPinnedToHmac() {
			assertThat(WechatV2Signature.verify(signed(), DOC_KEY, WechatSignType.HMAC_SHA256)).isFalse();
		}

		@Test
		void theSignFieldIsNeverPartOfTheSignedString() {
			assertThat(WechatV2Signature.stringToSign(signed(), DOC_KEY))
				.isEqualTo(WechatV2Signature.stringToSign(SelfGeneratedG1.fields(), DOC_KEY))
				.doesNotContain("sign=");
		}

		@Test
		void anEmptyOrMissingApiKeyIsRefusedNeverSignedWith() {
			// "&key=" with nothing after it would make the signature computable by anyone
			for (String key : new String[] { "", null }) {
				assertThatIllegalArgumentException().isThrownBy(() -> WechatV2Signature.stringToSign(Map.of("appid", "wx1"), key))
					.withMessage("API key must not be empty");
				assertThatIllegalArgumentException()
					.isThrownBy(() -> WechatV2Signature.sign(Map.of("appid", "wx1"), key, WechatSignType.MD5));
				assertThatIllegalArgumentException()
					.isThrownBy(() -> WechatV2Signature.sign(Map.of("appid", "wx1"), key, WechatSignType.HMAC_SHA256));
			}
		}

		@Test
		void keysAreSortedInByteOrderUpperCaseFirst() {
			var fields = new LinkedHashMap<String, String>();
			fields.put("b", "1");
			fields.put("a", "2");
			fields.put("Z", "3");
			fields.put("a_b", "4");
			fields.put("aB", "5");
			assertThat(WechatV2Signature.stringToSign(fields, "k")).isEqualTo("Z=3&a=2&aB=5&a_b=4&b=1&key=k");
		}

	}

	@Nested
	class SignTypeOnTheWire {

		@Test
		void mapsExactWireNames() {
			assertThat(WechatSignType.fromWire("MD5")).isEqualTo(WechatSignType.MD5);
			assertThat(WechatSignType.fromWire("HMAC-SHA256")).isEqualTo(WechatSignType.HMAC_SHA256);
			assertThat(WechatSignType.HMAC_SHA256.wireName()).isEqualTo("HMAC-SHA256");
			assertThat(WechatSignType.MD5.wireName()).isEqualTo("MD5");
		}

		@Test
		void absentOrEmptyMeansMd5() {
			assertThat(WechatSignType.fromWire(null)).isEqualTo(WechatSignType.MD5);
			assertThat(WechatSignType.fromWire("")).isEqualTo(WechatSignType.MD5);
		}

		@Test
		void rejectsOtherSpellings() {
			assertThatIllegalArgumentException().isThrownBy(() -> WechatSignType.fromWire("md5"));
			assertThatIllegalArgumentException().isThrownBy(() -> WechatSignType.fromWire("HMAC_SHA256"));
			assertThatIllegalArgumentException().isThrownBy(() -> WechatSignType.fromWire("SHA256"));
		}

	}

}
