package com.payrecon.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.keys}: how provider certificates learnt at run time are kept in step.
 *
 * @param syncInterval how often each node checks the database for certificates another node stored (and keys
 * replaced there): the bound on how long a node may use an older set (5 s)
 * @param refreshInterval how old the newest download of an account in certificate mode may get before the timer
 * downloads again (1 h, as wechatpay-java)
 * @param refreshThrottle at most one download per account in this time for unknown serials (1 min; docs/credentials.md)
 * @param refreshWait how long a notification waits for a download started by another request (10 s)
 */
@ConfigurationProperties("payrecon.keys")
public record KeysProperties(@DefaultValue("5s") Duration syncInterval, @DefaultValue("1h") Duration refreshInterval,
		@DefaultValue("1m") Duration refreshThrottle, @DefaultValue("10s") Duration refreshWait) {
}
