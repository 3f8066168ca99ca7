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

	@org.junit.jupiter.api.Test
	void nullIsNotAnAmountEitherWay() {
		assertThatThrownBy(() -> Fen.parseFen(null)).isInstanceOf(NumberFormatException.class)
			.hasMessage("not an amount in fen: null");
		assertThatThrownBy(() -> Fen.parseYuan(null)).isInstanceOf(NumberFormatException.class)
			.hasMessage("not an amount in yuan with two decimals: null");
	}

	@org.junit.jupiter.api.Test
	void aRefusedTextIsQuotedAndCutAt32Characters() {
		assertThatThrownBy(() -> Fen.parseFen("1.0")).hasMessage("not an amount in fen: \"1.0\"");
		assertThatThrownBy(() -> Fen.parseYuan("9".repeat(40))).hasMessage(
				"not an amount in yuan with two decimals: \"" + "9".repeat(32) + "…\"");
		assertThatThrownBy(() -> Fen.parseFen("9".repeat(32))).hasMessage("not an amount in fen: \"" + "9".repeat(32) + "\"");
	}

	@org.junit.jupiter.api.Test
	void theLargestAmountsParseExactly() {
		assertThat(Fen.parseFen("9999999999999999")).isEqualTo(Fen.of(9_999_999_999_999_999L));
		assertThat(Fen.parseYuan("99999999999999.99")).isEqualTo(Fen.of(9_999_999_999_999_999L));
		assertThatThrownBy(() -> Fen.parseFen("10000000000000000")).isInstanceOf(NumberFormatException.class);
		assertThatThrownBy(() -> Fen.parseYuan("100000000000000.00")).isInstanceOf(NumberFormatException.class);
	}

	@org.junit.jupiter.api.Test
	void plusAndMinusAreExactAndNeverWrapAround() {
		assertThat(Fen.of(101).plus(Fen.of(99))).isEqualTo(Fen.of(200));
		assertThat(Fen.of(101).minus(Fen.of(102))).isEqualTo(Fen.of(-1));
		assertThat(Fen.of(5).minus(Fen.ZERO)).isEqualTo(Fen.of(5));
		assertThatThrownBy(() -> Fen.of(Long.MAX_VALUE).plus(Fen.of(1))).isInstanceOf(ArithmeticException.class);
		assertThatThrownBy(() -> Fen.of(Long.MIN_VALUE).minus(Fen.of(1))).isInstanceOf(ArithmeticException.class);
	}

	@org.junit.jupiter.api.Test
	void amountsOrderByValue() {
		assertThat(Fen.of(1).compareTo(Fen.of(2))).isNegative();
		assertThat(Fen.of(2).compareTo(Fen.of(1))).isPositive();
		assertThat(Fen.of(2).compareTo(Fen.of(2))).isZero();
		assertThat(Fen.of(-1).compareTo(Fen.ZERO)).isNegative();
		assertThat(java.util.stream.Stream.of(Fen.of(3), Fen.of(-1), Fen.of(2)).sorted())
			.containsExactly(Fen.of(-1), Fen.of(2), Fen.of(3));
	}

	@org.junit.jupiter.api.Test
	void printedAsFenAndAsYuan() {
		assertThat(Fen.of(101)).hasToString("101 fen");
		assertThat(Fen.of(-5).toYuan()).isEqualTo("-0.05");
		assertThat(Fen.ZERO.toYuan()).isEqualTo("0.00");
	}
}
