package com.payrecon.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.Charset;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AlipaySignatureTests {

	static LinkedHashMap<String, String> with(Map<String, String> params, String key, String value) {
		LinkedHashMap<String, String> copy = new LinkedHashMap<>(params);
		copy.put(key, value);
		return copy;
	}

	static LinkedHashMap<String, String> without(Map<String, String> params, String key) {
		LinkedHashMap<String, String> copy = new LinkedHashMap<>(params);
		copy.remove(key);
		return copy;
	}

	@Nested
	class Part1Notification {

		static final String SIGN = "lEpzi5Zjlrp3mdcV6NC7Okeigxkz3q5AuerdmSmruz3FmM1SUJ8Ng1NcIaKlLCRIeU8YVo/0jGg+ovJfJaknVL22OybLSOv/xL03Uce18/p6KYDSQanH5Bhum/y4EFgz1y7qpgd87qWA7K+9GGKn1PoMiNQ9FQaR73wpnUfTBFPizvnWNh36ryuUk5HxoVcT0ADuYAkY/ParGOf7RD3lMzv+zK/PrvuAqqyVc8m0fbCM5g/lPy+DRzjSX69iAKC9jQfwNgA4NbXrvL8/HTeX+LpngDmQpq6UEnQ/V3pjFCTq/t1ogpoV2+h4gnhidA7Xn5CAVEexAMd1ohORj5GYqA==";

		static final String CONTENT = "app_id=2021000000000001&auth_app_id=2021000000000001&buyer_id=2088102177846880"
				+ "&buyer_pay_amount=88.88&charset=utf-8&fund_bill_list=[{\"amount\":\"88.88\",\"fundChannel\":\"ALIPAYACCOUNT\"}]"
				+ "&gmt_create=2026-11-22 10:34:50&gmt_payment=2026-11-22 10:34:56&invoice_amount=88.88"
				+ "&notify_id=2026112200222103456000000000A&notify_time=2026-11-22 10:34:57&notify_type=trade_status_sync"
				+ "&out_trade_no=20261122103450A&passback_params=a=1&b=中文&point_amount=0.00&receipt_amount=88.88"
				+ "&seller_id=2088000000000001&subject=会员充值 member top-up&total_amount=88.88"
				+ "&trade_no=2026112222001446880500000001&trade_status=TRADE_SUCCESS&version=1.0";

		static LinkedHashMap<String, String> params() {
			LinkedHashMap<String, String> params = Vectors.lines("""
					gmt_create=2026-11-22 10:34:50
					charset=utf-8
					gmt_payment=2026-11-22 10:34:56
					notify_time=2026-11-22 10:34:57
					subject=会员充值 member top-up
					buyer_id=2088102177846880
					invoice_amount=88.88
					version=1.0
					notify_id=2026112200222103456000000000A
					fund_bill_list=[{"amount":"88.88","fundChannel":"ALIPAYACCOUNT"}]
					notify_type=trade_status_sync
					out_trade_no=20261122103450A
					total_amount=88.88
					trade_status=TRADE_SUCCESS
					trade_no=2026112222001446880500000001
					auth_app_id=2021000000000001
					receipt_amount=88.88
					point_amount=0.00
					buyer_pay_amount=88.88
					app_id=2021000000000001
					seller_id=2088000000000001
					passback_params=a=1&b=中文""");
			params.put("sign_type", "RSA2");
			params.put("sign", SIGN);
			return params;
		}

		static PublicKey alipayKey() {
			return Vectors.publicKey("shared-alipay-public.pem");
		}

		@Test
		void contentV1DropsSignAndSignTypeAndMatches() {
			assertThat(AlipaySignature.contentV1(params())).isEqualTo(CONTENT);
		}

		@Test
		void signatureVerifiesWithTheAlipayPublicKey() {
			assertThat(AlipaySignature.verify(AlipaySignature.contentV1(params()), SIGN, alipayKey(), "RSA2", UTF_8))
				.isTrue();
		}

		@Test
		void signingWithTheAlipayPrivateKeyReproducesTheSign() {
			assertThat(AlipaySignature.sign(CONTENT, Vectors.privateKey("shared-alipay-private.pem"), "RSA2", UTF_8))
				.isEqualTo(SIGN);
		}

		@Test
		void contentWithSignTypeKeptFails() {
			assertThat(AlipaySignature.contentV2(params())).contains("&sign_type=RSA2&");
			assertThat(AlipaySignature.verify(AlipaySignature.contentV2(params()), SIGN, alipayKey(), "RSA2", UTF_8))
				.isFalse();
		}

		@Test
		void tamperedAmountFails() {
			String content = AlipaySignature.contentV1(with(params(), "total_amount", "0.01"));
			assertThat(AlipaySignature.verify(content, SIGN, alipayKey(), "RSA2", UTF_8)).isFalse();
		}

		@Test
		void wrongAlgorithmOrUnknownSignTypeFails() {
			assertThat(AlipaySignature.verify(CONTENT, SIGN, alipayKey(), "RSA", UTF_8)).isFalse();
			assertThat(AlipaySignature.verify(CONTENT, SIGN, alipayKey(), "rsa2", UTF_8)).isFalse();
			assertThat(AlipaySignature.verify(CONTENT, SIGN, alipayKey(), null, UTF_8)).isFalse();
		}

		@Test
		void wrongKeyFails() {
			assertThat(AlipaySignature.verify(CONTENT, SIGN, Vectors.publicKey("g5-alipay-public-key.pem"), "RSA2",
					UTF_8))
				.isFalse();
		}

		@Test
		void badOrMissingSignsFailWithoutThrowing() {
			assertThat(AlipaySignature.verify(CONTENT, null, alipayKey(), "RSA2", UTF_8)).isFalse();
			assertThat(AlipaySignature.verify(CONTENT, "", alipayKey(), "RSA2", UTF_8)).isFalse();
			assertThat(AlipaySignature.verify(CONTENT, "%%%", alipayKey(), "RSA2", UTF_8)).isFalse();
			assertThat(AlipaySignature.verify(CONTENT, SIGN.replace('+', ' '), alipayKey(), "RSA2", UTF_8)).isFalse();
			assertThat(AlipaySignature.verify(null, SIGN, alipayKey(), "RSA2", UTF_8)).isFalse();
		}

		@Test
		void contentInAnotherCharsetFails() {
			assertThat(AlipaySignature.verify(CONTENT, SIGN, alipayKey(), "RSA2", Charset.forName("GBK"))).isFalse();
		}

		@Test
		void emptyValuesAreSkippedAndTheCallersMapIsUntouched() {
			LinkedHashMap<String, String> params = with(params(), "body", "");
			int size = params.size();
			assertThat(AlipaySignature.contentV1(params)).isEqualTo(CONTENT);
			assertThat(params).hasSize(size).containsKeys("sign", "sign_type");
		}

	}

	@Nested
	class RealNotificationV9 {

		static final String SIGN = "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==";

		static LinkedHashMap<String, String> params() {
			LinkedHashMap<String, String> params = Vectors.lines("""
					gmt_create=2019-08-15 15:56:22
					charset=utf-8
					seller_email=z97-yuquerevenue@service.aliyun.com
					subject=语雀空间 500人规模
					buyer_id=2088102534368455
					invoice_amount=0.10
					notify_id=2019081500222155624068450559358070
					fund_bill_list=[{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}]
					notify_type=trade_status_sync
					trade_status=TRADE_SUCCESS
					receipt_amount=0.10
					buyer_pay_amount=0.10
					sign_type=RSA2
					app_id=2019073166072302
					seller_id=2088531891668739
					gmt_payment=2019-08-15 15:56:24
					notify_time=2019-08-15 15:56:25
					version=1.0
					out_trade_no=20190815155618536-564-57
					total_amount=0.10
					trade_no=2019081522001468450512505578
					auth_app_id=2019073166072302
					buyer_logon_id=xud***@126.com
					point_amount=0.00""");
			params.put("sign", SIGN);
			return params;
		}

		@Test
		void contentV1MatchesAndVerifiesWithTheBareBase64Key() {
			assertThat(AlipaySignature.contentV1(params())).isEqualTo(Vectors.text("v9-content.txt"));
			PublicKey key = Vectors.publicKey("v9-alipay-public-key.txt");
			assertThat(AlipaySignature.verify(AlipaySignature.contentV1(params()), SIGN, key, "RSA2", UTF_8)).isTrue();
		}

		@Test
		void keepingSignTypeFails() {
			PublicKey key = Vectors.publicKey("v9-alipay-public-key.txt");
			assertThat(AlipaySignature.verify(AlipaySignature.contentV2(params()), SIGN, key, "RSA2", UTF_8)).isFalse();
		}

	}

	@Nested
	class JavaSdkRsaCheckV2VectorsV10 {

		static final String CONTENT_A = "app_id=2019090366875133&method=koubei.marketing.data.indicator.query&sign_type=RSA";

		static final String SIGN_A = "RkEZgdCVF4TF48+tVZlPLEUMgrOoff3TGynWtXRUmzMXxmsCX8Y9YtpZE+NNg/JGpYQ5htTDd8PXVqiG5fqvzE2g4ugDutr++BeQ2eJQ1uhasp6VIPTSAPWHRD7FSXqZfOoWvxeFHF9WGnzXw5eueOdGMZYXdjhR6srj+ZAeJxyR402FVNbRuI/hDZVq27xWi4CQ2ffdV0lf7E2V/HMUPXECbIKkTnLXrwJBmsLgTGbTDGf7pGo0y0rkRvdsg9BmPPswfTeq/o2rlxD0XxrK1MPZ4uSPFhpdWVEyNchtXEfKoVsaYeVXV3cMfZi9zcKc6RCE8ezF9LxRJp1R0BxKEg==";

		static final String CONTENT_B = "app_id=2019090366875133&method=koubei.marketing.data.indicator.query&sign_type=RSA2";

		static final String SIGN_B = "JzoDc8VxY1/w6yN9WdWV10aipS3YcRpK+jw4xfLybf90ZK9L3AHLUJbNLWVnHW3IuLoJbBeSGVxSbPBhe4ggPklcYUkPowgtlZ6YlthuQDtjF23h2obXuXkQRd+RPbDWvOA5AYQjsKH8uSHil5aRARewPIPhukl9Mn4HEovUccsBR/RirQFSGmGYiMM0zvhVSR7pXZDEhiADzvzAkvVVTI1/HbNqcoBU4ctSPAGsuDPO/mah1+IwGQAuPP6xoEPL+3zQ0wztQCwHT2o8aQmxFJ9a09q8ybRprHaNjCgTaLDeTWE0o1pllZIE8c7wnG3cOuj6quYjTcQyLm6P4M87Zw==";

		static final String CONTENT_C = "app_id=2019090366875133&extra=中文测试&method=koubei.marketing.data.indicator.query&sign_type=RSA2";

		static final String SIGN_C = "KrRGUY3/2JX3KtlLgus8CbK0xuUIBDCpOdJkVzJDefez6HvlA8RA6uCVj2rrMd7DgVfarG5SROdSnkZbf8MLKHbVoFqi9w0QCvto9mc8n3ezfWejZECJVCZhbJ3OslB+4gij9+F70usrnCNEJZm02ntyNdVzcqMbgdRMB93BJIRC1jjmCotpXgXWrRdTb/SfhIAkoHqgGi2aCUHuLDInLGZCn8NeziGWMnFOic6/sE/nMpwriOmwLb2nyzD0fGiolwuuxlOGMcBHAb22J8XqchFHyCpbs2A/rWdJMjhUfqsErbtZQM93fi1xfL2pUa9RMWX0Q81Qk7iSEeHCR+NGyQ==";

		static PublicKey key() {
			return Vectors.publicKey("v10-alipay-public-key.txt");
		}

		@Test
		void v10aRsaSha1Verifies() {
			assertThat(AlipaySignature.verify(CONTENT_A, SIGN_A, key(), "RSA", UTF_8)).isTrue();
			assertThat(AlipaySignature.verify(CONTENT_A, SIGN_A, key(), "RSA2", UTF_8)).isFalse();
		}

		@Test
		void v10bRsa2Verifies() {
			assertThat(AlipaySignature.verify(CONTENT_B, SIGN_B, key(), "RSA2", UTF_8)).isTrue();
			assertThat(AlipaySignature.verify(CONTENT_B, SIGN_B, key(), "RSA", UTF_8)).isFalse();
		}

		@Test
		void v10cUtf8ContentVerifies() {
			assertThat(AlipaySignature.verify(CONTENT_C, SIGN_C, key(), "RSA2", UTF_8)).isTrue();
		}

		@Test
		void contentV2RebuildsTheContentsFromParameters() {
			for (String content : new String[] { CONTENT_A, CONTENT_B, CONTENT_C }) {
				var params = with(Vectors.ampersandPairs(content), "sign", "ignored");
				assertThat(AlipaySignature.contentV2(params)).isEqualTo(content);
			}
		}

		@Test
		void droppingSignTypeV1StyleFails() {
			assertThat(AlipaySignature.verify(AlipaySignature.contentV1(Vectors.ampersandPairs(CONTENT_A)), SIGN_A, key(),
					"RSA", UTF_8))
				.isFalse();
			assertThat(AlipaySignature.verify(AlipaySignature.contentV1(Vectors.ampersandPairs(CONTENT_B)), SIGN_B, key(),
					"RSA2", UTF_8))
				.isFalse();
			assertThat(AlipaySignature.verify(AlipaySignature.contentV1(Vectors.ampersandPairs(CONTENT_C)), SIGN_C, key(),
					"RSA2", UTF_8))
				.isFalse();
		}

		@Test
		void theAppCertificateCarriesTheSameKey() {
			PublicKey fromCertificate = Vectors.publicKey("v10-app-certificate.pem");
			assertThat(fromCertificate.getEncoded()).isEqualTo(key().getEncoded());
			assertThat(AlipaySignature.verify(CONTENT_B, SIGN_B, fromCertificate, "RSA2", UTF_8)).isTrue();
		}

	}

	@Nested
	class ApplicationGatewayNotificationV11 {

		static final String SIGN = "MsK5SCw8oqLw4f0hiNSd5OVGXxBY3wnQeT8vn5PklJSZFWSZbK4hQbNvkp4ZezeXQH514cEv0ul6Qow8yh6e6yM06LfEL+EZjcpZ0nxzFGRNQ5qq2AUc1OaXQdk92AGvxh+Iq4NGpPQFBd4D8EBJa3NJd8+czMfQskceosOQFqUtLQMYa5DPs+VpN7VM5BdXjaVIuKn5d9Wm2B9dI9ObIM+YRySDkZZPv14DVmUvcrcqJfOR8aHvtSd7B4l92wUQPQgQKNcOQho7xOHS/Bk+Y74AZL2y7TkNmdDoq9OGsThuF5tDW9rI9nVwXxOtsuB+bstra+W7aw9x9DvkKgdSRw==";

		static LinkedHashMap<String, String> params() {
			return with(Vectors.ampersandPairs(Vectors.text("v11-content.txt")), "sign", SIGN);
		}

		static PublicKey key() {
			return Vectors.publicKey("v11-alipay-public-key.pem");
		}

		@Test
		void contentV2KeepsSignTypeAndVerifies() {
			assertThat(AlipaySignature.contentV2(params())).isEqualTo(Vectors.text("v11-content.txt"));
			assertThat(AlipaySignature.verify(AlipaySignature.contentV2(params()), SIGN, key(), "RSA2", UTF_8)).isTrue();
		}

		@Test
		void contentV1WithoutSignTypeFails() {
			assertThat(AlipaySignature.verify(AlipaySignature.contentV1(params()), SIGN, key(), "RSA2", UTF_8)).isFalse();
		}

		@Test
		void changedServiceCodeFails() {
			String content = AlipaySignature.contentV2(with(params(), "service_code", "58621634111"));
			assertThat(AlipaySignature.verify(content, SIGN, key(), "RSA2", UTF_8)).isFalse();
		}

	}

	@Nested
	class SelfGeneratedNotificationG5 {

		static final String SIGN = "BqNa964/7KYUdClkGP+hgaheyjE1maGkJmM2PcCZJ/qevCdkzptaNYTfHXZjnjlLmm9JEZE9mWNvqnwgRX5PmJ7NzObvXOAaauO1RlKj9HCMTYGjzZkWIhg0oKsRAGrPq5SGUxaYNRueFT6uXfYKglYdBPmzPUBEHhUjXd8ITndgZ4kUUcf5z9ZXlTyEL0VzoOdkVSko47NLjUIsYiOokoN4rUkvOeVJ4/S+L67D9QG2H0SF+qsXSpjbcrptcl5oN/eER1EgLkH4StY9k1KRnrhhgcorj15QtomWZ7PJ3Q1S4gzm/baJl2iOIQAlRihQU/AVtB7wTBfVk6vwiwFNsA==";

		@Test
		void verifiesAndReSignsWithTheFixtureKeyInPkcs8AndPkcs1() {
			String content = Vectors.text("g5-content.txt");
			var params = with(with(Vectors.ampersandPairs(content), "sign_type", "RSA2"), "sign", SIGN);
			assertThat(AlipaySignature.contentV1(params)).isEqualTo(content);
			assertThat(AlipaySignature.verify(content, SIGN, Vectors.publicKey("g5-alipay-public-key.pem"), "RSA2", UTF_8))
				.isTrue();
			assertThat(AlipaySignature.sign(content, Vectors.privateKey("alipay-node-app-private-key-pkcs8.pem"), "RSA2",
					UTF_8))
				.isEqualTo(SIGN);
			assertThat(AlipaySignature.sign(content, Vectors.privateKey("alipay-node-app-private-key-pkcs1.pem"), "RSA2",
					UTF_8))
				.isEqualTo(SIGN);
		}

		@Test
		void signingWithAnUnknownSignTypeIsRefused() {
			assertThatIllegalArgumentException().isThrownBy(() -> AlipaySignature.sign("a=1",
					Vectors.privateKey("alipay-node-app-private-key-pkcs8.pem"), "RSA256", UTF_8));
		}

	}

	@Nested
	class GatewayResponses {

		static final String NOT_FOUND = "{\"alipay_trade_query_response\":{\"code\":\"40004\",\"msg\":\"Business Failed\","
				+ "\"sub_code\":\"ACQ.TRADE_NOT_EXIST\",\"sub_msg\":\"交易不存在\",\"buyer_pay_amount\":\"0.00\","
				+ "\"invoice_amount\":\"0.00\",\"out_trade_no\":\"L20190619A3H75W\",\"point_amount\":\"0.00\","
				+ "\"receipt_amount\":\"0.00\"},\"sign\":\"abc\"}";

		@Test
		void extractsTheExactResponseText() throws Exception {
			assertThat(AlipaySignature.extractResponseContent(NOT_FOUND, "alipay_trade_query_response"))
				.isEqualTo("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_NOT_EXIST\","
						+ "\"sub_msg\":\"交易不存在\",\"buyer_pay_amount\":\"0.00\",\"invoice_amount\":\"0.00\","
						+ "\"out_trade_no\":\"L20190619A3H75W\",\"point_amount\":\"0.00\",\"receipt_amount\":\"0.00\"}");
		}

		@Test
		void bracesAndQuotesInsideStringsAndNestedValuesAreHandled() throws Exception {
			String inner = "{ \"msg\" : \"a } b \\\" { c\", \"fund_bill_list\":[{\"amount\":\"1.00\"}],"
					+ " \"n\":{\"x\":{}} }";
			String json = "{\"sign\":\"x\\\"alipay_trade_query_response\\\":{}\", \"alipay_trade_query_response\" : "
					+ inner + " ,\"alipay_cert_sn\":\"1\"}";
			assertThat(AlipaySignature.extractResponseContent(json, "alipay_trade_query_response")).isEqualTo(inner);
		}

		@Test
		void aKeyThatOnlyAppearsInsideAValueIsNotFound() {
			String json = "{\"other\":{\"alipay_trade_query_response\":{\"code\":\"10000\"}},\"sign\":\"x\"}";
			assertThatExceptionOfType(MalformedMessageException.class)
				.isThrownBy(() -> AlipaySignature.extractResponseContent(json, "alipay_trade_query_response"));
		}

		@Test
		void errorResponsesAreExtractedByTheirOwnKey() throws Exception {
			String json = "{\"error_response\":{\"code\":\"40002\",\"msg\":\"Invalid Arguments\"},\"sign\":\"s\"}";
			assertThat(AlipaySignature.extractResponseContent(json, "error_response"))
				.isEqualTo("{\"code\":\"40002\",\"msg\":\"Invalid Arguments\"}");
		}

		@Test
		void missingTruncatedOrNonObjectResponsesAreMalformed() {
			for (String bad : new String[] { "", "[]", "{}", "{\"sign\":\"x\"}", "{\"alipay_trade_query_response\":",
					"{\"alipay_trade_query_response\":{\"code\":\"10000\"", "{\"alipay_trade_query_response\":\"x\"}",
					"{\"alipay_trade_query_response\":{\"a\":\"unterminated}}", "not json" }) {
				assertThatExceptionOfType(MalformedMessageException.class).as(bad)
					.isThrownBy(() -> AlipaySignature.extractResponseContent(bad, "alipay_trade_query_response"));
			}
			assertThatExceptionOfType(MalformedMessageException.class)
				.isThrownBy(() -> AlipaySignature.extractResponseContent(null, "alipay_trade_query_response"));
		}

		@Test
		void aSignedResponseVerifiesOverTheExtractedText() throws Exception {
			String inner = "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2026112222001446880500000001\"}";
			String sign = AlipaySignature.sign(inner, Vectors.privateKey("shared-alipay-private.pem"), "RSA2", UTF_8);
			String json = "{\"alipay_trade_close_response\":" + inner + ",\"sign\":\"" + sign + "\"}";
			String extracted = AlipaySignature.extractResponseContent(json, "alipay_trade_close_response");
			assertThat(AlipaySignature.verify(extracted, sign, Part1Notification.alipayKey(), "RSA2", UTF_8)).isTrue();
		}

	}

}
