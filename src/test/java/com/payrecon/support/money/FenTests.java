package com.payrecon.support.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Threat case B6: amounts are parsed strictly before any comparison. */
class FenTests {

	@ParameterizedTest
	@CsvSource({ "0,0", "1,1", "101,101", "9999999999,9999999999" })
	void parsesPlainFen(String text, long expected) {
		assertThat(Fen.parseFen(text)).isEqualTo(Fen.of(expected));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " 1", "1 ", "0100", "-1", "+1", "1.0", "1E+2", "１００", "0x10", "12345678901234567" })
	void refusesAnythingElseAsFen(String text) {
		assertThatThrownBy(() -> Fen.parseFen(text)).isInstanceOf(NumberFormatException.class);
	}

	@ParameterizedTest
	@CsvSource({ "0.01,1", "1.00,100", "88.88,8888", "100000.10,10000010" })
	void parsesYuanWithExactlyTwoDecimals(String text, long fen) {
		assertThat(Fen.parseYuan(text)).isEqualTo(Fen.of(fen));
		assertThat(Fen.of(fen).toYuan()).isEqualTo(text);
	}

	@ParameterizedTest
	@ValueSource(strings = { "1E+2", "100.0", "100", "-0.01", "0100.00", "１００.00", "100.001", ".50", "1,000.00" })
	void refusesOddYuanStrings(String text) {
		assertThatThrownBy(() -> Fen.parseYuan(text)).isInstanceOf(NumberFormatException.class);
	}
}
