package com.payrecon.security;

import java.util.Collection;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;

/**
 * The signed-in operator. Equal by login (as {@link User}), which is what the session registry needs to find and
 * expire a user's sessions.
 */
public class ConsoleUserDetails extends User {

	private final long userId;
	private final boolean mustChangePassword;

	ConsoleUserDetails(long userId, String login, String passwordHash, boolean enabled, boolean accountNonLocked,
			boolean mustChangePassword, Collection<? extends GrantedAuthority> authorities) {
		this(userId, login, passwordHash, enabled, accountNonLocked, mustChangePassword, true, authorities);
	}

	/** @param credentialsNonExpired false for a one-time password past its 24 hours */
	ConsoleUserDetails(long userId, String login, String passwordHash, boolean enabled, boolean accountNonLocked,
			boolean mustChangePassword, boolean credentialsNonExpired, Collection<? extends GrantedAuthority> authorities) {
		super(login, passwordHash, enabled, true, credentialsNonExpired, accountNonLocked, authorities);
		this.userId = userId;
		this.mustChangePassword = mustChangePassword;
	}

	public long userId() {
		return userId;
	}

	public boolean mustChangePassword() {
		return mustChangePassword;
	}

	/** The same operator after a password change: no longer forced to the change-password page. */
	ConsoleUserDetails passwordChanged() {
		return new ConsoleUserDetails(userId, getUsername(), "", isEnabled(), isAccountNonLocked(), false, getAuthorities());
	}

	@Override
	public boolean equals(Object other) {
		return super.equals(other);
	}

	@Override
	public int hashCode() {
		return super.hashCode();
	}
}
