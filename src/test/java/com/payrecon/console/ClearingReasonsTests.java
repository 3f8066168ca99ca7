package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.Locale;

import com.payrecon.console.reconciliation.ClearingReasons;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.ResourceBundleMessageSource;

/**
 * Why a re-run cleared a sign-off is recorded in English and shown in the reader's language (issue 16): before, a
 * Chinese reader saw "run 812 changed the results: provider totals differ; 1 discrepancies open" on the dashboard.
 */
class ClearingReasonsTests {

	private final ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
	private final ClearingReasons reasons;

	ClearingReasonsTests() {
		messages.setBasename("messages");
		messages.setDefaultEncoding("UTF-8");
		messages.setFallbackToSystemLocale(false);
		reasons = new ClearingReasons(messages, new ConsoleFormat(null, ZoneId.of("Asia/Shanghai"), messages));
	}

	@AfterEach
	void resetLocale() {
		LocaleContextHolder.resetLocaleContext();
	}

	@Test
	void aRecordedReasonIsReadBackPartByPartInTheReadersLanguage() {
		// the shape DaySignOffs.runFinished records
		String reason = "run 812 changed the results: status BALANCED → UNBALANCED; provider totals differ; "
				+ "local totals differ; 1 discrepancies open";
		LocaleContextHolder.setLocale(Locale.SIMPLIFIED_CHINESE);
		assertThat(reasons.text(reason, null)).isEqualTo("运行 812 改变了结果：状态 "
				+ messages.getMessage("run.status.BALANCED", null, Locale.SIMPLIFIED_CHINESE) + " → "
				+ messages.getMessage("run.status.UNBALANCED", null, Locale.SIMPLIFIED_CHINESE)
				+ "；渠道合计不同；本地合计不同；1 条差异未处理");
		LocaleContextHolder.setLocale(Locale.ENGLISH);
		assertThat(reasons.text(reason, null)).isEqualTo("run 812 changed the results: status "
				+ messages.getMessage("run.status.BALANCED", null, Locale.ENGLISH) + " → "
				+ messages.getMessage("run.status.UNBALANCED", null, Locale.ENGLISH)
				+ "; provider totals differ; local totals differ; 1 discrepancies open");
	}

	@Test
	void aReasonOfAnotherShapeIsShownAsRecorded() {
		LocaleContextHolder.setLocale(Locale.SIMPLIFIED_CHINESE);
		assertThat(reasons.text("run 9 changed the results: something new", null))
			.isEqualTo("run 9 changed the results: something new");
		assertThat(reasons.text("run 9 changed the results: status NOPE → BALANCED", null))
			.isEqualTo("run 9 changed the results: status NOPE → BALANCED");
		assertThat(reasons.text(null, null)).isEmpty();
	}
}
