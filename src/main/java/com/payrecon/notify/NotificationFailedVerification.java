package com.payrecon.notify;

/**
 * A notification failed verification but names an order of the account. Its body is not trusted; listeners may ask
 * the provider about that order, whose signed answer is (a key rotation or a broken signature must not leave a paid
 * order pending for a sweep interval).
 */
public record NotificationFailedVerification(String accountId, String untrustedOutTradeNo, long rawNotificationId,
		Verdict verdict) {
}
