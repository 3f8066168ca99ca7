package com.payrecon.audit;

import java.time.Instant;

/** One row of the audit log as stored, with its place in the hash chain. */
public record AuditEntry(long id, Instant occurredAt, String actor, AuditAction action, String target,
		AuditOutcome outcome, String details, String remoteAddr, String prevHash, String hash) {
}
