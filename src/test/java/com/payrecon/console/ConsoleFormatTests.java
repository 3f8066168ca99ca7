package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

/** Ages and waits as people read them. */
class ConsoleFormatTests {

	private final ConsoleFormat fmt = new ConsoleFormat(null, ZoneId.of("Asia/Shanghai"));

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
}
