package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.notify.Verdict;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderStatus;
import com.payrecon.reconcile.AdjustmentKind;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.refund.RefundSource;
import com.payrecon.refund.RefundStatus;
import com.payrecon.reconcile.Resolution;
import com.payrecon.reconcile.RunStatus;
import com.payrecon.security.Role;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The console's texts are complete in English and Simplified Chinese, and templates carry no text of their own (the
 * model: spring-petclinic's {@code I18nPropertiesSyncTest}). What fails the build:
 * <ul>
 * <li>a key in one of {@code messages.properties} and {@code messages_zh_CN.properties} but not the other; the two
 * values of a key with different arguments ({@code {0}}, {@code {1}}, …); an apostrophe that MessageFormat would eat
 * (a value with arguments needs {@code ''}, one without must not have it); a Chinese value that is the English one
 * unchanged (unless listed in {@link #SAME_IN_BOTH});</li>
 * <li>a key used in a template ({@code #{key}}) or in Java ({@code Text.of("key", …)}, {@code new Refusal("key", …)})
 * that does not exist; an enum constant shown on a page without its label (and, for verdicts and case types, its
 * one-line explanation);</li>
 * <li><b>hard-coded text</b> in a template: (1) a text node containing a letter (any script) that is shown as it is,
 * i.e. not inside an element whose body Thymeleaf replaces ({@code th:text}, {@code th:utext}, {@code th:insert},
 * {@code th:replace}, {@code sec:authentication}) and not in {@code script} or {@code style}; (2) a static
 * user-visible attribute with a letter: {@code title}, {@code placeholder}, {@code aria-label}, {@code alt},
 * {@code label}, {@code data-confirm}, and {@code value} of a button or a submit/reset/button input; (3) in the
 * Thymeleaf forms of those (and {@code th:text}/{@code th:utext}), literal text with a letter outside {@code #{…}}:
 * inside {@code |…|} or in a quoted string, except a quoted message-key prefix such as {@code 'verdict.'}.</li>
 * </ul>
 * Exceptions ({@link #NOT_TRANSLATED}): names that are the same in every language.
 */
class I18nSyncTests {

	static final Path RESOURCES = Path.of("src/main/resources");
	static final Path TEMPLATES = RESOURCES.resolve("templates");

	/**
	 * Text nodes allowed as they are: the product's name, an algorithm's name and the providers' own parameter names
	 * (WeChat Pay's and Alipay's Chinese documentation uses the same spelling).
	 */
	static final Set<String> NOT_TRANSLATED = Set.of("PayRecon", "SHA-256", "app_id", "mch_id", "seller_id");

	/** Keys whose Chinese value may equal the English one: names, codes and formats. */
	static final Set<String> SAME_IN_BOTH = Set.of("app.name", "layout.language.en", "layout.language.zh",
			"col.outTradeNo", "filter.outTradeNo", "recon.export.csv", "recon.export.xlsx", "col.id");

	private static final Set<String> BODY_REPLACING = Set.of("th:text", "th:utext", "th:insert", "th:replace",
			"sec:authentication", "data-th-text", "data-th-utext");
	private static final Set<String> VISIBLE = Set.of("title", "placeholder", "aria-label", "alt", "label",
			"data-confirm");
	private static final Pattern LETTER = Pattern.compile("\\p{L}");
	private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*\\.");
	private static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)[^}]*}");
	private static final Pattern STATIC_KEY = Pattern.compile("#\\{([A-Za-z0-9_.\\-]+)(?=[}(])");
	private static final Pattern JAVA_KEY = Pattern
		.compile("(?:Text\\.of|new Refusal|Refusal|CaseRefused|NotAllowed|ReasonRequired)\\(\\s*\"([A-Za-z0-9_.\\-]+)\"\\s*[,)]");

	static Map<String, String> english() {
		return load("messages.properties");
	}

	static Map<String, String> chinese() {
		return load("messages_zh_CN.properties");
	}

	@Test
	void everyKeyIsInBothLanguages() {
		Set<String> onlyEnglish = new TreeSet<>(english().keySet());
		onlyEnglish.removeAll(chinese().keySet());
		Set<String> onlyChinese = new TreeSet<>(chinese().keySet());
		onlyChinese.removeAll(english().keySet());
		assertThat(onlyEnglish).as("keys missing from messages_zh_CN.properties").isEmpty();
		assertThat(onlyChinese).as("keys missing from messages.properties").isEmpty();
	}

	/** A key defined twice (two areas appending the same key) silently keeps the last value: one definition each. */
	@Test
	void noKeyIsDefinedTwiceInAFile() throws IOException {
		List<String> twice = new ArrayList<>();
		for (String file : List.of("messages.properties", "messages_zh_CN.properties")) {
			Set<String> seen = new java.util.HashSet<>();
			for (String line : Files.readAllLines(RESOURCES.resolve(file), StandardCharsets.UTF_8)) {
				String l = line.strip();
				int eq = l.indexOf('=');
				if (l.isEmpty() || l.startsWith("#") || eq < 0) {
					continue;
				}
				if (!seen.add(l.substring(0, eq).strip())) {
					twice.add(file + ": " + l.substring(0, eq).strip());
				}
			}
		}
		assertThat(twice).isEmpty();
	}

	@Test
	void bothLanguagesTakeTheSameArgumentsAndKeepTheirApostrophes() {
		List<String> problems = new ArrayList<>();
		Map<String, String> zh = chinese();
		english().forEach((key, en) -> {
			String other = zh.get(key);
			if (other != null && !arguments(en).equals(arguments(other))) {
				problems.add(key + ": arguments " + arguments(en) + " in English, " + arguments(other) + " in Chinese");
			}
		});
		for (var language : List.of(english(), zh)) {
			language.forEach((key, value) -> {
				boolean formatted = !arguments(value).isEmpty();
				String withoutPairs = value.replace("''", "");
				if (formatted && withoutPairs.contains("'")) {
					problems.add(key + ": a single ' in a message with arguments disappears; write ''");
				}
				if (!formatted && value.contains("''")) {
					problems.add(key + ": '' in a message without arguments is shown twice; write '");
				}
			});
		}
		assertThat(problems).isEmpty();
	}

	@Test
	void chineseValuesAreTranslated() {
		Map<String, String> zh = chinese();
		Pattern word = Pattern.compile("[a-z]{3,}");
		List<String> same = english().entrySet()
			.stream()
			.filter(e -> e.getValue().equals(zh.get(e.getKey())) && !SAME_IN_BOTH.contains(e.getKey()))
			.filter(e -> word.matcher(ARGUMENT.matcher(e.getValue()).replaceAll("")).find())
			.map(Map.Entry::getKey)
			.toList();
		assertThat(same).as("Chinese values that are the English text unchanged").isEmpty();
	}

	@Test
	void everyKeyATemplateOrJavaNamesExists() throws IOException {
		Set<String> keys = english().keySet();
		Map<String, String> missing = new TreeMap<>();
		for (Path template : templates()) {
			Matcher m = STATIC_KEY.matcher(Files.readString(template));
			while (m.find()) {
				if (!keys.contains(m.group(1))) {
					missing.put(m.group(1), TEMPLATES.relativize(template).toString());
				}
			}
		}
		try (Stream<Path> java = Files.walk(Path.of("src/main/java"))) {
			for (Path source : java.filter(p -> p.toString().endsWith(".java")).toList()) {
				Matcher m = JAVA_KEY.matcher(Files.readString(source));
				while (m.find()) {
					if (!keys.contains(m.group(1))) {
						missing.put(m.group(1), source.getFileName().toString());
					}
				}
			}
		}
		assertThat(missing).as("keys used but not defined (key → where)").isEmpty();
	}

	@Test
	void everyEnumShownOnAPageHasItsLabel() {
		Set<String> keys = english().keySet();
		List<String> missing = new ArrayList<>();
		labels(keys, missing, "verdict.", Verdict.values(), true);
		labels(keys, missing, "case.type.", DiscrepancyType.values(), true);
		labels(keys, missing, "case.state.", Resolution.values(), true);
		labels(keys, missing, "run.status.", RunStatus.values(), true);
		labels(keys, missing, "order.status.", OrderStatus.values(), false);
		labels(keys, missing, "event.source.", EventSource.values(), false);
		labels(keys, missing, "audit.action.", AuditAction.values(), false);
		labels(keys, missing, "audit.outcome.", AuditOutcome.values(), false);
		labels(keys, missing, "role.", Role.values(), false);
		labels(keys, missing, "proposal.kind.", AdjustmentKind.values(), false);
		labels(keys, missing, "refund.status.", RefundStatus.values(), false);
		labels(keys, missing, "refund.source.", RefundSource.values(), false);
		labels(keys, missing, "webhook.endpoint.", com.payrecon.webhook.EndpointStatus.values(), false);
		labels(keys, missing, "webhook.delivery.", com.payrecon.webhook.DeliveryStatus.values(), false);
		labels(keys, missing, "webhook.outcome.", com.payrecon.webhook.AttemptOutcome.values(), false);
		assertThat(missing).as("labels missing from messages.properties").isEmpty();
	}

	@Test
	void templatesHaveNoHardCodedText() throws IOException {
		List<String> found = new ArrayList<>();
		for (Path template : templates()) {
			// the XML parser keeps th:block fragments of table rows where they are (the HTML parser moves them)
			Document doc = Jsoup.parse(Files.readString(template), "", Parser.xmlParser());
			String name = TEMPLATES.relativize(template).toString();
			for (Element e : doc.getAllElements()) {
				for (Attribute a : e.attributes()) {
					String problem = attributeProblem(e, a);
					if (problem != null) {
						found.add(name + ": <" + e.tagName() + " " + a.getKey() + "=\"" + a.getValue() + "\"> " + problem);
					}
				}
				if (Set.of("script", "style").contains(e.tagName()) || bodyReplaced(e)) {
					continue;
				}
				for (Node child : e.childNodes()) {
					if (child instanceof TextNode t) {
						String text = t.text().strip();
						if (LETTER.matcher(text).find() && !NOT_TRANSLATED.contains(text)) {
							found.add(name + ": text \"" + text + "\" in <" + e.tagName() + ">");
						}
					}
				}
			}
		}
		assertThat(found).as("hard-coded text in templates: use #{key}").isEmpty();
	}

	/**
	 * What a controller puts in front of a person ({@code error}, {@code message}) is a {@code Text} or a translated
	 * message, never an exception's English message or a string literal.
	 */
	@Test
	void controllersShowNoUntranslatedText() throws IOException {
		List<String> found = new ArrayList<>();
		try (Stream<Path> java = Files.walk(Path.of("src/main/java"))) {
			for (Path source : java.filter(p -> p.toString().endsWith(".java")).toList()) {
				Matcher m = UNTRANSLATED_FLASH.matcher(Files.readString(source));
				while (m.find()) {
					found.add(source.getFileName() + ": " + m.group());
				}
			}
		}
		assertThat(found).as("a person would read English or a literal: use Text.of(key, ...) or a Refusal's text()")
			.isEmpty();
		assertThat(UNTRANSLATED_FLASH.matcher("redirect.addFlashAttribute(\"error\", ex.getMessage());").find()).isTrue();
		assertThat(UNTRANSLATED_FLASH.matcher("model.addAttribute(\"message\", \"Done.\");").find()).isTrue();
		assertThat(UNTRANSLATED_FLASH.matcher("redirect.addFlashAttribute(\"error\", ex.text());").find()).isFalse();
	}

	private static final Pattern UNTRANSLATED_FLASH = Pattern.compile(
			"add(?:Flash)?Attribute\\(\"(?:error|message|notice)\",\\s*(?:\"|[\\w.]*getMessage\\(\\))");

	@Test
	void theTemplateCheckFindsHardCodedText() {
		// guards the rule itself
		Element button = Jsoup.parse("<button type=submit title=\"Go\">Send</button>").selectFirst("button");
		assertThat(attributeProblem(button, button.attribute("title"))).isNotNull();
		Element ok = Jsoup.parse("<span th:text=\"|#{a.b} ${x}|\">Sample</span>").selectFirst("span");
		assertThat(attributeProblem(ok, ok.attribute("th:text"))).isNull();
		assertThat(bodyReplaced(ok)).isTrue();
		Element literal = Jsoup.parse("<span th:text=\"|${x} (identifying)|\">x</span>").selectFirst("span");
		assertThat(attributeProblem(literal, literal.attribute("th:text"))).isNotNull();
		Element quoted = Jsoup.parse("<span th:text=\"${x} ? 'none' : ${y}\">x</span>").selectFirst("span");
		assertThat(attributeProblem(quoted, quoted.attribute("th:text"))).isNotNull();
		Element prefix = Jsoup.parse("<span th:text=\"${#messages.msg('verdict.' + v)}\">x</span>").selectFirst("span");
		assertThat(attributeProblem(prefix, prefix.attribute("th:text"))).isNull();
		Element key = Jsoup.parse("<span th:text=\"${a} ? #{b} : 'recon.'\">x</span>").selectFirst("span");
		assertThat(attributeProblem(key, key.attribute("th:text"))).isNull();
		Element confirm = Jsoup.parse("<form th:attr=\"data-confirm=|Really?|\"></form>").selectFirst("form");
		assertThat(attributeProblem(confirm, confirm.attribute("th:attr"))).isNotNull();
	}

	private static String attributeProblem(Element e, Attribute a) {
		String key = a.getKey();
		String value = a.getValue();
		boolean button = e.tagName().equals("button")
				|| e.tagName().equals("input") && Set.of("submit", "reset", "button").contains(e.attr("type"));
		if (VISIBLE.contains(key) || key.equals("value") && button) {
			return LETTER.matcher(value).find() ? "static text" : null;
		}
		if (key.equals("th:attr")) {
			for (String pair : splitTopLevel(value)) {
				int eq = pair.indexOf('=');
				if (eq > 0 && VISIBLE.contains(pair.substring(0, eq).strip())) {
					String problem = literalProblem(pair.substring(eq + 1));
					if (problem != null) {
						return problem;
					}
				}
			}
			return null;
		}
		if (key.startsWith("th:") && (VISIBLE.contains(key.substring(3)) || Set.of("th:text", "th:utext").contains(key)
				|| key.equals("th:value") && button)) {
			return literalProblem(value);
		}
		return null;
	}

	/** Letters outside #{…} and ${…} in a |…| literal, or in a quoted string that is not a key prefix. */
	static String literalProblem(String expression) {
		StringBuilder outside = new StringBuilder();
		List<String> quoted = new ArrayList<>();
		int depth = 0;
		boolean inLiteral = false;
		StringBuilder quote = null;
		boolean quoteInExpression = false;
		for (int i = 0; i < expression.length(); i++) {
			char c = expression.charAt(i);
			if (depth > 0) {
				// inside #{…}, ${…}, @{…}: quoted strings there are keys, ids or comparisons, never shown as such
				if (c == '\'') {
					quoteInExpression = !quoteInExpression;
				}
				else if (!quoteInExpression && c == '{') {
					depth++;
				}
				else if (!quoteInExpression && c == '}') {
					depth--;
				}
				continue;
			}
			if (quote != null) {
				if (c == '\'') {
					quoted.add(quote.toString());
					quote = null;
				}
				else {
					quote.append(c);
				}
				continue;
			}
			if (c == '\'' && !inLiteral) {
				quote = new StringBuilder();
				continue;
			}
			if ("#$@*~".indexOf(c) >= 0 && i + 1 < expression.length() && expression.charAt(i + 1) == '{') {
				depth++;
				i++;
				continue;
			}
			if (c == '|') {
				inLiteral = !inLiteral;
				continue;
			}
			if (inLiteral) {
				outside.append(c);
			}
		}
		if (LETTER.matcher(outside).find()) {
			return "literal text \"" + outside.toString().strip() + "\"";
		}
		for (String q : quoted) {
			if (LETTER.matcher(q).find() && !KEY_PREFIX.matcher(q).matches()) {
				return "quoted text '" + q + "'";
			}
		}
		return null;
	}

	private static List<String> splitTopLevel(String attr) {
		List<String> parts = new ArrayList<>();
		int depth = 0;
		boolean quote = false;
		StringBuilder current = new StringBuilder();
		for (char c : attr.toCharArray()) {
			if (c == '\'') {
				quote = !quote;
			}
			else if (!quote && (c == '{' || c == '(')) {
				depth++;
			}
			else if (!quote && (c == '}' || c == ')')) {
				depth--;
			}
			if (c == ',' && depth == 0 && !quote) {
				parts.add(current.toString());
				current.setLength(0);
			}
			else {
				current.append(c);
			}
		}
		parts.add(current.toString());
		return parts;
	}

	private static boolean bodyReplaced(Element e) {
		for (Element x = e; x != null; x = x.parent()) {
			for (String attr : BODY_REPLACING) {
				if (x.hasAttr(attr)) {
					return true;
				}
			}
		}
		return false;
	}

	private static void labels(Set<String> keys, List<String> missing, String prefix, Enum<?>[] values, boolean explained) {
		for (Enum<?> v : values) {
			if (!keys.contains(prefix + v.name())) {
				missing.add(prefix + v.name());
			}
			if (explained && !keys.contains(prefix + v.name() + ".explain")) {
				missing.add(prefix + v.name() + ".explain");
			}
		}
	}

	private static Set<Integer> arguments(String value) {
		Set<Integer> found = new TreeSet<>();
		Matcher m = ARGUMENT.matcher(value.replace("''", ""));
		while (m.find()) {
			found.add(Integer.parseInt(m.group(1)));
		}
		return found;
	}

	static List<Path> templates() throws IOException {
		try (Stream<Path> files = Files.walk(TEMPLATES)) {
			return files.filter(p -> p.toString().endsWith(".html")).sorted().toList();
		}
	}

	private static Map<String, String> load(String file) {
		Properties p = new Properties();
		try (Reader in = Files.newBufferedReader(RESOURCES.resolve(file), StandardCharsets.UTF_8)) {
			p.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> map = new TreeMap<>();
		p.forEach((k, v) -> map.put((String) k, (String) v));
		return map;
	}
}
