package com.payrecon.console.dashboard;

import java.util.ArrayList;
import java.util.List;

import com.payrecon.console.ConsoleText;
import com.payrecon.console.dashboard.DashboardQuery.DayFigures;
import com.payrecon.support.i18n.Text;

import org.springframework.web.util.HtmlUtils;

/**
 * An account's 14-day chart: its bars from the days' figures ({@link #chart}) and its inline SVG markup
 * ({@link #render}), written here rather than by the template (issue 17): its ~70
 * elements per account, each with four to six attributes, were more than half of the dashboard's SpEL evaluations and
 * the largest part of its rendering time. Attributes and classes only (the CSP forbids inline styles); every text and
 * attribute value is HTML-escaped, and the texts come from message keys in the reader's language.
 */
final class ChartSvg {

	private ChartSvg() {
	}

	/** One bar of the chart; {@code title} is the SVG tooltip. */
	record Bar(String css, int x, int y, int width, int height, Text title) {
	}

	record Label(int x, String text) {
	}

	record Chart(int width, int height, int baseline, List<Bar> bars, List<Label> labels, long max) {
	}

	static final int SLOT = 32;
	static final int HEIGHT = 120;
	static final int TOP = 8;

	/** Per day: orders, repairs, and notifications stacked acknowledged / refused; one scale for all. */
	static Chart chart(List<DayFigures> days) {
		long max = 1;
		for (DayFigures d : days) {
			max = Math.max(max, Math.max(d.orders(), d.notifications()));
		}
		List<Bar> bars = new ArrayList<>();
		List<Label> labels = new ArrayList<>();
		int baseline = TOP + HEIGHT;
		for (int i = 0; i < days.size(); i++) {
			DayFigures d = days.get(i);
			int x = i * SLOT + 2;
			String date = d.day().date().toString();
			int h = height(d.orders(), max);
			bars.add(new Bar("bar-orders", x, baseline - h, 9, h, Text.of("dashboard.bar.orders", date, d.orders())));
			h = height(d.repairedByQuery(), max);
			bars.add(new Bar("bar-repairs", x + 10, baseline - h, 9, h, Text.of("dashboard.bar.repairs", date, d.repairedByQuery())));
			int ack = height(d.acknowledged(), max);
			bars.add(new Bar("bar-acknowledged", x + 20, baseline - ack, 9, ack,
					Text.of("dashboard.bar.acknowledged", date, d.acknowledged())));
			int refused = height(d.refused(), max);
			bars.add(new Bar("bar-refused", x + 20, baseline - ack - refused, 9, refused,
					Text.of("dashboard.bar.refused", date, d.refused())));
			labels.add(new Label(x + 14, Integer.toString(d.day().date().getDayOfMonth())));
		}
		return new Chart(days.size() * SLOT, baseline + 16, baseline, bars, labels, max);
	}

	/** Proportional, at least one pixel for a non-zero value. */
	private static int height(long value, long max) {
		if (value <= 0) {
			return 0;
		}
		return (int) Math.max(1, value * HEIGHT / max);
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
