package com.payrecon.crypto;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.EntityResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Hardened codec for WeChat Pay APIv2 XML bodies {@code <xml><k>v</k>...</xml>} (protocols.md E.1, threat cases
 * P1–P4, P8). DOCTYPE is disallowed outright, so no entity (internal or external), DTD or parameter entity is ever
 * processed; XInclude is off and secure processing is on. Bytes are decoded as strict UTF-8 before the parser sees
 * them, so an {@code encoding="..."} declaration cannot switch charsets. The same parser serves the decrypted refund
 * {@code req_info} (root {@code root}).
 */
public final class WechatV2Xml {

	static final String ROOT = "xml";

	private static final Pattern XML_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

	private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

	private static final ErrorHandler RETHROW = new ErrorHandler() {
		@Override
		public void warning(SAXParseException exception) {
			// warnings are not errors; nothing is logged
		}

		@Override
		public void error(SAXParseException exception) throws SAXException {
			throw exception;
		}

		@Override
		public void fatalError(SAXParseException exception) throws SAXException {
			throw exception;
		}
	};

	private WechatV2Xml() {
	}

	/** Parses a v2 body whose root element is {@code xml} into an insertion-ordered map. */
	public static LinkedHashMap<String, String> parse(byte @Nullable [] body) throws MalformedMessageException {
		return parse(body, ROOT);
	}

	/**
	 * Parses {@code <expectedRoot><k>v</k>...</expectedRoot>} (text or CDATA values) with the hardened parser. Rejects
	 * a DOCTYPE, a wrong root, a repeated child, a child that has element children, text outside the children, and
	 * bytes that are not well-formed UTF-8. Never reads files or opens connections.
	 */
	public static LinkedHashMap<String, String> parse(byte @Nullable [] body, String expectedRoot)
			throws MalformedMessageException {
		Objects.requireNonNull(expectedRoot, "expectedRoot");
		if (body == null || body.length == 0) {
			throw new MalformedMessageException("empty XML body");
		}
		String text = strictUtf8(body);
		if (text.startsWith("\uFEFF")) {
			text = text.substring(1);
		}
		if (text.isBlank()) {
			throw new MalformedMessageException("empty XML body");
		}
		Document document = parseDocument(text);
		Element root = document.getDocumentElement();
		if (root == null || !expectedRoot.equals(root.getNodeName())) {
			throw new MalformedMessageException("unexpected XML root element, expected <" + expectedRoot + ">");
		}
		LinkedHashMap<String, String> fields = new LinkedHashMap<>();
		NodeList children = root.getChildNodes();
		for (int i = 0; i < children.getLength(); i++) {
			Node child = children.item(i);
			switch (child.getNodeType()) {
				case Node.ELEMENT_NODE -> {
					String name = child.getNodeName();
					String value = leafValue((Element) child);
					if (fields.putIfAbsent(name, value) != null) {
						throw new MalformedMessageException("duplicate element" + describe(name));
					}
				}
				case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> {
					if (!child.getNodeValue().isBlank()) {
						throw new MalformedMessageException("text outside of field elements");
					}
				}
				case Node.COMMENT_NODE, Node.PROCESSING_INSTRUCTION_NODE -> {
					// carry no data
				}
				default -> throw new MalformedMessageException("unexpected XML node type " + child.getNodeType());
			}
		}
		return fields;
	}

	/**
	 * Writes {@code <xml><k><![CDATA[v]]></k>...</xml>} in map order; a {@code "]]>"} inside a value is split across
	 * two CDATA sections. Null values are skipped.
	 * @throws IllegalArgumentException for a key that is not a plain XML name or a value with characters XML cannot
	 * carry
	 */
	public static String write(Map<String, String> fields) {
		StringBuilder sb = new StringBuilder("<xml>");
		for (Map.Entry<String, String> entry : fields.entrySet()) {
			String key = entry.getKey();
			String value = entry.getValue();
			if (value == null) {
				continue;
			}
			if (key == null || !XML_NAME.matcher(key).matches() || key.regionMatches(true, 0, "xml", 0, 3)) {
				throw new IllegalArgumentException("field name is not a plain XML element name");
			}
			requireXmlChars(value);
			sb.append('<').append(key).append("><![CDATA[")
				.append(value.replace("]]>", "]]]]><![CDATA[>"))
				.append("]]></").append(key).append('>');
		}
		return sb.append("</xml>").toString();
	}

