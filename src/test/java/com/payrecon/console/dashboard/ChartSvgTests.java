package com.payrecon.console.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;

import com.payrecon.console.ConsoleText;
import com.payrecon.console.dashboard.ChartSvg.Bar;
import com.payrecon.console.dashboard.ChartSvg.Chart;
import com.payrecon.console.dashboard.ChartSvg.Label;
import com.payrecon.support.i18n.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.StaticMessageSource;

/** The chart's markup, written in Java since issue 17: the same elements the template drew, every text escaped. */
class ChartSvgTests {

	@AfterEach
	void reset() {
		LocaleContextHolder.resetLocaleContext();
	}

	@Test
	void drawsTheBarsAndLabelsWithTitlesInTheReadersLanguageEscaped() {
		StaticMessageSource messages = new StaticMessageSource();
		messages.addMessage("dashboard.chart", Locale.ENGLISH, "Last 14 days \"chart\"");
		messages.addMessage("dashboard.bar.orders", Locale.ENGLISH, "{0}: {1} orders <b>&</b>");
		messages.addMessage("dashboard.chart", Locale.SIMPLIFIED_CHINESE, "最近 14 天");
		messages.addMessage("dashboard.bar.orders", Locale.SIMPLIFIED_CHINESE, "{0}：{1} 笔订单");
		ConsoleText text = new ConsoleText(messages);
		Chart chart = new Chart(64, 144, 128, List.of(new Bar("bar-orders", 2, 100, 9, 28,
				Text.of("dashboard.bar.orders", "2026-12-01", 7))), List.of(new Label(16, "1")), 7);

		LocaleContextHolder.setLocale(Locale.ENGLISH);
		assertThat(ChartSvg.render("wx<2", chart, text)).isEqualTo("<svg id=\"wx&lt;2-chart\" "
				+ "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"64\" height=\"144\" viewBox=\"0 0 64 144\" "
				+ "aria-label=\"Last 14 days &quot;chart&quot;\"><line class=\"axis\" x1=\"0\" y1=\"128\" x2=\"64\" "
				+ "y2=\"128\"/><rect class=\"bar-orders\" x=\"2\" y=\"100\" width=\"9\" height=\"28\"><title>"
				+ "2026-12-01: 7 orders &lt;b&gt;&amp;&lt;/b&gt;</title></rect><text class=\"label\" "
				+ "text-anchor=\"middle\" x=\"16\" y=\"141\">1</text></svg>");

		LocaleContextHolder.setLocale(Locale.SIMPLIFIED_CHINESE);
		assertThat(ChartSvg.render("wx2", chart, text)).contains("aria-label=\"最近 14 天\"")
			.contains("<title>2026-12-01：7 笔订单</title>");
	}
}
