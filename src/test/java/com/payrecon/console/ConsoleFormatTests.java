package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;

import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/** Ages, waits, money and recorded sentences as people read them (English; no Spring context). */
class ConsoleFormatTests {

	private final ConsoleFormat fmt = new ConsoleFormat(null, ZoneId.of("Asia/Shanghai"), null);

	@Test
	void durationsAreShortAndRoundDown() {
		assertThat(fmt.duration(null)).isEmpty();
		assertThat(fmt.duration(Duration.ofSeconds(-5))).isEqualTo("0 s");
		assertThat(fmt.duration(Duration.ofSeconds(59))).isEqualTo("59 s");
		assertThat(fmt.duration(Duration.ofSeconds(60))).isEqualTo("1 min");
		assertThat(fmt.duration(Duration.ofMinutes(47).plusSeconds(59))).isEqualTo("47 min");
		assertThat(fmt.duration(Duration.ofHours(3).plusMinutes(5))).isEqualTo("3 h 05 min");
		assertThat(fmt.duration(Duration.ofDays(2).plusHours(4).plusMinutes(59))).isEqualTo("2 d 4 h");
	}

	@Test
	void yuanHasTwoDecimalsAndThousandsSeparators() {
		assertThat(fmt.yuan(Fen.of(0))).isEqualTo("0.00");
		assertThat(fmt.yuan(Fen.of(18317))).isEqualTo("183.17");
		assertThat(fmt.yuan(Fen.of(123456789))).isEqualTo("1,234,567.89");
		assertThat(fmt.yuan(Fen.of(-4500))).isEqualTo("-45.00");
		assertThat(fmt.yuan((Fen) null)).isEmpty();
	}

	@Test
	void recordedSentencesShowYuanAndTheAccountsZone() {
		// the order timeline's "amount=18317 CNY" (issue 16) and a paid time written as a UTC instant
		assertThat(fmt.narrative("amount=18317 CNY", "x")).isEqualTo("amount 183.17 CNY");
		assertThat(fmt.narrative("transaction 4200, paid at 2026-11-10T12:10:00Z", "x"))
			.isEqualTo("transaction 4200, paid at 2026-11-10 20:10:00 Asia/Shanghai");
		assertThat(fmt.narrative("paid at 2026-11-10T12:10:00.123456Z; amount=1234567 CNY", "x"))
			.isEqualTo("paid at 2026-11-10 20:10:00 Asia/Shanghai; amount 12,345.67 CNY");
		assertThat(fmt.narrative(null, "x")).isEmpty();
	}
}
