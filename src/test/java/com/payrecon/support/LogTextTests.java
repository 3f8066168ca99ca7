package com.payrecon.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTests {

	@Test
	void controlCharactersBecomeQuestionMarksAsThePatternCntrlWould() {
		StringBuilder all = new StringBuilder();
		for (char c = 0; c < 0x250; c++) {
			all.append(c);
		}
		String text = all + "订单\r\nINFO forged line\u001b[31m";
		assertThat(LogText.printable(text)).isEqualTo(text.replaceAll("\\p{Cntrl}", "?"));
	}

	@Test
	void cleanTextIsReturnedAsItIs() {
		String clean = "order W0H6F7O-17049: PENDING → PAID";
		assertThat(LogText.printable(clean)).isSameAs(clean);
		assertThat(LogText.printable(null)).isNull();
		assertThat(LogText.printable("")).isEmpty();
	}
}
