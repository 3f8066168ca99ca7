package com.payrecon.security;

/** What a console user may do; a user may hold several. */
public enum Role {
	/** reconciliation, sign-off, exports; reads notifications, orders and the audit log */
	FINANCE,
	/** looks up orders and notifications for customers */
	SUPPORT,
	/** manages users, reprocesses notifications */
	ADMIN;

	public String authority() {
		return "ROLE_" + name();
	}
}
