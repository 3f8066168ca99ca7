package com.payrecon.sandbox;

import java.time.Instant;

import com.payrecon.account.Channel;
import com.payrecon.support.money.Fen;

/**
 * An order as the provider sees it. {@code status} uses WeChat Pay's trade_state names (NOTPAY, USERPAYING, SUCCESS,
 * REFUND, CLOSED, REVOKED, PAYERROR); Alipay's trade_status is derived from it ({@link #alipayStatus()}).
 */
public record LedgerOrder(long id, String merchantId, Channel channel, String outTradeNo, String providerTradeNo,
		String tradeType, Fen amount, String currency, String description, String attach, String notifyUrl,
		String status, String authCode, String payerId, String bankType, Instant scannedAt, Instant payDueAt,
		Instant paidAt, Instant closedAt, int reverseCalls, Fen refunded, Instant createdAt, int version) {

	public boolean isPaid() {
		return paidAt != null && ("SUCCESS".equals(status) || "REFUND".equals(status));
	}

	/**
	 * Alipay: a precreated (QR) trade exists only once the payer scanned it; until then query and close answer
	 * ACQ.TRADE_NOT_EXIST (protocols.md C.4).
	 */
	public boolean existsAtAlipay() {
		return !"PRECREATE".equals(tradeType) || scannedAt != null || paidAt != null;
	}

	public String alipayStatus() {
		return switch (status) {
			case "SUCCESS" -> "TRADE_SUCCESS";
			case "REFUND" -> refunded.compareTo(amount) >= 0 ? "TRADE_CLOSED" : "TRADE_SUCCESS";
			case "NOTPAY", "USERPAYING" -> "WAIT_BUYER_PAY";
			default -> "TRADE_CLOSED";
		};
	}
}
