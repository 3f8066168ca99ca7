package com.payrecon.provider.bill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.bill.BillLine.Type;
import com.payrecon.provider.bill.BillTotals.Measure;
import com.payrecon.support.money.Fen;

/**
 * Reads a {@link BillDownload} one line at a time (never the whole file): WeChat Pay v2/v3 text bills (a header,
 * backtick-prefixed rows, a summary header and a summary row; protocols.md A.8) and Alipay GBK CSV detail files
 * ({@code #} header and footer lines, 交易合计/退款合计 footers, values padded with tabs; C.6). Columns are found by
 * their header names, so the ALL/SUCCESS/REFUND and legacy layouts all work.
 * <p>
 * Call {@link #next()} until it returns null; then {@link #declared()} holds the bill's own totals and
 * {@link #computed()} the same totals summed from the lines, and {@link #differences()} compares them. A v3 bill
 * whose SHA1 does not match throws from the last {@code next()}: callers must treat everything read so far as void.
 */
public final class BillParser implements AutoCloseable {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
	private static final Pattern ALIPAY_PAYMENTS = Pattern.compile("#交易合计[：:]\\s*(\\d+)笔[，,]\\s*商家实收共\\s*(-?[0-9.]+)元.*");
	/** An amount as bills write it: digits, optionally a fraction, optionally negative (compiled once, not per value). */
	private static final Pattern AMOUNT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
	private static final Pattern ALIPAY_REFUNDS = Pattern.compile("#退款合计[：:]\\s*(\\d+)笔[，,]\\s*商家实收退款共\\s*(-?[0-9.]+)元.*");

	private final BufferedReader reader;
	private final ZoneId zone;
	private final boolean alipay;
	private List<String> header;
	private long lineNumber;
	private boolean rowsEnded;
	private boolean finished;

	private long records;
	private long payments;
	private long refunds;
	private final Map<Measure, BigDecimal> sums = new EnumMap<>(Measure.class);
	private BillTotals declared;

	private BillParser(BufferedReader reader, ZoneId zone, boolean alipay) {
		this.reader = reader;
		this.zone = zone;
		this.alipay = alipay;
	}

	/** Opens the bill's content (UTF-8 for WeChat, GBK for Alipay, strictly decoded) in {@code zone}. */
	public static BillParser open(BillDownload download, ZoneId zone) {
		if (download.content() == null) {
			throw new IllegalArgumentException("no bill content (noBill or error " + download.errorCode() + ")");
		}
		boolean alipay = BillDownload.ALIPAY_CSV_GBK.equals(download.format());
		Charset charset = alipay ? Charset.forName("GBK") : StandardCharsets.UTF_8;
		var decoder = charset.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		return new BillParser(new BufferedReader(new InputStreamReader(download.content(), decoder), 1 << 16), zone,
				alipay);
	}

