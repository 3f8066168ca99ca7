package com.payrecon.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.payrecon.sandbox.SandboxLedger.RefundRow;
import com.payrecon.support.money.Fen;

/**
 * Bills for one merchant and one past day (Beijing time) from the ledger, in the providers' formats: WeChat Pay's
 * text table (protocols.md A.8/B.7: header line, backtick-prefixed rows, summary header and line, yuan amounts, the
 * fee rounded to fen and shown with 5 decimals) and Alipay's zip of two GBK CSV files (C.6). Empty when the day has
 * no trades, or is today or later: the caller answers the provider's "no bill" response.
 */
public class SandboxBills {

	static final Charset GBK = Charset.forName("GBK");
	private static final String CRLF = "\r\n";
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
	private static final DateTimeFormatter CN_DAY = DateTimeFormatter.ofPattern("yyyy年MM月dd日");
	private static final DateTimeFormatter CN_TIME = DateTimeFormatter.ofPattern("yyyy年MM月dd日 HH:mm:ss");
	private static final DateTimeFormatter COMPACT = DateTimeFormatter.ofPattern("yyyyMMdd");

	static final String WECHAT_ALL_HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
			+ "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
			+ "手续费,费率,订单金额,申请退款金额,费率备注";
	static final String WECHAT_SUCCESS_HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
			+ "付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注";
	static final String WECHAT_REFUND_HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
			+ "付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,"
			+ "退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
	static final String WECHAT_SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";
	static final String ALIPAY_HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
			+ "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
			+ "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";

	private final SandboxLedger ledger;
	private final SandboxProperties properties;
	private final Clock clock;

	public SandboxBills(SandboxLedger ledger, SandboxProperties properties, Clock clock) {
		this.ledger = ledger;
		this.properties = properties;
		this.clock = clock;
	}

	private boolean billable(LocalDate day) {
		return day.isBefore(LocalDate.ofInstant(clock.instant(), SandboxLedger.BEIJING));
	}

	private static Instant start(LocalDate day) {
		return day.atStartOfDay(SandboxLedger.BEIJING).toInstant();
	}

	private static String time(Instant at) {
		return TIME.format(at.atZone(SandboxLedger.BEIJING));
	}

	/** The fee on an amount, rounded half-up to fen (WeChat shows it with 5 decimals: 0.04000). */
	Fen fee(Fen amount) {
		return Fen.of(BigDecimal.valueOf(amount.value()).multiply(properties.feeRate()).setScale(0, RoundingMode.HALF_UP).longValueExact());
	}

	private String rate() {
		return properties.feeRate().movePointRight(2).setScale(2, RoundingMode.HALF_UP).toPlainString() + "%";
	}

	private static String fee5(Fen fee) {
		return BigDecimal.valueOf(fee.value(), 2).setScale(5).toPlainString();
	}

	private static String row(List<String> fields) {
		StringBuilder sb = new StringBuilder();
		for (String f : fields) {
			sb.append(sb.isEmpty() ? "`" : ",`").append(f == null ? "" : f.replace(",", "，"));
		}
		return sb.append(CRLF).toString();
	}

	// ---- WeChat Pay ---------------------------------------------------------------------------------------------

