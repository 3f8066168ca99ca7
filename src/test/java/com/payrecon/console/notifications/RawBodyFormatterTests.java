package com.payrecon.console.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RawBodyFormatterTests {

	@Test
	void wechatV2XmlIsShownOneFieldALineWithTheSignShortened() {
		String xml = "<xml><return_code><![CDATA[SUCCESS]]></return_code><attach><![CDATA[<b>x</b>]]></attach>"
				+ "<sign><![CDATA[0123456789ABCDEF0123456789ABCDEF]]></sign></xml>";
		var body = RawBodyFormatter.format("wechatpay-v2", "text/xml", xml.getBytes(StandardCharsets.UTF_8));
		assertThat(body.format()).isEqualTo("XML");
		assertThat(body.text()).isEqualTo("<xml>\n  <return_code>SUCCESS</return_code>\n  <attach><b>x</b></attach>\n"
				+ "  <sign>01234567…(32 chars)</sign>\n</xml>");
	}

	@Test
	void hostileXmlIsNotParsedButShownAsText() {
		String xxe = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><a>&e;</a></xml>";
		var body = RawBodyFormatter.format("wechatpay-v2", "text/xml", xxe.getBytes(StandardCharsets.UTF_8));
		assertThat(body.format()).isEqualTo("text (unparsed)");
		assertThat(body.text()).isEqualTo(xxe).doesNotContain("root:");
	}

	@Test
	void v3JsonIsIndentedWithCiphertextShortenedAtAnyDepth() {
		String json = "{\"id\":\"n1\",\"resource\":{\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"QUJDREVGR0hJSktMTU5PUA==\"}}";
		var body = RawBodyFormatter.format("wechatpay-v3", "application/json", json.getBytes(StandardCharsets.UTF_8));
		assertThat(body.format()).isEqualTo("JSON");
		assertThat(body.text()).contains("\n  \"resource\"").contains("QUJDREVG…(24 chars)").doesNotContain("QUJDREVGR0hJSktMTU5PUA==");
	}

	@Test
	void alipayFormsAreDecodedWithTheSignShortened() {
		String form = "charset=utf-8&subject=%E6%B5%8B%E8%AF%95&sign=" + "A".repeat(40) + "&total_amount=1.00";
		var body = RawBodyFormatter.format("alipay", "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));
		assertThat(body.format()).isEqualTo("form");
		assertThat(body.text()).isEqualTo("charset = utf-8\nsubject = 测试\nsign = AAAAAAAA…(40 chars)\ntotal_amount = 1.00");
	}

	@Test
	void signatureHeadersAndSignedQueryParametersAreShortened() {
		var headers = RawBodyFormatter.maskHeaders(Map.of("wechatpay-signature", List.of("c2lnbmF0dXJlLXZhbHVlLWhlcmU="),
				"content-type", List.of("application/json")));
		assertThat(headers).contains(Map.entry("content-type", "application/json"))
			.contains(Map.entry("wechatpay-signature", "c2lnbmF0…(28 chars)"));
		assertThat(RawBodyFormatter.maskQuery("out_trade_no=T1&sign=abcdefghijklmnopqrstuvwxyz&sign_type=RSA2"))
			.isEqualTo("out_trade_no=T1&sign=abcdefgh…(26 chars)&sign_type=RSA2");
		assertThat(RawBodyFormatter.mask("sign", "short")).isEqualTo("••••");
	}

	@Test
	void emptyAndBinaryBodiesDoNotFail() {
		assertThat(RawBodyFormatter.format("alipay", null, new byte[0]).format()).isEqualTo("empty");
		assertThat(RawBodyFormatter.format("wechatpay-v3", "application/json", new byte[] { (byte) 0xff, 0x00, 0x7b }).format())
			.isEqualTo("text (unparsed)");
	}
}
