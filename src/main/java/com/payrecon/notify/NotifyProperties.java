package com.payrecon.notify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.notify}: limits of the notify endpoint.
 *
 * @param maxBodyBytes bodies above this are answered 413 and stored truncated
 * @param timestampTolerance WeChat Pay v3: how far {@code Wechatpay-Timestamp} may be from our clock
 */
@ConfigurationProperties("payrecon.notify")
public record NotifyProperties(@DefaultValue("65536") int maxBodyBytes,
		@DefaultValue("5m") Duration timestampTolerance) {
}
