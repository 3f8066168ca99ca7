package com.payrecon.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A session whose password was right but whose second factor is still to come ({@link SecondFactors.Need#CODE}) or to
 * be enrolled ({@link SecondFactors.Need#ENROL}). It holds no role, so no URL rule or {@code @PreAuthorize} lets it
 * through, and {@link SecondFactorFilter} sends it to the one page it may use. The principal is the login only; the
 * operator behind it becomes the session's principal when the factor is done.
 */
final class SecondFactorPending extends AbstractAuthenticationToken {

	private final ConsoleUserDetails user;
	private final SecondFactors.Need need;

	SecondFactorPending(ConsoleUserDetails user, SecondFactors.Need need, Object details) {
		super(List.of());
		this.user = user;
		this.need = need;
		setDetails(details);
		setAuthenticated(true);
	}

	ConsoleUserDetails user() {
		return user;
	}

	SecondFactors.Need need() {
		return need;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public Object getPrincipal() {
		return user.getUsername();
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
