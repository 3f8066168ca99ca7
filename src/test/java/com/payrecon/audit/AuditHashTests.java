package com.payrecon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class AuditHashTests {

	static final Instant AT = Instant.parse("2026-05-12T01:30:00.123456Z");

	@Test
	void theHashIsSha256OfThePreviousHashAndEveryColumn() {
		String hash = AuditHash.of(AuditHash.GENESIS, 1, AT, "admin", "LOGIN", "user:admin", "SUCCESS", null, "127.0.0.1");
		assertThat(hash).hasSize(64).matches("[0-9a-f]+");
		assertThat(AuditHash.of(AuditHash.GENESIS, 1, AT, "admin", "LOGIN", "user:admin", "SUCCESS", null, "127.0.0.1"))
			.isEqualTo(hash);
		assertThat(AuditHash.of(AuditHash.GENESIS, 2, AT, "admin", "LOGIN", "user:admin", "SUCCESS", null, "127.0.0.1"))
			.as("id").isNotEqualTo(hash);
		assertThat(AuditHash.of(AuditHash.GENESIS, 1, AT.plusNanos(1000), "admin", "LOGIN", "user:admin", "SUCCESS", null,
				"127.0.0.1")).as("time").isNotEqualTo(hash);
		assertThat(AuditHash.of("1".repeat(64), 1, AT, "admin", "LOGIN", "user:admin", "SUCCESS", null, "127.0.0.1"))
			.as("previous").isNotEqualTo(hash);
		assertThat(AuditHash.of(AuditHash.GENESIS, 1, AT, "admin", "LOGIN", "user:admin", "SUCCESS", "", "127.0.0.1"))
			.as("empty is not null").isNotEqualTo(hash);
	}

	@Test
	void movingTextBetweenColumnsChangesTheHash() {
		assertThat(AuditHash.of(AuditHash.GENESIS, 1, AT, "ab", "c", null, "SUCCESS", null, null))
			.isNotEqualTo(AuditHash.of(AuditHash.GENESIS, 1, AT, "a", "bc", null, "SUCCESS", null, null));
	}

	@Test
	void cleaningRemovesControlCharactersAndBoundsLength() {
		assertThat(AuditLog.clean("a\r\nb\u001bc", 100)).isEqualTo("a  b c");
		assertThat(AuditLog.clean("x".repeat(10), 4)).isEqualTo("xxxx");
		assertThat(AuditLog.clean(null, 4)).isNull();
	}
}
