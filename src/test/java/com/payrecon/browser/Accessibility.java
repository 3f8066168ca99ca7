package com.payrecon.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core (Deque's Selenium binding, which bundles {@code axe.min.js}) run on the page the browser shows, for the
 * WCAG 2.1 A and AA rules; a serious or critical violation fails the test with the rule, its help and the elements.
 * Each document is checked once: the check marks it.
 */
public final class Accessibility {

	static final Set<String> FAILING = Set.of("serious", "critical");
	static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
	private static final String MARK = "return window.__payreconAxeChecked === true;";

	private Accessibility() {
	}

	/** Checks the current document unless it was checked already; fails on serious or critical violations. */
	public static void check(WebDriver driver) {
		JavascriptExecutor js = (JavascriptExecutor) driver;
		if (Boolean.TRUE.equals(js.executeScript(MARK)) || !"complete".equals(js.executeScript("return document.readyState;"))) {
			return;
		}
		Results results = new AxeBuilder().withTags(TAGS).analyze(driver);
		js.executeScript("window.__payreconAxeChecked = true;");
		List<String> found = new ArrayList<>();
		for (Rule rule : results.getViolations()) {
			if (FAILING.contains(rule.getImpact())) {
				found.add(rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " "
						+ rule.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList());
			}
		}
		if (!found.isEmpty()) {
			throw new AssertionError("axe-core on " + driver.getCurrentUrl() + ":\n" + String.join("\n", found));
		}
	}

	/**
	 * Empty when the page fits the window; else the deepest elements that reach past its right edge (tag, id,
	 * classes, right edge), the ones to fix.
	 */
	public static String scrollsSideways(WebDriver driver) {
		Object wider = ((JavascriptExecutor) driver).executeScript("""
				if (document.documentElement.scrollWidth <= window.innerWidth + 1) { return ''; }
				const out = [];
				for (const e of document.querySelectorAll('body *')) {
				  const r = e.getBoundingClientRect();
				  if (r.right > window.innerWidth + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)) {
				    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className.trim().replace(/\\s+/g, '.') : '') + ' ' + Math.round(r.right));
				  }
				  if (out.length >= 3) { break; }
				}
				return out.join(', ') || 'scrollWidth ' + document.documentElement.scrollWidth;
				""");
		return String.valueOf(wider);
	}
}
