package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;

import org.junit.jupiter.api.Test;

/**
 * vectors.md N1–N5: samples published by the providers whose keys are unknown, so they cannot be verified. Only N1
 * states what the documentation key gives, and that is checked here; the rest are recorded so nobody mistakes them
 * for vectors:
 * <ul>
 * <li>N2 WxJava notification {@code sign=B552ED6B…}: key not published.</li>
 * <li>N3 WxJava refund {@code req_info} {@code q1QZlV5j…}: mchKey in a private test config.</li>
 * <li>N4 Alipay doc notify sample {@code sign=kPbQIjX+…}: key not published, 1024-bit signature.</li>
 * <li>N5 v3 doc Authorization {@code signature="uOVRnA4qG/MNnYzd…"}: merchant private key not published; its pair
 * order is covered by {@code WechatV3CryptoTests.AuthorizationHeader#pairsAreParsedInAnyOrderWithOptionalSpaces}.</li>
 * </ul>
 */
class UnverifiablePublishedSamplesTests {

	@Test
	void n1CloseOrderDocSampleDoesNotVerifyWithTheDocKey() {
		var fields = new LinkedHashMap<String, String>();
		fields.put("appid", "wx2421b1c4370ec43b");
		fields.put("mch_id", "10000100");
		fields.put("nonce_str", "4ca93f17ddf3443ceabf72f26d64fe0e");
		fields.put("out_trade_no", "1415983244");
		fields.put("sign", "59FF1DF214B2D279A0EA7077C54DD95D");
		assertThat(WechatV2Signature.sign(fields, WechatV2SignatureTests.DOC_KEY, WechatSignType.MD5))
			.isEqualTo("8D2363E7A0948301A065F369DEB9011B");
		assertThat(WechatV2Signature.verify(fields, WechatV2SignatureTests.DOC_KEY, WechatSignType.MD5)).isFalse();
	}

}
