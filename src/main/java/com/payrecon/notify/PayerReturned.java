package com.payrecon.notify;

/**
 * A verified Alipay browser return for an order of the account: the payer says they paid, and the notification may be
 * lost (the 掉单 case). The return never pays an order; listeners may ask the provider about it at once, whose signed
 * answer decides.
 */
public record PayerReturned(String accountId, String outTradeNo, long rawNotificationId) {
}
