package com.payrecon.refund;

/**
 * A refund notification that could not be applied as it stands (the refund is unknown here and the notification alone
 * may not record it, it disagrees with our record, or the order is not paid here yet): the refund module asks the
 * provider (order query first when the order is unpaid, then the refund query) and applies the signed answer.
 */
public record RefundNoticeToConfirm(String accountId, String outTradeNo, String outRefundNo, long rawNotificationId,
		String why) {
}
