package com.payrecon.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FormCodecTests {

	static final Charset GBK = Charset.forName("GBK");

	static void rejects(String body, Charset charset) {
		rejects(body.getBytes(UTF_8), charset);
	}

	static void rejects(byte[] body, Charset charset) {
		assertThatExceptionOfType(MalformedMessageException.class).isThrownBy(() -> FormCodec.parse(body, charset));
	}

	@Test
	void part1AlipayFormBodyDecodesToExactlyTheListedParamsAndVerifies() throws Exception {
		byte[] body = Vectors.bytes("alipay-part1-form-body.txt");
		assertThat(FormCodec.peekAscii(body, "charset")).isEqualTo("utf-8");
		LinkedHashMap<String, String> params = FormCodec.parse(body, Charset.forName(FormCodec.peekAscii(body, "charset")));
		assertThat(params).containsExactlyEntriesOf(AlipaySignatureTests.Part1Notification.params());
		assertThat(AlipaySignature.contentV1(params)).isEqualTo(AlipaySignatureTests.Part1Notification.CONTENT);
		assertThat(AlipaySignature.verify(AlipaySignature.contentV1(params), params.get("sign"),
				Vectors.publicKey("shared-alipay-public.pem"), params.get("sign_type"), UTF_8))
			.isTrue();
	}

	@Test
	void encodeReproducesThePart1FormBody() {
		assertThat(FormCodec.encode(AlipaySignatureTests.Part1Notification.params(), UTF_8))
			.isEqualTo(Vectors.text("alipay-part1-form-body.txt"));
	}

	@Test
	void repeatedKeyIsRejected() {
		rejects("total_amount=88.88&out_trade_no=1&total_amount=0.01", UTF_8);
		rejects("sign=a&sign=b", UTF_8);
		// the same name spelled with an escape is still the same parameter
		rejects("total_amount=1&total%5Famount=2", UTF_8);
	}

	@Test
	void gbkBodyIsDecodedWithGbk() throws Exception {
		String body = "charset=gbk&subject=" + java.net.URLEncoder.encode("测试订单 中文", GBK) + "&total_amount=1.00";
		assertThat(body).contains("%B2%E2%CA%D4");
		byte[] bytes = body.getBytes(UTF_8);
		assertThat(FormCodec.peekAscii(bytes, "charset")).isEqualTo("gbk");
		assertThat(FormCodec.parse(bytes, GBK)).containsExactly(Map.entry("charset", "gbk"),
				Map.entry("subject", "测试订单 中文"), Map.entry("total_amount", "1.00"));
	}

	@Test
	void gbkBytesAreNotSilentlyDecodedAsUtf8() {
		rejects("subject=%B2%E2%CA%D4", UTF_8);
		rejects("subject=测试".getBytes(GBK), UTF_8);
	}

	@Test
	void badPercentEscapesAreRejected() {
		rejects("a=%", UTF_8);
		rejects("a=%4", UTF_8);
		rejects("a=%G1", UTF_8);
		rejects("a=%%41", UTF_8);
		rejects("%ZZ=1", UTF_8);
	}

	@Test
	void plusIsASpaceAndAnEncodedPlusIsAPlus() throws Exception {
		assertThat(FormCodec.parse("a=x+y&b=x%2By&c=a%3D1%26b".getBytes(UTF_8), UTF_8))
			.containsExactly(Map.entry("a", "x y"), Map.entry("b", "x+y"), Map.entry("c", "a=1&b"));
	}

	@Test
	void emptySegmentsAreSkippedAndValuesMayBeEmptyOrContainEquals() throws Exception {
		assertThat(FormCodec.parse("a=1&&b=&c&d=x=y&".getBytes(UTF_8), UTF_8)).containsExactly(Map.entry("a", "1"),
				Map.entry("b", ""), Map.entry("c", ""), Map.entry("d", "x=y"));
		assertThat(FormCodec.parse(new byte[0], UTF_8)).isEmpty();
		assertThat(FormCodec.parse(null, UTF_8)).isEmpty();
	}

	@Test
	void emptyParameterNameIsRejected() {
		rejects("=1&a=2", UTF_8);
	}

	@Test
	void peekReturnsNullWhenAbsentAndDecodesOnlyTheOneValue() {
		byte[] body = "subject=%B2%E2&charset=GB%32312".getBytes(UTF_8);
		assertThat(FormCodec.peekAscii(body, "charset")).isEqualTo("GB2312");
		assertThat(FormCodec.peekAscii(body, "sign_type")).isNull();
		assertThat(FormCodec.peekAscii(null, "charset")).isNull();
	}

	@Test
	void encodeRoundTripsInAnyCharset() throws Exception {
		var params = new LinkedHashMap<String, String>();
		params.put("subject", "会员 充值+&=%");
		params.put("json", "[{\"a\":\"1\"}]");
		for (Charset charset : new Charset[] { UTF_8, GBK }) {
			String encoded = FormCodec.encode(params, charset);
			assertThat(FormCodec.parse(encoded.getBytes(UTF_8), charset)).containsExactlyEntriesOf(params);
		}
	}

	@Test
	void escapedSpacesAndLineBreaksAreDecodedInNamesAndValues() throws Exception {
		assertThat(FormCodec.parse("a%20b=%0A&c=%20x%2b%2B".getBytes(UTF_8), UTF_8))
			.containsExactly(Map.entry("a b", "\n"), Map.entry("c", " x++"));
	}

	@Test
	void aLeadingOrTrailingAmpersandIsAnEmptySegment() throws Exception {
		assertThat(FormCodec.parse("&a=1".getBytes(UTF_8), UTF_8)).containsExactly(Map.entry("a", "1"));
		assertThat(FormCodec.parse("&&a=1&&".getBytes(UTF_8), UTF_8)).containsExactly(Map.entry("a", "1"));
		assertThat(FormCodec.parse("&".getBytes(UTF_8), UTF_8)).isEmpty();
		assertThat(FormCodec.parse("a".getBytes(UTF_8), UTF_8)).containsExactly(Map.entry("a", ""));
	}

	@Test
	void anEscapeCutShortAtTheEndOfAValueIsRejectedEvenBeforeTheNextParameter() {
		rejects("a=%4&b=1", UTF_8);
		rejects("a=%&b=1", UTF_8);
		rejects("a=1%2", UTF_8);
	}

	@Test
	void peekKeepsABadEscapeAsItCameAndReadsAValuelessKeyAsEmpty() {
		assertThat(FormCodec.peekAscii("charset=%G1&x=1".getBytes(UTF_8), "charset")).isEqualTo("%G1");
		assertThat(FormCodec.peekAscii("&charset&x=1".getBytes(UTF_8), "charset")).isEmpty();
		assertThat(FormCodec.peekAscii("charset=utf-8&charset=gbk".getBytes(UTF_8), "charset")).isEqualTo("utf-8");
		assertThat(FormCodec.peekAscii("xcharset=gbk".getBytes(UTF_8), "charset")).isNull();
		assertThat(FormCodec.peekAscii("charset=%20gbk%0A".getBytes(UTF_8), "charset")).isEqualTo(" gbk\n");
	}

	@Test
	void encodeSkipsNullValuesAndKeepsMapOrder() {
		var params = new LinkedHashMap<String, String>();
		params.put("b", "2");
		params.put("skipped", null);
		params.put("a", "x y");
		assertThat(FormCodec.encode(params, UTF_8)).isEqualTo("b=2&a=x+y");
		assertThat(FormCodec.encode(new LinkedHashMap<>(), UTF_8)).isEmpty();
	}
}
