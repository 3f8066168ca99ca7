package com.payrecon.security;

import java.time.Instant;
import java.util.Set;

/**
 * A console user as stored. {@link #toString()} never shows the password hash.
 *
 * @param oneTimePasswordExpiresAt while the user holds a one-time password: when it stops working (issue 11)
 */
public record ConsoleUser(long id, String login, String passwordHash, Set<Role> roles, boolean enabled,
		boolean mustChangePassword, int failedAttempts, Instant lockedUntil, Instant lastLoginAt, Instant createdAt,
		Instant updatedAt, int version, Instant oneTimePasswordExpiresAt) {

	public boolean lockedAt(Instant now) {
		return lockedUntil != null && lockedUntil.isAfter(now);
	}

	/** A one-time password that is past its 24 hours. */
	public boolean oneTimePasswordExpiredAt(Instant now) {
		return mustChangePassword && oneTimePasswordExpiresAt != null && !oneTimePasswordExpiresAt.isAfter(now);
	}

	@Override
	public String toString() {
		return "ConsoleUser[id=" + id + ", login=" + login + ", roles=" + roles + ", enabled=" + enabled + "]";
	}
}
