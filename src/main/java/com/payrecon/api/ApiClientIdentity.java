package com.payrecon.api;

import java.security.Principal;
import java.util.Set;

/**
 * An authenticated API client: its configured name and the accounts it may use (empty: every account).
 */
record ApiClientIdentity(String name, Set<String> accounts) implements Principal {

	@Override
	public String getName() {
		return name;
	}

	boolean mayUse(String accountId) {
		return accounts.isEmpty() || accounts.contains(accountId);
	}
}
