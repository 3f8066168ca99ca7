package com.payrecon.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.console}: login throttling and the demo users.
 *
 * @param maxFailures failed logins in a row that lock a user
 * @param lockDuration how long a user stays locked
 * @param ipFreeFailures failed logins from one address before it is slowed down
 * @param ipMaxDelay the longest an address must wait between attempts (the wait doubles with each failure)
 * @param ipForgetAfter an address without failures for this long starts afresh
 * @param demoUsers seed finance, support and admin with the demo passwords of the README (never in production)
 */
@ConfigurationProperties("payrecon.console")
public record ConsoleSecurityProperties(@DefaultValue("5") int maxFailures, @DefaultValue("15m") Duration lockDuration,
		@DefaultValue("10") int ipFreeFailures, @DefaultValue("5m") Duration ipMaxDelay,
		@DefaultValue("1h") Duration ipForgetAfter, @DefaultValue("false") boolean demoUsers) {
}
