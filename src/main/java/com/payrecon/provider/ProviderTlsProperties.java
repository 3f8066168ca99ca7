package com.payrecon.provider;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.provider.tls}: TLS towards the providers.
 *
 * @param trustedCertificates CA certificates (PEM; inline, {@code file:} or {@code classpath:}) trusted for
 * provider connections <em>in addition to</em> the JDK's own trust store: for a provider emulation behind a private
 * CA (the sandbox's TLS listener in tests) or a TLS-inspecting proxy. The real providers need none.
 */
@ConfigurationProperties("payrecon.provider.tls")
public record ProviderTlsProperties(@DefaultValue List<String> trustedCertificates) {
}
