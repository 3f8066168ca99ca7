package com.payrecon.provider.bill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;

import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.bill.BillLine.Type;
import com.payrecon.provider.bill.BillTotals.Measure;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

class BillParserTest {

	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
	static final Charset GBK = Charset.forName("GBK");

	static final String ALL_HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
			+ "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
			+ "手续费,费率,订单金额,申请退款金额,费率备注";

	static String allRow(String time, String txn, String no, String state, String settle, String refundId, String outRefund,
			String refund, String refundStatus, String body, String fee, String order, String requestedRefund) {
		return String.join(",", "`" + time, "`wx2421b1c4370ec43b", "`10000100", "`0", "`", "`" + txn, "`" + no, "`oUpF8u",
				"`NATIVE", "`" + state, "`CMC", "`CNY", "`" + settle, "`0.00", "`" + refundId, "`" + outRefund, "`" + refund,
				"`0.00", "`" + (refundId.isEmpty() ? "" : "ORIGINAL"), "`" + refundStatus, "`" + body, "`", "`" + fee,
				"`0.60%", "`" + order, "`" + requestedRefund, "`");
	}

	static BillDownload wechat(String text) {
		return new BillDownload(false, null, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), BillDownload.WECHAT_TEXT);
	}

	@Test
	void aCurrentAllBillWithPaymentRefundAndReversal() throws IOException {
		String text = ALL_HEADER + "\r\n"
				+ allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00", "", "", "0.00", "", "商品,含逗号", "0.04000", "6.00", "0.00") + "\r\n"
				+ allRow("2026-11-21 09:00:00", "4200000001", "ORDER1", "REFUND", "0.00", "50000001", "R1", "1.00", "SUCCESS", "商品", "-0.00600", "0.00", "1.00") + "\r\n"
				+ allRow("2026-11-21 10:00:00", "4200000002", "ORDER2", "REVOKED", "2.00", "", "", "0.00", "", "x", "0.01200", "2.00", "0.00") + "\r\n"
				+ "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
				+ "`3,`8.00,`1.00,`0.00,`0.04600,`8.00,`1.00\r\n";

		try (BillParser parser = BillParser.open(wechat(text), SHANGHAI)) {
			BillLine payment = parser.next();
			assertThat(payment.type()).isEqualTo(Type.PAYMENT);
			assertThat(payment.tradedAt()).isEqualTo(Instant.parse("2026-11-21T00:35:41Z"));
			assertThat(payment.providerTxnId()).isEqualTo("4200000001");
			assertThat(payment.outTradeNo()).isEqualTo("ORDER1");
			assertThat(payment.amount()).isEqualTo(Fen.of(600));
			assertThat(payment.fee()).isEqualTo(Fen.of(4));
			assertThat(payment.feeExact()).isEqualByComparingTo("0.04000");
			assertThat(payment.columns()).containsEntry("商品名称", "商品,含逗号");
			assertThat(payment.status()).isEqualTo("SUCCESS");

			BillLine refund = parser.next();
			assertThat(refund.type()).isEqualTo(Type.REFUND);
			assertThat(refund.refundId()).isEqualTo("50000001");
			assertThat(refund.outRefundNo()).isEqualTo("R1");
			assertThat(refund.amount()).isEqualTo(Fen.of(100));
			assertThat(refund.fee()).isEqualTo(Fen.of(-1)); // -0.006 rounds half-up (away from zero) to -0.01
			assertThat(refund.status()).isEqualTo("SUCCESS");

			BillLine reversed = parser.next();
			assertThat(reversed.type()).isEqualTo(Type.REVERSED);
			assertThat(reversed.fee()).isEqualTo(Fen.of(1));

			assertThat(parser.next()).isNull();
			assertThat(parser.declared().records()).isEqualTo(3);
			assertThat(parser.declared().sums()).containsEntry(Measure.FEE, new BigDecimal("0.04600"));
			assertThat(parser.differences()).isEmpty();
		}
	}

	@Test
	void theLegacyLayoutWithFullWidthColonsAndItsOwnSummaryNames() throws IOException {
		// WxJava's PAY_BILL_RESULT_ALL_CONTENT_1 sample (protocols.md A.8 "legacy format")
		String text = "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率\n"
				+ "`2014-11-10 16：33：45,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1001690740201411100005734289,`1415640626,`085e9858e3ba5186aafcbaed1,`MICROPAY,`SUCCESS,`CFT,`CNY,`0.01,`0.0,`0,`0,`0,`0,`,`,`被扫支付测试,`订单额外描述,`0,`0.60%\n"
				+ "`2014-11-10 16：46：14,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1002780740201411100005729794,`1415635270,`085e9858e90ca40c0b6aee463,`MICROPAY,`SUCCESS,`CFT,`CNY,`0.01,`0.0,`0,`0,`0,`0,`,`,`被扫支付测试,`订单额外描述,`0,`0.60%\n"
				+ "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额\n"
				+ "`2,`0.02,`0.0,`0.0,`0\n";

		try (BillParser parser = BillParser.open(wechat(text), SHANGHAI)) {
			BillLine first = parser.next();
			assertThat(first.tradedAt()).isEqualTo(Instant.parse("2014-11-10T08:33:45Z"));
			assertThat(first.amount()).isEqualTo(Fen.of(1));
			assertThat(first.type()).isEqualTo(Type.PAYMENT);
			assertThat(first.refundId()).isNull();
			assertThat(parser.next()).isNotNull();
			assertThat(parser.next()).isNull();
			assertThat(parser.differences()).isEmpty();
		}
	}

	@Test
	void aSummaryThatDisagreesWithTheLinesIsReported() throws IOException {
		String text = ALL_HEADER + "\n"
				+ allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00", "", "", "0.00", "", "x", "0.04000", "6.00", "0.00") + "\n"
				+ "总交易单数,订单总金额,手续费总金额\n`2,`6.01,`0.04000\n";
		try (BillParser parser = BillParser.open(wechat(text), SHANGHAI)) {
			while (parser.next() != null) {
				// read all
			}
			assertThat(parser.differences()).containsExactlyInAnyOrder("records: declared 2, lines count 1",
					"ORDER_AMOUNT: declared 6.01, lines sum to 6.00");
		}
	}

	@Test
	void malformedBillsAreRefused() {
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n`2026-11-21 08:35:41,`only-two\n")))
			.isInstanceOf(BillParser.BillFormatException.class).hasMessageContaining("line 2");
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n" + allRow("2026-11-21 08:35:41", "1", "O", "SUCCESS", "1E+2",
				"", "", "0", "", "x", "0", "1", "0") + "\n"))).isInstanceOf(BillParser.BillFormatException.class);
		assertThatThrownBy(() -> readAll(wechat(""))).isInstanceOf(BillParser.BillFormatException.class);
	}

	@Test
	void anAlipayGbkBillWithCommentLinesFootersAndTrailingTabs() throws IOException {
		String text = "#支付宝业务明细查询\n#账号：[20880000000000000156]\n#起始日期：[2026年11月21日 00:00:00]   终止日期：[2026年11月22日 00:00:00]\n"
				+ "#-----------------------------------------业务明细列表----------------------------------------\n"
				+ "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n"
				+ "2026112122001446880500000001\t,A0001\t,交易\t,会员充值\t,2026-11-21 10:34:50\t,2026-11-21 10:34:56\t,\t,\t,\t,\t,159****5620\t,88.88\t,88.88\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,-0.53\t,0.00\t,\t\n"
				+ "2026112122001446880500000001\t,A0001\t,退款\t,会员充值\t,2026-11-21 11:00:00\t,2026-11-21 11:00:01\t,\t,\t,\t,\t,159****5620\t,-10.00\t,-10.00\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,RF0001\t,0.06\t,0.00\t,\t\n"
				+ "#-----------------------------------------业务明细列表结束------------------------------------\n"
				+ "#交易合计：1笔，商家实收共88.88元，商家优惠共0.00元\n"
				+ "#退款合计：1笔，商家实收退款共-10.00元，商家优惠退款共0.00元\n"
				+ "#导出时间：[2026年11月22日 06:27:10]\n";
		BillDownload download = new BillDownload(false, null, new ByteArrayInputStream(text.getBytes(GBK)), BillDownload.ALIPAY_CSV_GBK);

		try (BillParser parser = BillParser.open(download, SHANGHAI)) {
			BillLine payment = parser.next();
			assertThat(payment.type()).isEqualTo(Type.PAYMENT);
			assertThat(payment.providerTxnId()).isEqualTo("2026112122001446880500000001");
			assertThat(payment.outTradeNo()).isEqualTo("A0001");
			assertThat(payment.amount()).isEqualTo(Fen.of(8888));
			assertThat(payment.fee()).isEqualTo(Fen.of(-53));
			assertThat(payment.tradedAt()).isEqualTo(Instant.parse("2026-11-21T02:34:56Z"));
			BillLine refund = parser.next();
			assertThat(refund.type()).isEqualTo(Type.REFUND);
			assertThat(refund.amount()).isEqualTo(Fen.of(1000));
			assertThat(refund.outRefundNo()).isEqualTo("RF0001");
			assertThat(parser.next()).isNull();
			assertThat(parser.declared().payments()).isEqualTo(1);
			assertThat(parser.declared().refunds()).isEqualTo(1);
			assertThat(parser.differences()).isEmpty();
		}
	}

	/** Found by the reconciliation benchmark: a day without refunds declares 0.00 refunded, which no line sums to. */
	@Test
	void anAlipayBillOfADayWithoutRefundsAgreesWithItsFooters() throws IOException {
		String text = "#支付宝业务明细查询\n#账号：[20880000000000000156]\n"
				+ "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n"
				+ "2026112122001446880500000001\t,A0001\t,交易\t,会员充值\t,2026-11-21 10:34:50\t,2026-11-21 10:34:56\t,\t,\t,\t,\t,159****5620\t,88.88\t,88.88\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,-0.53\t,0.00\t,\t\n"
				+ "#交易合计：1笔，商家实收共88.88元，商家优惠共0.00元\n"
				+ "#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元\n";
		String tampered = text.replace("商家实收退款共0.00元", "商家实收退款共-1.00元");

		assertThat(differences(text)).isEmpty();
		assertThat(differences(tampered)).containsExactly("REFUND_RECEIVED: declared -1.00, lines sum to nothing");
	}

	static final String ALIPAY_HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n";

	static String alipayRow(String no, String kind, String created, String completed, String amount) {
		return "2026112122001446880500000001\t," + no + "\t," + kind + "\t,会员充值\t," + created + "\t," + completed
				+ "\t,\t,\t,\t,\t,159****5620\t," + amount + "\t," + amount + "\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,-0.53\t,0.00\t,\t\n";
	}

	static BillDownload alipay(String text) {
		return new BillDownload(false, null, new ByteArrayInputStream(text.getBytes(GBK)), BillDownload.ALIPAY_CSV_GBK);
	}

	@Test
	void alipayFootersThatCountOtherThanTheLinesAreReported() throws IOException {
		String text = ALIPAY_HEADER + alipayRow("A0001", "交易", "2026-11-21 10:34:50", "2026-11-21 10:34:56", "88.88")
				+ "#交易合计：2笔，商家实收共88.88元，商家优惠共0.00元\n#退款合计：1笔，商家实收退款共0.00元，商家优惠退款共0.00元\n";

		assertThat(differences(text)).containsExactlyInAnyOrder("payments: declared 2, lines count 1",
				"refunds: declared 1, lines count 0");
	}

	@Test
	void aBillWithoutDeclaredTotalsSaysSoInsteadOfAgreeing() throws IOException {
		assertThat(differences(ALIPAY_HEADER + alipayRow("A0001", "交易", "2026-11-21 10:34:50", "2026-11-21 10:34:56", "1.00")))
			.containsExactly("the bill declares no totals");
		String wechatText = ALL_HEADER + "\n" + allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00", "",
				"", "0.00", "", "x", "0.04000", "6.00", "0.00") + "\n";
		try (BillParser parser = BillParser.open(wechat(wechatText), SHANGHAI)) {
			assertThatThrownBy(parser::differences).isInstanceOf(IllegalStateException.class);
			assertThat(parser.next()).isNotNull();
			assertThat(parser.declared()).isNull();
			assertThat(parser.next()).isNull();
			assertThat(parser.next()).as("stays at the end").isNull();
			assertThat(parser.declared()).isNull();
			assertThat(parser.differences()).containsExactly("the bill declares no totals");
			assertThat(parser.computed().records()).isEqualTo(1);
			assertThat(parser.computed().sums()).containsEntry(Measure.ORDER_AMOUNT, new BigDecimal("6.00"));
		}
	}

	@Test
	void aByteOrderMarkBeforeTheHeaderIsNotPartOfTheFirstColumnName() throws IOException {
		String text = "\uFEFF" + ALL_HEADER + "\n" + allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00",
				"", "", "0.00", "", "x", "0.04000", "6.00", "0.00") + "\n";
		try (BillParser parser = BillParser.open(wechat(text), SHANGHAI)) {
			BillLine line = parser.next();
			assertThat(line.columns()).containsKey("交易时间");
			assertThat(line.tradedAt()).isEqualTo(Instant.parse("2026-11-21T00:35:41Z"));
		}
	}

	@Test
	void alipayColumnsAfterTheEndMarkerAreRefused() {
		String text = ALIPAY_HEADER + alipayRow("A0001", "交易", "2026-11-21 10:34:50", "2026-11-21 10:34:56", "1.00")
				+ "#-----------------------------------------业务明细列表结束------------------------------------\n"
				+ alipayRow("A0002", "交易", "2026-11-21 10:34:50", "2026-11-21 10:34:56", "1.00");
		assertThatThrownBy(() -> readAll(alipay(text))).isInstanceOf(BillParser.BillFormatException.class)
			.hasMessage("data after the end marker at line 4");
	}

	@Test
	void alipayRowsWithAnotherColumnCountOrBadValuesAreRefused() {
		assertThatThrownBy(() -> readAll(alipay(ALIPAY_HEADER + "A,B\n"))).isInstanceOf(BillParser.BillFormatException.class)
			.hasMessage("line 2 has 2 fields, the header 25");
		assertThatThrownBy(() -> readAll(alipay(ALIPAY_HEADER
				+ alipayRow("A0001", "交易", "2026-11-21 10:34:50", "2026-11-21 10:34:56", "1.0.0"))))
			.hasMessage("line 2: not an amount");
		assertThatThrownBy(() -> readAll(alipay(ALIPAY_HEADER
				+ alipayRow("A0001", "交易", "2026/11/21 10:34:50", "", "1.00"))))
			.hasMessage("line 2: not a yyyy-MM-dd HH:mm:ss time");
		assertThatThrownBy(() -> readAll(alipay("#only comments\n"))).hasMessage("bill without a header line");
	}

	@Test
	void aRefundLineOfAnAlipayBillIsARefundOfItsAbsoluteAmountAtItsCreationTimeWhenNotCompleted() throws IOException {
		String text = ALIPAY_HEADER + alipayRow("A0001", "退款", "2026-11-21 10:34:50", "", "-2.50")
				+ "#退款合计：1笔，商家实收退款共-2.50元，商家优惠退款共0.00元\n";
		try (BillParser parser = BillParser.open(alipay(text), SHANGHAI)) {
			BillLine refund = parser.next();
			assertThat(refund.type()).isEqualTo(Type.REFUND);
			assertThat(refund.amount()).isEqualTo(Fen.of(250));
			assertThat(refund.status()).isEqualTo("退款");
			assertThat(refund.tradedAt()).as("no completion time: the creation time").isEqualTo(Instant.parse("2026-11-21T02:34:50Z"));
			assertThat(parser.next()).isNull();
			assertThat(parser.computed().refunds()).isEqualTo(1);
			assertThat(parser.computed().payments()).isZero();
			assertThat(parser.differences()).isEmpty();
		}
	}

	@Test
	void wechatSummaryLayoutErrorsAreRefused() {
		String row = allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00", "", "", "0.00", "", "x",
				"0.04000", "6.00", "0.00") + "\n";
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n" + row + "总交易单数,订单总金额\n`1,`6.00\n`1,`6.00\n")))
			.hasMessage("second summary row at line 5");
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n" + row + "总交易单数,订单总金额\nmore text\n")))
			.hasMessage("unexpected line 4");
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n" + row + "总交易单数,订单总金额\n`1\n")))
			.hasMessage("summary has 1 fields, its header 2");
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n" + row + "总交易单数\n`one\n")))
			.hasMessage("line 4: not a count");
		assertThatThrownBy(() -> readAll(wechat(ALL_HEADER + "\n" + row.replace("2026-11-21 08:35:41", "21/11/2026"))))
			.hasMessage("line 2: not a yyyy-MM-dd HH:mm:ss time");
	}

	@Test
	void aLegacyZeroRefundIdMeansNoRefundAndBlankLinesAreSkipped() throws IOException {
		String text = "\n" + ALL_HEADER + "\n\n" + allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00",
				"0", "", "0.00", "", "x", "", "6.00", "0.00") + "\n  \n";
		try (BillParser parser = BillParser.open(wechat(text), SHANGHAI)) {
			BillLine line = parser.next();
			assertThat(line.lineNumber()).isEqualTo(4);
			assertThat(line.refundId()).isNull();
			assertThat(line.fee()).isEqualTo(Fen.ZERO);
			assertThat(line.feeExact()).isEqualByComparingTo("0");
			assertThat(parser.next()).isNull();
		}
	}

	@Test
	void noContentIsRefusedBeforeReading() {
		assertThatThrownBy(() -> BillParser.open(new BillDownload(true, "20002", null, BillDownload.WECHAT_TEXT), SHANGHAI))
			.isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20002");
	}

	private static java.util.List<String> differences(String alipayText) throws IOException {
		BillDownload download = new BillDownload(false, null, new ByteArrayInputStream(alipayText.getBytes(GBK)),
				BillDownload.ALIPAY_CSV_GBK);
		try (BillParser parser = BillParser.open(download, SHANGHAI)) {
			while (parser.next() != null) {
				// read to the end
			}
			return parser.differences();
		}
	}

	/**
	 * One million records streamed from a generator: nothing holds the file, and the totals still add up. Tagged
	 * {@code slow}: the mutation run (profile {@code mutation}) leaves it out, it would time out on every mutant.
	 */
	@Test
	@org.junit.jupiter.api.Tag("slow")
	void aMillionLinesStreamInBoundedMemory() throws IOException {
		int lines = 1_000_000;
		String row = allRow("2026-11-21 08:35:41", "4200000001", "ORDER1", "SUCCESS", "6.00", "", "", "0.00", "", "x",
				"0.03600", "6.00", "0.00") + "\n";
		InputStream body = new SequenceInputStream(new java.util.Enumeration<InputStream>() {
			int part = -1;

			@Override
			public boolean hasMoreElements() {
				return part <= lines;
			}

			@Override
			public InputStream nextElement() {
				part++;
				String chunk = part == 0 ? ALL_HEADER + "\n" : part <= lines ? row
						: "总交易单数,订单总金额,手续费总金额\n`" + lines + ",`6000000.00,`36000.00000\n";
				return new ByteArrayInputStream(chunk.getBytes(StandardCharsets.UTF_8));
			}
		});
		System.gc();
		Runtime runtime = Runtime.getRuntime();
		long start = System.nanoTime();
		long count = 0;
		long peak = 0;
		try (BillParser parser = BillParser.open(new BillDownload(false, null, body, BillDownload.WECHAT_TEXT), SHANGHAI)) {
			while (parser.next() != null) {
				if (++count % 100_000 == 0) {
					System.gc();
					peak = Math.max(peak, runtime.totalMemory() - runtime.freeMemory());
				}
			}
			assertThat(parser.differences()).isEmpty();
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		assertThat(count).isEqualTo(lines);
		System.out.printf("BillParser: %d lines in %d ms, heap retained after GC at most ~%d MB%n", count, millis, peak >> 20);
	}

	private static void readAll(BillDownload download) throws IOException {
		try (BillParser parser = BillParser.open(download, SHANGHAI)) {
			while (parser.next() != null) {
				// read all
			}
		}
	}

}