	/** @param billType ALL, SUCCESS or REFUND */
	public Optional<String> wechat(SandboxMerchant m, LocalDate day, String billType) {
		if (!billable(day)) {
			return Optional.empty();
		}
		Instant from = start(day);
		Instant to = start(day.plusDays(1));
		List<LedgerOrder> paid = "REFUND".equals(billType) ? List.of() : ledger.paidBetween(m.id(), from, to);
		List<RefundRow> refunds = "SUCCESS".equals(billType) ? List.of() : ledger.refundsBetween(m.id(), from, to);
		if (paid.isEmpty() && refunds.isEmpty()) {
			return Optional.empty();
		}
		StringBuilder bill = new StringBuilder();
		bill.append(switch (billType) {
			case "SUCCESS" -> WECHAT_SUCCESS_HEADER;
			case "REFUND" -> WECHAT_REFUND_HEADER;
			default -> WECHAT_ALL_HEADER;
		}).append(CRLF);
		long settled = 0, refunded = 0, fees = 0, ordered = 0, requested = 0;
		for (LedgerOrder o : paid) {
			Fen fee = fee(o.amount());
			List<String> head = List.of(time(o.paidAt()), m.appId(), m.mchId(), "0", "", o.providerTradeNo(), o.outTradeNo(),
					nz(o.payerId()), o.tradeType(), "SUCCESS", nz(o.bankType()), "CNY", o.amount().toYuan(), "0.00");
			List<String> fields = new ArrayList<>(head);
			if ("SUCCESS".equals(billType)) {
				fields.addAll(List.of(o.description(), nz(o.attach()), fee5(fee), rate(), o.amount().toYuan(), ""));
			}
			else {
				fields.addAll(List.of("0", "0", "0.00", "0.00", "", "", o.description(), nz(o.attach()), fee5(fee), rate(),
						o.amount().toYuan(), "0.00", ""));
			}
			bill.append(row(fields));
			settled += o.amount().value();
			ordered += o.amount().value();
			fees += fee.value();
		}
		for (RefundRow r : refunds) {
			LedgerOrder o = r.order();
			Fen fee = fee(r.refund().amount());
			List<String> fields = new ArrayList<>(List.of(time(r.refund().requestedAt()), m.appId(), m.mchId(), "0", "",
					o.providerTradeNo(), o.outTradeNo(), nz(o.payerId()), o.tradeType(), "REFUND", nz(o.bankType()), "CNY",
					"0.00", "0.00"));
			if ("REFUND".equals(billType)) {
				fields.addAll(List.of(time(r.refund().requestedAt()), time(r.refund().requestedAt())));
			}
			fields.addAll(List.of(r.refund().refundId(), r.refund().outRefundNo(), r.refund().amount().toYuan(), "0.00",
					"ORIGINAL", r.refund().status(), o.description(), nz(o.attach()), "-" + fee5(fee), rate(), o.amount().toYuan(),
					r.refund().amount().toYuan(), ""));
			bill.append(row(fields));
			refunded += r.refund().amount().value();
			requested += r.refund().amount().value();
			fees -= fee.value();
		}
		int count = paid.size() + refunds.size();
		if ("SUCCESS".equals(billType)) {
			bill.append("总交易单数,应结订单总金额,手续费总金额,订单总金额").append(CRLF);
			bill.append(row(List.of(Integer.toString(count), Fen.of(settled).toYuan(), fee5(Fen.of(fees)), Fen.of(ordered).toYuan())));
		}
		else {
			bill.append(WECHAT_SUMMARY_HEADER).append(CRLF);
			bill.append(row(List.of(Integer.toString(count), Fen.of(settled).toYuan(), Fen.of(refunded).toYuan(), "0.00",
					fee5(Fen.of(fees)), Fen.of(ordered).toYuan(), Fen.of(requested).toYuan())));
		}
		return Optional.of(bill.toString());
	}

	// ---- Alipay -------------------------------------------------------------------------------------------------

	public record AlipayBill(String fileName, byte[] zip) {
	}

