package com.payrecon.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WechatV2XmlTests {

	static final String DOC_XML = "<xml><appid>wxd930ea5d5a258f4f</appid><mch_id>10000100</mch_id>"
			+ "<device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str>"
			+ "<sign>9A0A8659F005D6984697E2CA0A9CF3B7</sign></xml>";

	static MalformedMessageException rejects(String xml) {
		return rejects(Vectors.utf8(xml), "xml");
	}

	static MalformedMessageException rejects(byte[] body, String root) {
		try {
			WechatV2Xml.parse(body, root);
		}
		catch (MalformedMessageException ex) {
			return ex;
		}
		throw new AssertionError("expected MalformedMessageException");
	}

	/** Every message in the cause chain, to prove no file content leaked into an exception. */
	static String allMessages(Throwable ex) {
		StringBuilder sb = new StringBuilder();
		for (Throwable t = ex; t != null; t = t.getCause()) {
			sb.append(t).append('\n');
		}
		return sb.toString();
	}

	@Nested
	class WellFormedBodies {

		@Test
		void docExampleParsesInOrderAndItsSignatureVerifies() throws Exception {
			LinkedHashMap<String, String> fields = WechatV2Xml.parse(Vectors.utf8(DOC_XML));
			assertThat(fields).containsExactly(Map.entry("appid", "wxd930ea5d5a258f4f"),
					Map.entry("mch_id", "10000100"), Map.entry("device_info", "1000"), Map.entry("body", "test"),
					Map.entry("nonce_str", "ibuaiVcKdpRxkhJA"), Map.entry("sign", "9A0A8659F005D6984697E2CA0A9CF3B7"));
			assertThat(WechatV2Signature.verify(fields, WechatV2SignatureTests.DOC_KEY, WechatSignType.MD5)).isTrue();
		}

		@Test
		void cdataTextAndEmptyElementsAreValues() throws Exception {
			String xml = """
					<xml>
					  <return_code><![CDATA[SUCCESS]]></return_code>
					  <total_fee>101</total_fee>
					  <attach><![CDATA[支付测试 <a&b>]]></attach>
					  <device_info></device_info>
					  <empty/>
					  <escaped>a&amp;b&lt;c</escaped>
					</xml>
					""";
			assertThat(WechatV2Xml.parse(Vectors.utf8(xml))).containsExactly(Map.entry("return_code", "SUCCESS"),
					Map.entry("total_fee", "101"), Map.entry("attach", "支付测试 <a&b>"), Map.entry("device_info", ""),
					Map.entry("empty", ""), Map.entry("escaped", "a&b<c"));
		}

		@Test
		void valuesKeepSurroundingWhitespaceExactlyAsReceived() throws Exception {
			assertThat(WechatV2Xml.parse(Vectors.utf8("<xml><attach> x </attach></xml>"))).containsEntry("attach",
					" x ");
		}

		@Test
		void xmlDeclarationAndUtf8BomAreAccepted() throws Exception {
			byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
			byte[] xml = Vectors.utf8("<?xml version=\"1.0\" encoding=\"UTF-8\"?><xml><a>1</a></xml>");
			byte[] body = new byte[bom.length + xml.length];
			System.arraycopy(bom, 0, body, 0, bom.length);
			System.arraycopy(xml, 0, body, bom.length, xml.length);
			assertThat(WechatV2Xml.parse(body)).containsExactly(Map.entry("a", "1"));
		}

		@Test
		void writeProducesCdataAndRoundTrips() throws Exception {
			var fields = new LinkedHashMap<String, String>();
			fields.put("return_code", "SUCCESS");
			fields.put("total_fee", "101");
			fields.put("attach", "中文 & <tag> ]]> end");
			String xml = WechatV2Xml.write(fields);
			assertThat(xml).startsWith("<xml><return_code><![CDATA[SUCCESS]]></return_code>")
				.endsWith("</attach></xml>");
			assertThat(WechatV2Xml.parse(Vectors.utf8(xml))).containsExactlyEntriesOf(fields);
		}

		@Test
		void writeProducesTheAcknowledgement() {
			var ack = new LinkedHashMap<String, String>();
			ack.put("return_code", "SUCCESS");
			ack.put("return_msg", "OK");
			assertThat(WechatV2Xml.write(ack)).isEqualTo(
					"<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>");
		}

		/**
		 * Issue 17: one hardened factory shared by every parse, and builders pooled and reused. Many threads parsing at
		 * once, each a different body, half of them hostile: every good body gives its own fields, every hostile one
		 * is refused, whichever builder parsed what before.
		 */
		@Test
		void parsesFromManyThreadsAtOnceWithTheSharedFactoryAndPooledBuilders() throws Exception {
			int threads = 16;
			int rounds = 200;
			java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
			try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
				var results = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
				for (int t = 0; t < threads; t++) {
					int thread = t;
					results.add(pool.submit(() -> {
						start.await();
						int checked = 0;
						for (int i = 0; i < rounds; i++) {
							String id = thread + "-" + i;
							if (i % 2 == 0) {
								var fields = WechatV2Xml.parse(Vectors.utf8("<xml><out_trade_no><![CDATA[" + id
										+ "]]></out_trade_no><total_fee>" + i + "</total_fee></xml>"));
								assertThat(fields).containsExactly(Map.entry("out_trade_no", id),
										Map.entry("total_fee", Integer.toString(i)));
							}
							else {
								assertThat(rejects("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
										+ "\"file:///etc/passwd\">]><xml><a>&e;</a><id>" + id + "</id></xml>"))
									.isNotNull();
							}
							checked++;
						}
						return checked;
					}));
				}
				for (var r : results) {
					assertThat(r.get()).isEqualTo(rounds);
				}
			}
		}

		/**
		 * Issue 17: on one thread the same pooled builder parses one body after another. One that failed in the middle
		 * (an entity, a truncated body, a duplicate) leaves nothing behind: the next good body gives exactly its own
		 * fields, and a DOCTYPE is still refused after the reset.
		 */
		@Test
		void aReusedBuilderKeepsNothingFromTheBodyBeforeAndStaysHardened() throws Exception {
			for (int i = 0; i < 3; i++) {
				assertThat(rejects("<!DOCTYPE xml [<!ENTITY e \"x\">]><xml><a>&e;</a></xml>")).isNotNull();
				assertThat(rejects("<xml><a>1</a><b>2")).isNotNull();
				assertThat(rejects("<xml><a>1</a><a>2</a></xml>")).isNotNull();
				assertThat(WechatV2Xml.parse(Vectors.utf8("<xml><c>" + i + "</c></xml>")))
					.containsExactly(Map.entry("c", Integer.toString(i)));
			}
		}

		@Test
		void writeRefusesNamesThatAreNotPlainElementNames() {
			assertThatIllegalArgumentException().isThrownBy(() -> WechatV2Xml.write(Map.of("a b", "1")));
			assertThatIllegalArgumentException().isThrownBy(() -> WechatV2Xml.write(Map.of("a><b", "1")));
			assertThatIllegalArgumentException().isThrownBy(() -> WechatV2Xml.write(Map.of("ok", "\u0000")));
		}

	}

	@Nested
	class HostileBodies {

		@Test
		void externalEntityToEtcPasswdIsRejectedAndNothingIsRead(@TempDir Path dir) throws IOException {
			Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-FILE-CONTENT");
			for (String target : new String[] { "file:///etc/passwd", secret.toUri().toString() }) {
				String xml = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"" + target + "\">]>"
						+ "<xml><attach>&xxe;</attach></xml>";
				MalformedMessageException ex = rejects(xml);
				assertThat(allMessages(ex)).doesNotContain("root:").doesNotContain("TOP-SECRET-FILE-CONTENT");
			}
		}

		@Test
		void externalDtdOpensNoConnection() throws IOException {
			try (ServerSocketChannel listener = ServerSocketChannel.open()) {
				listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				listener.configureBlocking(false);
				int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
				rejects("<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"http://127.0.0.1:" + port + "/x.dtd\">"
						+ "<xml><a>1</a></xml>");
				rejects("<!DOCTYPE xml [<!ENTITY % dtd SYSTEM \"http://127.0.0.1:" + port + "/p.dtd\"> %dtd;]>"
						+ "<xml><a>1</a></xml>");
				rejects("<!DOCTYPE xml [<!ENTITY e SYSTEM \"http://127.0.0.1:" + port + "/e\">]><xml><a>&e;</a></xml>");
				// parsing is synchronous: any connection attempt would already be queued on the listener
				assertThat(listener.accept()).as("connection from the XML parser").isNull();
			}
		}

		@Test
		void billionLaughsIsRejectedQuickly() {
			StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
			xml.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
			for (int i = 2; i <= 9; i++) {
				xml.append("<!ENTITY lol").append(i).append(" \"");
				xml.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
			}
			xml.append("]><xml><attach>&lol9;</attach></xml>");
			assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rejects(xml.toString()));
		}

		@Test
		void xincludeIsNotProcessed() throws Exception {
			String xml = "<xml xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
					+ "<xi:include href=\"file:///etc/passwd\" parse=\"text\"/></xml>";
			assertThat(WechatV2Xml.parse(Vectors.utf8(xml)).toString()).doesNotContain("root:");
		}

		@Test
		void duplicateTotalFeeIsRejected() {
			assertThat(rejects("<xml><total_fee>1</total_fee><total_fee>100</total_fee></xml>"))
				.hasMessageContaining("duplicate");
		}

		@Test
		void emptyBodyIsRejected() {
			rejects(new byte[0], "xml");
			rejects("   \n");
			assertThatExceptionOfType(MalformedMessageException.class).isThrownBy(() -> WechatV2Xml.parse(null));
		}

		@Test
		void truncatedXmlIsRejected() {
			rejects(DOC_XML.substring(0, DOC_XML.length() - 7));
			rejects("<xml><a><![CDATA[1]]></a>");
			rejects("<xml><a>1</xml>");
		}

		@Test
		void nonUtf8BytesAreRejected() {
			rejects("<xml><attach>支付测试</attach></xml>".getBytes(Charset.forName("GBK")), "xml");
			rejects(("<?xml version=\"1.0\" encoding=\"GBK\"?><xml><attach>支付</attach></xml>")
				.getBytes(Charset.forName("GBK")), "xml");
			rejects(new byte[] { '<', 'x', 'm', 'l', '>', (byte) 0xC3, '<', '/', 'x', 'm', 'l', '>' }, "xml");
		}

		@Test
		void wrongRootIsRejected() {
			rejects("<root><a>1</a></root>");
			rejects("<XML><a>1</a></XML>");
		}

		@Test
		void nestedElementsAreRejected() {
			rejects("<xml><a><b>1</b></a></xml>");
			rejects("<xml><a>text<b/></a></xml>");
		}

		@Test
		void textOutsideFieldsIsRejected() {
			rejects("<xml>stray<a>1</a></xml>");
		}

		@Test
		void notXmlAtAllIsRejected() {
			rejects("{\"return_code\":\"SUCCESS\"}");
			rejects("return_code=SUCCESS");
			rejects(new byte[] { 0, 0, 0, 0 }, "xml");
		}

	}

}
