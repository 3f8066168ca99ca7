package com.payrecon.console;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.web.util.HtmlUtils;

/** Reading rendered console pages in HTTP tests. */
public final class ConsolePages {

	private ConsolePages() {
	}

	/** The numeric ids of rows whose element id is {@code prefix-<n>}, in page order. */
	public static List<Long> rowIds(String html, String prefix) {
		Matcher m = Pattern.compile("id=\"" + Pattern.quote(prefix) + "-(\\d+)\"").matcher(html);
		List<Long> ids = new ArrayList<>();
		while (m.find()) {
			ids.add(Long.parseLong(m.group(1)));
		}
		return ids;
	}

	/** The href of the element with this id, unescaped; null when absent. */
	public static String href(String html, String elementId) {
		Matcher m = Pattern.compile("id=\"" + Pattern.quote(elementId) + "\"[^>]*href=\"([^\"]+)\"").matcher(html);
		return m.find() ? HtmlUtils.htmlUnescape(m.group(1)) : null;
	}

	/** The text content of the element with this id (tags stripped, entities decoded). */
	public static String text(String html, String elementId) {
		Matcher m = Pattern.compile("id=\"" + Pattern.quote(elementId) + "\"[^>]*>(.*?)</", Pattern.DOTALL).matcher(html);
		return m.find() ? HtmlUtils.htmlUnescape(m.group(1).replaceAll("<[^>]+>", "")).strip() : null;
	}
}
