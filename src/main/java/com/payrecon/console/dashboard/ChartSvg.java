package com.payrecon.console.dashboard;

import com.payrecon.console.ConsoleText;
import com.payrecon.console.dashboard.DashboardController.Bar;
import com.payrecon.console.dashboard.DashboardController.Chart;
import com.payrecon.console.dashboard.DashboardController.Label;
import com.payrecon.support.i18n.Text;

import org.springframework.web.util.HtmlUtils;

/**
 * An account's 14-day chart as inline SVG markup, written here rather than by the template (issue 17): its ~70
 * elements per account, each with four to six attributes, were more than half of the dashboard's SpEL evaluations and
 * the largest part of its rendering time. Attributes and classes only (the CSP forbids inline styles); every text and
 * attribute value is HTML-escaped, and the texts come from message keys in the reader's language.
 */
final class ChartSvg {

	private ChartSvg() {
	}

	static String render(String accountId, Chart chart, ConsoleText text) {
		StringBuilder svg = new StringBuilder(256 + chart.bars().size() * 120 + chart.labels().size() * 80);
		svg.append("<svg id=\"").append(escape(accountId + "-chart"))
			.append("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(chart.width())
			.append("\" height=\"").append(chart.height())
			.append("\" viewBox=\"0 0 ").append(chart.width()).append(' ').append(chart.height())
			.append("\" aria-label=\"").append(escape(text.of(Text.of("dashboard.chart")))).append("\">");
		svg.append("<line class=\"axis\" x1=\"0\" y1=\"").append(chart.baseline()).append("\" x2=\"")
			.append(chart.width()).append("\" y2=\"").append(chart.baseline()).append("\"/>");
		for (Bar b : chart.bars()) {
			svg.append("<rect class=\"").append(escape(b.css())).append("\" x=\"").append(b.x())
				.append("\" y=\"").append(b.y()).append("\" width=\"").append(b.width())
				.append("\" height=\"").append(b.height()).append("\"><title>").append(escape(text.of(b.title())))
				.append("</title></rect>");
		}
		for (Label l : chart.labels()) {
			svg.append("<text class=\"label\" text-anchor=\"middle\" x=\"").append(l.x()).append("\" y=\"")
				.append(chart.height() - 3).append("\">").append(escape(l.text())).append("</text>");
		}
		return svg.append("</svg>").toString();
	}

	private static String escape(String s) {
		return HtmlUtils.htmlEscape(s, "UTF-8");
	}
}
