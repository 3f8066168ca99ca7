package com.payrecon.security;

import java.time.Instant;
import java.util.Set;

/** A console user as stored. {@link #toString()} never shows the password hash. */
public record ConsoleUser(long id, String login, String passwordHash, Set<Role> roles, boolean enabled,
		boolean mustChangePassword, int failedAttempts, Instant lockedUntil, Instant lastLoginAt, Instant createdAt,
		Instant updatedAt, int version) {

	public boolean lockedAt(Instant now) {
		return lockedUntil != null && lockedUntil.isAfter(now);
	}

	@Override
	public String toString() {
		return "ConsoleUser[id=" + id + ", login=" + login + ", roles=" + roles + ", enabled=" + enabled + "]";
	}
}
