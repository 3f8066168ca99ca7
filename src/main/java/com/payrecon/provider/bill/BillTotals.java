package com.payrecon.provider.bill;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts and sums of a bill, either as the bill declares them (its summary / footer lines, mapped by header name)
 * or as computed from its lines. Null counts and absent measures were not declared.
 *
 * @param records WeChat 总交易单数 (all lines)
 * @param payments Alipay 交易合计 …笔
 * @param refunds Alipay 退款合计 …笔
 */
public record BillTotals(Long records, Long payments, Long refunds, Map<Measure, BigDecimal> sums) {

	/** What a summary column sums, and which line column it sums. */
	public enum Measure {
		/** WeChat 订单总金额 / legacy 总交易额 = Σ 订单金额 (legacy 总金额) */
		ORDER_AMOUNT,
		/** WeChat 应结订单总金额 = Σ 应结订单金额 */
		SETTLEMENT_AMOUNT,
		/** WeChat 退款总金额 / legacy 总退款金额 = Σ 退款金额 */
		REFUND_AMOUNT,
		/** WeChat 申请退款总金额 = Σ 申请退款金额 */
		REQUESTED_REFUND_AMOUNT,
		/** WeChat 手续费总金额 = Σ 手续费 (five decimals) */
		FEE,
		/** Alipay 交易合计 商家实收共 = Σ 商家实收（元） over 交易 lines */
		PAYMENT_RECEIVED,
		/** Alipay 退款合计 商家实收退款共 = Σ 商家实收（元） over 退款 lines (negative) */
		REFUND_RECEIVED
	}

	public BillTotals {
		sums = Collections.unmodifiableMap(new EnumMap<>(sums.isEmpty() ? new EnumMap<>(Measure.class) : sums));
	}

	/**
	 * What differs between these declared totals and {@code computed}: only what this side declares is compared;
	 * amounts with {@link BigDecimal#compareTo} (so 0.0 equals 0.00).
	 */
	public List<String> differencesFrom(BillTotals computed) {
		List<String> out = new ArrayList<>();
		compare(out, "records", records, computed.records);
		compare(out, "payments", payments, computed.payments);
		compare(out, "refunds", refunds, computed.refunds);
		sums.forEach((measure, declared) -> {
			BigDecimal actual = computed.sums.get(measure);
			// no line of that kind sums to zero: Alipay declares "退款合计：0笔，…共0.00元" on a day without refunds
			if (actual == null ? declared.signum() != 0 : declared.compareTo(actual) != 0) {
				out.add(measure + ": declared " + declared.toPlainString() + ", lines sum to "
						+ (actual == null ? "nothing" : actual.toPlainString()));
			}
		});
		return out;
	}

	private static void compare(List<String> out, String what, Long declared, Long computed) {
		if (declared != null && !Objects.equals(declared, computed)) {
			out.add(what + ": declared " + declared + ", lines count " + computed);
		}
	}
}
