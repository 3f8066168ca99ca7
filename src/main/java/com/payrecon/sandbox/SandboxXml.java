package com.payrecon.sandbox;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * WeChat Pay v2 XML for the sandbox: flat {@code <xml>} documents, parsed with DOCTYPE, external entities and
 * XInclude refused (protocols.md E.1). Its own copy, independent of PayRecon's parser.
 */
final class SandboxXml {

	private SandboxXml() {
	}

	/** The children of {@code <xml>} as text; null when the body is not such a document. */
	static Map<String, String> parse(byte[] body) {
		if (body == null || body.length == 0) {
			return null;
		}
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
			factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
			factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
			factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
			factory.setXIncludeAware(false);
			factory.setExpandEntityReferences(false);
			DocumentBuilder builder = factory.newDocumentBuilder();
			builder.setErrorHandler(null);
			Element root = builder.parse(new ByteArrayInputStream(body)).getDocumentElement();
			if (!"xml".equals(root.getTagName())) {
				return null;
			}
			Map<String, String> fields = new LinkedHashMap<>();
			NodeList children = root.getChildNodes();
			for (int i = 0; i < children.getLength(); i++) {
				Node child = children.item(i);
				if (child instanceof Element e) {
					fields.put(e.getTagName(), e.getTextContent());
				}
			}
			return fields;
		}
		catch (Exception ex) {
			return null;
		}
	}

	/** Values in CDATA except the integer fields named in {@code bare} (as WeChat does for amounts). */
	static String write(Map<String, String> fields, Set<String> bare) {
		StringBuilder xml = new StringBuilder("<xml>");
		fields.forEach((k, v) -> {
			if (v == null) {
				return;
			}
			xml.append('<').append(k).append('>');
			if (bare.contains(k)) {
				xml.append(v);
			}
			else {
				xml.append("<![CDATA[").append(v.replace("]]>", "]]]]><![CDATA[>")).append("]]>");
			}
			xml.append("</").append(k).append('>');
		});
		return xml.append("</xml>").toString();
	}
}