	private static String leafValue(Element element) throws MalformedMessageException {
		StringBuilder value = new StringBuilder();
		NodeList nodes = element.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			Node node = nodes.item(i);
			switch (node.getNodeType()) {
				case Node.TEXT_NODE, Node.CDATA_SECTION_NODE -> value.append(node.getNodeValue());
				case Node.COMMENT_NODE, Node.PROCESSING_INSTRUCTION_NODE -> {
					// carry no data
				}
				case Node.ELEMENT_NODE -> throw new MalformedMessageException(
						"nested element inside field" + describe(element.getNodeName()));
				default -> throw new MalformedMessageException("unexpected XML node type " + node.getNodeType());
			}
		}
		return value.toString();
	}

	private static Document parseDocument(String text) throws MalformedMessageException {
		// builders are not thread-safe, and each new one builds Xerces's whole configuration (issue 17: 4 % of the v2
		// notify path's JVM samples): one is taken from a small pool, used by this thread alone, reset and returned
		DocumentBuilder builder = BUILDERS.poll();
		try {
			if (builder == null) {
				builder = FACTORY.newDocumentBuilder();
			}
			// reset() restores the handlers the builder was created with (none): set on every use
			builder.setErrorHandler(RETHROW);
			builder.setEntityResolver(NO_ENTITIES);
			return builder.parse(new InputSource(new StringReader(text)));
		}
		catch (ParserConfigurationException ex) {
			throw new IllegalStateException("hardened XML parser is not available", ex);
		}
		catch (SAXException ex) {
			throw new MalformedMessageException("malformed or disallowed XML", ex);
		}
		catch (Exception ex) { // IOException cannot happen on a StringReader; runtime failures of the parser
			builder = null; // a builder the parser itself failed in is not trusted again
			throw new MalformedMessageException("unparseable XML", ex);
		}
		finally {
			if (builder != null) {
				builder.reset();
				BUILDERS.offer(builder); // dropped when the pool is full
			}
		}
	}

	private static final EntityResolver NO_ENTITIES = (publicId, systemId) -> {
		throw new SAXException("external entities are not allowed");
	};

	/** Idle builders, at most as many as requests have parsed at once (bounded: more are dropped). */
	private static final BlockingQueue<DocumentBuilder> BUILDERS = new ArrayBlockingQueue<>(64);

	private static String strictUtf8(byte[] body) throws MalformedMessageException {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new MalformedMessageException("XML body is not valid UTF-8");
		}
	}

	private static void requireXmlChars(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			boolean ok = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF)
					|| (c >= 0xE000 && c <= 0xFFFD) || Character.isSurrogate(c);
			if (!ok) {
				throw new IllegalArgumentException("value contains a character XML cannot carry");
			}
		}
	}

	private static String describe(String name) {
		return SAFE_NAME.matcher(name).matches() ? " <" + name + ">" : "";
	}

	/**
	 * Built and hardened once, never changed afterwards (issue 17: building one per parse was a tenth of the v2 notify
	 * path). JAXP does not promise a thread-safe factory in general; this is the JDK's own implementation
	 * ({@code newDefaultInstance}), whose {@code newDocumentBuilder} only reads the features and attributes set here
	 * into a new builder, so sharing it for that alone is safe ({@code WechatV2XmlTests} parses from many threads at
	 * once, and keeps every XXE case).
	 */
	private static final DocumentBuilderFactory FACTORY = hardenedFactory();

	private static DocumentBuilderFactory hardenedFactory() {
		// the JDK's own implementation, whatever XML library the classpath brings
		DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
		try {
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
			factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
			factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
			factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
		}
		catch (ParserConfigurationException ex) {
			throw new IllegalStateException("cannot harden the XML parser", ex);
		}
		factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
		factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
		factory.setXIncludeAware(false);
		factory.setExpandEntityReferences(false);
		factory.setNamespaceAware(false);
		factory.setValidating(false);
		factory.setCoalescing(false);
		factory.setIgnoringComments(true);
		return factory;
	}

}
