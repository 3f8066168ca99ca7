package com.payrecon.provider.bill;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import com.payrecon.support.money.Fen;

/**
 * One record of a provider bill.
 *
 * @param lineNumber 1-based line in the file (for error reports)
 * @param tradedAt WeChat 交易时间 (payment time, or refund request time), Alipay 完成时间 (else 创建时间), read in the
 * account's zone
 * @param amount positive magnitude: for payments the order amount (WeChat 订单金额, legacy 总金额, else 应结订单金额;
 * Alipay 订单金额（元）), for refunds the refund (WeChat 申请退款金额, else 退款金额; Alipay |订单金额（元）|)
 * @param fee the fee rounded half-up to fen (WeChat 手续费 has five decimals; Alipay 服务费（元）)
 * @param feeExact the fee exactly as written in the bill
 * @param status WeChat 交易状态 (退款状态 for refunds), Alipay 业务类型
 * @param columns every column of the line by its header name, values without the backtick/padding
 */
public record BillLine(long lineNumber, Instant tradedAt, String providerTxnId, String outTradeNo, Type type,
		String refundId, String outRefundNo, Fen amount, Fen fee, BigDecimal feeExact, String status,
		Map<String, String> columns) {

	public enum Type {
		PAYMENT, REFUND, REVERSED
	}
}