	/** The next record, or null at the end of the file (then the totals are available). */
	public BillLine next() throws IOException {
		if (finished) {
			return null;
		}
		String line;
		while ((line = reader.readLine()) != null) {
			lineNumber++;
			if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
				line = line.substring(1);
			}
			BillLine parsed = alipay ? alipayLine(line) : wechatLine(line);
			if (parsed != null) {
				return parsed;
			}
		}
		finished = true;
		if (header == null) {
			throw new BillFormatException("bill without a header line");
		}
		if (alipayDeclared != null) {
			declared = new BillTotals(null, alipayDeclared.payments, alipayDeclared.refunds, alipayDeclared.sums);
		}
		return null;
	}

	/** The bill's own totals (summary row or footers); null before the end or when the bill has none. */
	public BillTotals declared() {
		return finished ? declared : null;
	}

	/** Totals summed from the lines read, for the measures the bill declares (all measures seen when it declares none). */
	public BillTotals computed() {
		if (!alipay) {
			return new BillTotals(records, null, null, sums);
		}
		return new BillTotals(null, payments, refunds, sums);
	}

	/** Empty when the declared totals equal the lines' totals; needs the whole file read. */
	public List<String> differences() {
		if (!finished) {
			throw new IllegalStateException("read the bill to its end first");
		}
		if (declared == null) {
			return List.of("the bill declares no totals");
		}
		return declared.differencesFrom(computed());
	}

	// ---------------------------------------------------------------- WeChat

	private List<String> summaryHeader;

	private BillLine wechatLine(String line) throws BillFormatException {
		if (line.isBlank()) {
			return null;
		}
		if (header == null) {
			header = splitPlain(line);
			return null;
		}
		if (line.charAt(0) != '`') {
			if (summaryHeader != null) {
				throw new BillFormatException("unexpected line " + lineNumber);
			}
			summaryHeader = splitPlain(line);
			return null;
		}
		List<String> values = splitBackticked(line);
		if (summaryHeader != null) {
			if (declared != null) {
				throw new BillFormatException("second summary row at line " + lineNumber);
			}
			declared = wechatSummary(summaryHeader, values);
			return null;
		}
		if (values.size() != header.size()) {
			throw new BillFormatException("line " + lineNumber + " has " + values.size() + " fields, the header " + header.size());
		}
		Map<String, String> columns = new LinkedHashMap<>(header.size() * 2);
		for (int i = 0; i < header.size(); i++) {
			columns.put(header.get(i), values.get(i));
		}
		return wechatRecord(columns);
	}

	private BillLine wechatRecord(Map<String, String> c) throws BillFormatException {
		String state = c.getOrDefault("交易状态", "");
		String refundId = blankToNull(c.get("微信退款单号"));
		if ("0".equals(refundId)) {
			refundId = null; // legacy bills write 0 for "no refund"
		}
		Type type = "REVOKED".equals(state) ? Type.REVERSED : "REFUND".equals(state) ? Type.REFUND : Type.PAYMENT;
		records++;
		// 订单总金额 covers the payments: a refund row repeats (or zeroes) its order's amount, so it is not added
		BigDecimal orderAmount = type == Type.REFUND ? decimal(first(c, "订单金额", "总金额"))
				: sum(Measure.ORDER_AMOUNT, first(c, "订单金额", "总金额"));
		sum(Measure.SETTLEMENT_AMOUNT, c.get("应结订单金额"));
		BigDecimal refund = sum(Measure.REFUND_AMOUNT, c.get("退款金额"));
		BigDecimal requestedRefund = sum(Measure.REQUESTED_REFUND_AMOUNT, c.get("申请退款金额"));
		BigDecimal fee = sum(Measure.FEE, c.get("手续费"));
		BigDecimal amount = type == Type.REFUND ? (requestedRefund != null ? requestedRefund : refund)
				: orderAmount != null ? orderAmount : decimal(c.get("应结订单金额"));
		return new BillLine(lineNumber, time(c.get("交易时间")), blankToNull(c.get("微信订单号")),
				blankToNull(c.get("商户订单号")), type, refundId, blankToNull(c.get("商户退款单号")), fen(amount),
				fee == null ? Fen.ZERO : fen(fee), fee == null ? BigDecimal.ZERO : fee,
				type == Type.REFUND && c.containsKey("退款状态") ? c.get("退款状态") : state, c);
	}

	private BillTotals wechatSummary(List<String> names, List<String> values) throws BillFormatException {
		if (names.size() != values.size()) {
			throw new BillFormatException("summary has " + values.size() + " fields, its header " + names.size());
		}
		Long count = null;
		Map<Measure, BigDecimal> declaredSums = new EnumMap<>(Measure.class);
		for (int i = 0; i < names.size(); i++) {
			String value = values.get(i);
			switch (names.get(i)) {
				case "总交易单数" -> count = parseCount(value);
				case "订单总金额", "总交易额" -> declaredSums.put(Measure.ORDER_AMOUNT, decimal(value));
				case "应结订单总金额" -> declaredSums.put(Measure.SETTLEMENT_AMOUNT, decimal(value));
				case "退款总金额", "总退款金额" -> declaredSums.put(Measure.REFUND_AMOUNT, decimal(value));
				case "申请退款总金额" -> declaredSums.put(Measure.REQUESTED_REFUND_AMOUNT, decimal(value));
				case "手续费总金额" -> declaredSums.put(Measure.FEE, decimal(value));
				default -> {
					// 充值券退款总金额, 总代金券或立减优惠退款金额: kept out of the check
				}
			}
		}
		return new BillTotals(count, null, null, declaredSums);
	}

	private static List<String> splitPlain(String line) {
		List<String> out = new ArrayList<>();
		for (String part : line.split(",", -1)) {
			out.add(part.strip());
		}
		return out;
	}

	/** {@code `a,`b,`} → [a, b, ""]; a comma inside a value (not followed by a backtick) stays in the value. */
	private static List<String> splitBackticked(String line) {
		List<String> out = new ArrayList<>();
		int start = 1;
		while (true) {
			int next = line.indexOf(",`", start);
			if (next < 0) {
				out.add(line.substring(start).strip());
				return out;
			}
			out.add(line.substring(start, next).strip());
			start = next + 2;
		}
	}

	// ---------------------------------------------------------------- Alipay

	private BillLine alipayLine(String line) throws BillFormatException {
		String trimmed = line.strip();
		if (trimmed.isEmpty()) {
			return null;
		}
		if (trimmed.startsWith("#")) {
			if (header != null) {
				rowsEnded = true;
			}
			alipayFooter(trimmed);
			return null;
		}
		if (header == null) {
			header = splitPlain(trimmed);
			return null;
		}
		if (rowsEnded) {
			throw new BillFormatException("data after the end marker at line " + lineNumber);
		}
		List<String> values = splitPlain(line);
		if (values.size() != header.size()) {
			throw new BillFormatException("line " + lineNumber + " has " + values.size() + " fields, the header " + header.size());
		}
		Map<String, String> c = new LinkedHashMap<>(header.size() * 2);
		for (int i = 0; i < header.size(); i++) {
			c.put(header.get(i), values.get(i));
		}
		String kind = c.getOrDefault("业务类型", "");
		Type type = kind.equals("退款") ? Type.REFUND : Type.PAYMENT;
		BigDecimal received = decimal(c.get("商家实收（元）"));
		if (type == Type.REFUND) {
			refunds++;
			add(Measure.REFUND_RECEIVED, received);
		}
		else {
			payments++;
			add(Measure.PAYMENT_RECEIVED, received);
		}
		BigDecimal orderAmount = decimal(c.get("订单金额（元）"));
		BigDecimal fee = decimal(c.get("服务费（元）"));
		String time = blankToNull(c.get("完成时间")) != null ? c.get("完成时间") : c.get("创建时间");
		return new BillLine(lineNumber, time(time), blankToNull(c.get("支付宝交易号")), blankToNull(c.get("商户订单号")),
				type, null, blankToNull(c.get("退款批次号/请求号")), orderAmount == null ? null : fen(orderAmount.abs()),
				fee == null ? Fen.ZERO : fen(fee), fee == null ? BigDecimal.ZERO : fee, kind, c);
	}

	private void alipayFooter(String line) throws BillFormatException {
		Matcher m = ALIPAY_PAYMENTS.matcher(line);
		if (m.matches()) {
			declaredAlipay().payments = parseCount(m.group(1));
			declaredAlipay().sums.put(Measure.PAYMENT_RECEIVED, decimal(m.group(2)));
			return;
		}
		m = ALIPAY_REFUNDS.matcher(line);
		if (m.matches()) {
			declaredAlipay().refunds = parseCount(m.group(1));
			declaredAlipay().sums.put(Measure.REFUND_RECEIVED, decimal(m.group(2)));
		}
	}

	private final class AlipayDeclared {
		Long payments;
		Long refunds;
		final Map<Measure, BigDecimal> sums = new EnumMap<>(Measure.class);
	}

	private AlipayDeclared alipayDeclared;

	private AlipayDeclared declaredAlipay() {
		if (alipayDeclared == null) {
			alipayDeclared = new AlipayDeclared();
		}
		return alipayDeclared;
	}

	// ---------------------------------------------------------------- common

	private BigDecimal sum(Measure measure, String value) throws BillFormatException {
		BigDecimal d = decimal(value);
		add(measure, d);
		return d;
	}

	private void add(Measure measure, BigDecimal value) {
		if (value != null) {
			sums.merge(measure, value, BigDecimal::add);
		}
	}

	private BigDecimal decimal(String value) throws BillFormatException {
		String v = blankToNull(value);
		if (v == null) {
			return null;
		}
		if (!AMOUNT.matcher(v).matches()) {
			throw new BillFormatException("line " + lineNumber + ": not an amount");
		}
		return new BigDecimal(v);
	}

	private Fen fen(BigDecimal yuan) {
		return yuan == null ? null : Fen.of(yuan.movePointRight(2).setScale(0, RoundingMode.HALF_UP).longValueExact());
	}

	private long parseCount(String value) throws BillFormatException {
		try {
			return Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			throw new BillFormatException("line " + lineNumber + ": not a count");
		}
	}

	private Instant time(String value) throws BillFormatException {
		String v = blankToNull(value);
		if (v == null) {
			return null;
		}
		try {
			// old WeChat bills write full-width colons (16：33：45)
			return LocalDateTime.parse(v.replace('：', ':'), TIME).atZone(zone).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new BillFormatException("line " + lineNumber + ": not a yyyy-MM-dd HH:mm:ss time");
		}
	}

	private static String first(Map<String, String> c, String... names) {
		for (String name : names) {
			if (c.containsKey(name)) {
				return c.get(name);
			}
		}
		return null;
	}

	private static String blankToNull(String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}

	@Override
	public void close() throws IOException {
		reader.close();
	}

	/** The bill is not in the expected layout. */
	public static class BillFormatException extends IOException {
		public BillFormatException(String message) {
			super(message);
		}
	}
}
