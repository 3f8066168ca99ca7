package com.payrecon.support;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.Refund;
import com.payrecon.refund.RefundService;
import com.payrecon.refund.RefundStatus;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;

/**
 * A refund of a paid order, made at the provider and recorded (EXTERNAL, SUCCESS) through the one door for refunds:
 * the way tests make an order PARTIALLY_REFUNDED or REFUNDED (nobody sets those statuses by hand).
 */
public final class RefundFixture {

	private RefundFixture() {
	}

	public static Refund succeeded(RefundService refunds, TransactionRetry retry, String accountId, String outTradeNo,
			long fen) {
		return succeeded(refunds, retry, accountId, outTradeNo, "TR" + TestData.outTradeNo(), fen);
	}

	/** The same with the refund's number (as a bill line would carry it). */
	public static Refund succeeded(RefundService refunds, TransactionRetry retry, String accountId, String outTradeNo,
			String outRefundNo, long fen) {
		ProviderRefund word = new ProviderRefund(outTradeNo, null, outRefundNo, null, Fen.of(fen), null,
				null, RefundStatus.SUCCESS, null, "test");
		RefundService.Outcome outcome = retry.inTransaction(() -> refunds.providerSays(accountId, word,
				new Cause(EventSource.OPERATOR, "test", null, "refunded at the provider in the test"), true));
		if (outcome.kind() != RefundService.Kind.RECORDED) {
			throw new IllegalStateException("refund not recorded: " + outcome);
		}
		return outcome.refund();
	}
}
