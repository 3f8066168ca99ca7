package com.payrecon.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Loads the test-only vector files in {@code src/test/resources/vectors} (see the README there). */
final class Vectors {

	private Vectors() {
	}

	static byte[] bytes(String name) {
		try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
			if (in == null) {
				throw new IllegalStateException("missing test vector " + name);
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String text(String name) {
		return new String(bytes(name), StandardCharsets.UTF_8);
	}

	static PublicKey publicKey(String name) {
		return Keys.publicKey(text(name));
	}

	static PrivateKey privateKey(String name) {
		return Keys.privateKey(text(name));
	}

	/** The value of a flat string member of a JSON text (test convenience for the v3 resource fields). */
	static String jsonString(String json, String member) {
		Matcher m = Pattern.compile("\"" + Pattern.quote(member) + "\":\"([^\"]*)\"").matcher(json);
		if (!m.find()) {
			throw new IllegalStateException("no member " + member);
		}
		return m.group(1);
	}

	/** {@code k=v} lines (first '=' splits) into an insertion-ordered map. */
	static LinkedHashMap<String, String> lines(String text) {
		LinkedHashMap<String, String> map = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			int eq = line.indexOf('=');
			map.put(line.substring(0, eq), line.substring(eq + 1));
		}
		return map;
	}

	/** Content {@code k=v&k=v} (values without '&') back into a map. */
	static LinkedHashMap<String, String> ampersandPairs(String content) {
		return lines(content.replace('&', '\n'));
	}

	static byte[] utf8(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

}
