package com.payrecon.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The chain rule: {@code hash = SHA-256(prev_hash + content)}, where content lists every column of the row (id
 * included, so a deleted row leaves a gap) with a length before each value, so that no two rows can share an
 * encoding.
 */
final class AuditHash {

	static final String GENESIS = "0".repeat(64);

	private AuditHash() {
	}

	static String of(String prevHash, long id, Instant occurredAt, String actor, String action, String target,
			String outcome, String details, String remoteAddr) {
		StringBuilder content = new StringBuilder(prevHash);
		field(content, Long.toString(id));
		field(content, Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, occurredAt)));
		field(content, actor);
		field(content, action);
		field(content, target);
		field(content, outcome);
		field(content, details);
		field(content, remoteAddr);
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void field(StringBuilder content, String value) {
		if (value == null) {
			content.append("|-");
		}
		else {
			content.append('|').append(value.length()).append(':').append(value);
		}
	}
}
