package com.payrecon.audit;

/** What an operator did (or tried to do). Later issues add their own actions here (re-query, close, resolve, ...). */
public enum AuditAction {
	LOGIN, LOGOUT, LOGIN_FAILED, LOGIN_THROTTLED, ACCOUNT_LOCKED, ACCESS_DENIED, PASSWORD_CHANGED,
	FIRST_ADMIN_CREATED, DEMO_USERS_SEEDED, USER_CREATED, USER_DISABLED, USER_ENABLED, USER_ROLES_CHANGED,
	USER_PASSWORD_RESET, NOTIFICATION_REPROCESSED,
	REQUERY_PREVIEW, REQUERY, CLOSE
}
