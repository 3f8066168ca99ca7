package com.payrecon.notify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.notify}: limits of the notify endpoint.
 *
 * @param maxBodyBytes bodies above this are answered 413 and stored truncated
 * @param timestampTolerance WeChat Pay v3: how far {@code Wechatpay-Timestamp} may be from our clock
 * @param readDeadline the whole body must have arrived within this; a sender trickling it is cut off (408)
 * @param abuse rate limits for requests that name unknown accounts or fail verification (docs/notify.md)
 */
@ConfigurationProperties("payrecon.notify")
public record NotifyProperties(@DefaultValue("65536") int maxBodyBytes,
		@DefaultValue("5m") Duration timestampTolerance, @DefaultValue("10s") Duration readDeadline,
		@DefaultValue Abuse abuse) {

	/**
	 * Token buckets, refilled continuously; a full bucket holds one minute's worth.
	 *
	 * @param perAddressPerMinute such requests from one source address (IPv4 address, or as given)
	 * @param perAccountPerMinute such requests naming one known account, from anywhere
	 * @param unknownAccountsPerMinute requests naming an unknown account id, all such ids together, from anywhere
	 */
	public record Abuse(@DefaultValue("6") int perAddressPerMinute, @DefaultValue("30") int perAccountPerMinute,
			@DefaultValue("30") int unknownAccountsPerMinute) {

		public static Abuse defaults() {
			return new Abuse(6, 30, 30);
		}
	}
}
