package com.payrecon.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.api}: limits of the REST API.
 *
 * @param maxBodyBytes larger request bodies are answered 413 (declared or chunked)
 * @param operatorNames order history through the API names the console user behind an operator's change; off,
 * it says {@code operator} and leaves the operator's reason out (console logins and notes are not for a checkout)
 */
@ConfigurationProperties("payrecon.api")
public record ApiProperties(@DefaultValue("65536") long maxBodyBytes, @DefaultValue("false") boolean operatorNames) {
}