	public Optional<AlipayBill> alipay(SandboxMerchant m, LocalDate day) {
		if (!billable(day)) {
			return Optional.empty();
		}
		Instant from = start(day);
		Instant to = start(day.plusDays(1));
		List<LedgerOrder> paid = ledger.paidBetween(m.id(), from, to);
		// Alipay's refunds complete at once: the bill lists those that did
		List<RefundRow> refunds = ledger.refundsBetween(m.id(), from, to)
			.stream()
			.filter(r -> "SUCCESS".equals(r.refund().status()))
			.toList();
		if (paid.isEmpty() && refunds.isEmpty()) {
			return Optional.empty();
		}
		String pid = m.sellerId();
		String range = "#起始日期：[" + CN_DAY.format(day) + " 00:00:00]   终止日期：[" + CN_DAY.format(day.plusDays(1)) + " 00:00:00]";
		StringBuilder detail = new StringBuilder();
		detail.append("#支付宝业务明细查询").append(CRLF);
		detail.append("#账号：[").append(pid).append("]").append(CRLF);
		detail.append(range).append(CRLF);
		detail.append("#-----------------------------------------业务明细列表----------------------------------------").append(CRLF);
		detail.append(ALIPAY_HEADER).append(CRLF);
		long income = 0, refundTotal = 0, feeTotal = 0;
		for (LedgerOrder o : paid) {
			Fen fee = fee(o.amount());
			detail.append(csv(o.providerTradeNo(), o.outTradeNo(), "交易", o.description(), time(o.createdAt()), time(o.paidAt()),
					"", "", "", "", NotificationMessages.maskedLogon(o.payerId()), o.amount().toYuan(), o.amount().toYuan(),
					"0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", "", "-" + fee.toYuan(), "0.00", ""));
			income += o.amount().value();
			feeTotal -= fee.value();
		}
		for (RefundRow r : refunds) {
			LedgerOrder o = r.order();
			Fen fee = fee(r.refund().amount());
			detail.append(csv(o.providerTradeNo(), o.outTradeNo(), "退款", o.description(), time(o.createdAt()),
					time(r.refund().requestedAt()), "", "", "", "", NotificationMessages.maskedLogon(o.payerId()),
					// refund rows: 订单金额 and 商家实收 are the refund's, negative (protocols-refunds-credentials D.4)
					"-" + r.refund().amount().toYuan(), "-" + r.refund().amount().toYuan(), "0.00", "0.00", "0.00", "0.00", "0.00", "",
					"0.00", "0.00", r.refund().outRefundNo(), fee.toYuan(), "0.00", ""));
			refundTotal += r.refund().amount().value();
			feeTotal += fee.value();
		}
		detail.append("#-----------------------------------------业务明细列表结束------------------------------------").append(CRLF);
		detail.append("#交易合计：").append(paid.size()).append("笔，商家实收共").append(Fen.of(income).toYuan()).append("元，商家优惠共0.00元").append(CRLF);
		detail.append("#退款合计：").append(refunds.size()).append("笔，商家实收退款共").append(refunds.isEmpty() ? "0.00" : "-" + Fen.of(refundTotal).toYuan())
			.append("元，商家优惠退款共0.00元").append(CRLF);
		detail.append("#导出时间：[").append(CN_TIME.format(clock.instant().atZone(SandboxLedger.BEIJING))).append("]").append(CRLF);

		StringBuilder summary = new StringBuilder();
		summary.append("#支付宝业务汇总查询").append(CRLF);
		summary.append("#账号：[").append(pid).append("]").append(CRLF);
		summary.append(range).append(CRLF);
		summary.append("#-----------------------------------------业务汇总列表----------------------------------------").append(CRLF);
		summary.append("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）").append(CRLF);
		long net = income - refundTotal;
		summary.append(csv("", "", Integer.toString(paid.size()), Integer.toString(refunds.size()), Fen.of(income).toYuan(),
				Fen.of(net).toYuan(), "0.00", "0.00", "0.00", Fen.of(feeTotal).toYuan(), "0.00", Fen.of(net + feeTotal).toYuan()));
		summary.append("合计,,").append(paid.size()).append(',').append(refunds.size()).append(',').append(Fen.of(income).toYuan())
			.append(',').append(Fen.of(net).toYuan()).append(",0.00,0.00,0.00,").append(Fen.of(feeTotal).toYuan())
			.append(",0.00,").append(Fen.of(net + feeTotal).toYuan()).append(CRLF);
		summary.append("#-----------------------------------------业务汇总列表结束------------------------------------").append(CRLF);
		summary.append("#导出时间：[").append(CN_TIME.format(clock.instant().atZone(SandboxLedger.BEIJING))).append("]").append(CRLF);

		String base = pid + "_" + COMPACT.format(day);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes, GBK)) { // GBK entry names, no UTF-8 flag
			zip.putNextEntry(new ZipEntry(base + "_业务明细.csv"));
			zip.write(detail.toString().getBytes(GBK));
			zip.closeEntry();
			zip.putNextEntry(new ZipEntry(base + "_业务明细(汇总).csv"));
			zip.write(summary.toString().getBytes(GBK));
			zip.closeEntry();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return Optional.of(new AlipayBill(base + ".csv.zip", bytes.toByteArray()));
	}

	/** Alipay's CSV rows: plain comma-separated values, each followed by a tab as in the real files. */
	private static String csv(String... values) {
		StringBuilder sb = new StringBuilder();
		for (String v : values) {
			sb.append(sb.isEmpty() ? "" : ",").append(v.replace(",", "，")).append('\t');
		}
		return sb.append(CRLF).toString();
	}

	private static String nz(String s) {
		return s == null ? "" : s;
	}
}
