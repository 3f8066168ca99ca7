package com.payrecon.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.console}: separation of duties and the second factor (the rest of the prefix is
 * {@link ConsoleSecurityProperties}).
 *
 * @param requireSecondFactor ADMIN and FINANCE users must sign in with a TOTP second factor (enrolling at their
 * next sign-in); on by default, off in the demo profile only
 * @param handoverTie how long a user who created another, gave them a role, enabled them or reset their password or
 * second factor stays tied to them (and to the others they handed power to in that time): tied users do not approve
 * each other's proposals
 * @param stepUpMaxFailures wrong passwords in a row at a step-up (re-entering the password to propose or approve)
 * before step-ups of that user are refused for {@code stepUpLock}
 * @param stepUpLock how long step-ups stay refused after too many wrong passwords
 * @param keyProposalLifetime a key proposal not decided within this time expires (its key material is wiped)
 */
@ConfigurationProperties("payrecon.console")
public record ConsoleDutiesProperties(@DefaultValue("true") boolean requireSecondFactor,
		@DefaultValue("7d") Duration handoverTie, @DefaultValue("5") int stepUpMaxFailures,
		@DefaultValue("15m") Duration stepUpLock, @DefaultValue("24h") Duration keyProposalLifetime) {
}
