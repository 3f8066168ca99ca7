package com.payrecon.reconcile;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import com.payrecon.support.money.Fen;

/**
 * A WeChat Pay trade bill (ALL, current layout; protocols.md A.8) as the provider writes it: a header, backtick
 * rows, the summary header and the summary row computed from the rows (or tampered with).
 */
public final class WechatBill {

	static final String HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
			+ "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
			+ "手续费,费率,订单金额,申请退款金额,费率备注";
	static final String SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final List<String> rows = new ArrayList<>();
	private BigDecimal settle = BigDecimal.ZERO;
	private BigDecimal refund = BigDecimal.ZERO;
	private BigDecimal fees = BigDecimal.ZERO;
	private BigDecimal order = BigDecimal.ZERO;
	private BigDecimal requested = BigDecimal.ZERO;
	private BigDecimal tamper = BigDecimal.ZERO;

	/** A SUCCESS row: the order paid {@code amount} at {@code time} (account zone), fee 0.01 yuan. */
	public WechatBill paid(LocalDateTime time, String txn, String outTradeNo, long amountFen) {
		String yuan = Fen.of(amountFen).toYuan();
		row(time, txn, outTradeNo, "SUCCESS", yuan, "", "", "0.00", "", "0.01000", yuan, "0.00");
		settle = settle.add(new BigDecimal(yuan));
		order = order.add(new BigDecimal(yuan));
		fees = fees.add(new BigDecimal("0.01000"));
		return this;
	}

	/** A REFUND row of {@code amountFen}, fee −0.01 yuan returned. */
	public WechatBill refunded(LocalDateTime time, String txn, String outTradeNo, long amountFen) {
		String yuan = Fen.of(amountFen).toYuan();
		row(time, txn, outTradeNo, "REFUND", "0.00", "5000" + txn, "R" + outTradeNo, yuan, "SUCCESS", "-0.01000", "0.00",
				yuan);
		refund = refund.add(new BigDecimal(yuan));
		requested = requested.add(new BigDecimal(yuan));
		fees = fees.add(new BigDecimal("-0.01000"));
		return this;
	}

	/** The summary's 订单总金额 will be off by {@code yuan}. */
	WechatBill tamperOrderTotal(String yuan) {
		tamper = new BigDecimal(yuan);
		return this;
	}

	private void row(LocalDateTime time, String txn, String no, String state, String settleYuan, String refundId,
			String outRefund, String refundYuan, String refundStatus, String fee, String orderYuan, String requestedYuan) {
		rows.add(String.join(",", "`" + TIME.format(time), "`wx2421b1c4370ec43b", "`10000102", "`0", "`", "`" + txn,
				"`" + no, "`oUpF8u", "`NATIVE", "`" + state, "`CMC", "`CNY", "`" + settleYuan, "`0.00", "`" + refundId,
				"`" + outRefund, "`" + refundYuan, "`0.00", "`" + (refundId.isEmpty() ? "" : "ORIGINAL"), "`" + refundStatus,
				"`商品,含逗号", "`", "`" + fee, "`0.60%", "`" + orderYuan, "`" + requestedYuan, "`"));
	}

	public String text() {
		StringBuilder out = new StringBuilder(HEADER).append("\r\n");
		rows.forEach(r -> out.append(r).append("\r\n"));
		out.append(SUMMARY_HEADER).append("\r\n");
		out.append(String.join(",", "`" + rows.size(), "`" + settle.toPlainString(), "`" + refund.toPlainString(), "`0.00",
				"`" + fees.toPlainString(), "`" + order.add(tamper).toPlainString(), "`" + requested.toPlainString()))
			.append("\r\n");
		return out.toString();
	}
}
