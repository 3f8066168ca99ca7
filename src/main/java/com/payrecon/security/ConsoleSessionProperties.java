package com.payrecon.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.console.session}: how long a console session may live. The idle timeout is Spring Boot's
 * {@code server.servlet.session.timeout} (30m).
 *
 * @param maxLifetime a session ends this long after sign-in, however busy it is
 */
@ConfigurationProperties("payrecon.console.session")
public record ConsoleSessionProperties(@DefaultValue("12h") Duration maxLifetime) {
}
