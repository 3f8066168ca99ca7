package com.payrecon.console.notifications;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.crypto.WechatV2Xml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Shows a stored notification body to a person: WeChat Pay v2 XML through the hardened parser, v3 JSON re-indented,
 * Alipay forms decoded one parameter a line; signatures and encrypted blobs shortened. Anything it cannot parse is
 * shown as text. The result is plain text: templates print it with {@code th:text}, never as markup.
 */
public final class RawBodyFormatter {

	/** Values that prove or hide something: shown shortened, never in full. */
	static final Set<String> SHORTENED = Set.of("sign", "paysign", "signature", "req_info", "ciphertext",
			"wechatpay-signature", "authorization", "cookie", "app_auth_token", "auth_token");

	private static final int KEEP = 8;
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private RawBodyFormatter() {
	}

	public record FormattedBody(String format, String text) {
	}

	public static FormattedBody format(String channel, String contentType, byte[] body) {
		if (body == null || body.length == 0) {
			return new FormattedBody("empty", "");
		}
		String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
		try {
			if ("wechatpay-v2".equals(channel) || type.contains("xml")) {
				return new FormattedBody("XML", xml(WechatV2Xml.parse(body)));
			}
			if ("wechatpay-v3".equals(channel) || type.contains("json")) {
				return new FormattedBody("JSON", json(body));
			}
			if ("alipay".equals(channel) || type.contains("form")) {
				return new FormattedBody("form", form(body));
			}
		}
		catch (MalformedMessageException | RuntimeException ex) {
			// not what the channel should send: show it as it came
		}
		return new FormattedBody("text (unparsed)", text(body));
	}

	/** The value as the console may show it. */
	static String mask(String key, String value) {
		if (value == null || key == null || !SHORTENED.contains(key.toLowerCase(Locale.ROOT))) {
			return value;
		}
		return shorten(value);
	}

	static String shorten(String value) {
		if (value.length() <= KEEP) {
			return "••••";
		}
		return value.substring(0, KEEP) + "…(" + value.length() + " chars)";
	}

	/** A query string with the values of {@link #SHORTENED} parameters shortened (Alipay's return URL is signed). */
	static String maskQuery(String query) {
		if (query == null || query.isEmpty()) {
			return query;
		}
		StringBuilder out = new StringBuilder();
		for (String pair : query.split("&", -1)) {
			if (!out.isEmpty()) {
				out.append('&');
			}
			int eq = pair.indexOf('=');
			if (eq > 0 && SHORTENED.contains(pair.substring(0, eq).toLowerCase(Locale.ROOT))) {
				out.append(pair, 0, eq + 1).append(shorten(pair.substring(eq + 1)));
			}
			else {
				out.append(pair);
			}
		}
		return out.toString();
	}

	static List<Map.Entry<String, String>> maskHeaders(Map<String, List<String>> headers) {
		return headers.entrySet()
			.stream()
			.flatMap(e -> e.getValue().stream().map(v -> Map.entry(e.getKey(), mask(e.getKey(), v))))
			.toList();
	}

	private static String xml(Map<String, String> fields) {
		StringBuilder out = new StringBuilder("<xml>\n");
		fields.forEach((k, v) -> out.append("  <").append(k).append('>').append(mask(k, v)).append("</").append(k).append(">\n"));
		return out.append("</xml>").toString();
	}

	private static String json(byte[] body) {
		JsonNode tree = JSON.readTree(strictUtf8(body));
		return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(maskJson(tree));
	}

	private static JsonNode maskJson(JsonNode node) {
		if (node instanceof ObjectNode object) {
			ObjectNode copy = JSON.createObjectNode();
			for (Map.Entry<String, JsonNode> field : object.properties()) {
				JsonNode value = field.getValue();
				if (value.isString() && SHORTENED.contains(field.getKey().toLowerCase(Locale.ROOT))) {
					copy.put(field.getKey(), shorten(value.asString()));
				}
				else {
					copy.set(field.getKey(), maskJson(value));
				}
			}
			return copy;
		}
		if (node instanceof ArrayNode array) {
			ArrayNode copy = JSON.createArrayNode();
			array.forEach(item -> copy.add(maskJson(item)));
			return copy;
		}
		return node;
	}

	private static String form(byte[] body) throws MalformedMessageException {
		String declared = FormCodec.peekAscii(body, "charset");
		Charset charset = StandardCharsets.UTF_8;
		if (declared != null && Charset.isSupported(declared)) {
			charset = Charset.forName(declared);
		}
		StringBuilder out = new StringBuilder();
		FormCodec.parse(body, charset).forEach((k, v) -> out.append(k).append(" = ").append(mask(k, v)).append('\n'));
		return out.toString().stripTrailing();
	}

	private static String strictUtf8(byte[] body) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new IllegalArgumentException("not UTF-8");
		}
	}

	private static String text(byte[] body) {
		return new String(body, StandardCharsets.UTF_8);
	}
}
