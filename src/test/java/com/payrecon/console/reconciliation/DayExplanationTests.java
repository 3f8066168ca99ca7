package com.payrecon.console.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.payrecon.console.reconciliation.DayExplanation.Case;
import com.payrecon.console.reconciliation.DayExplanation.Kind;
import com.payrecon.console.reconciliation.DayExplanation.Measure;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Totals;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/** Each kind of case takes its share of the difference; what no case explains is left as the rest. */
class DayExplanationTests {

	@Test
	void theIssuesExampleAddsUpToTheFen() {
		// "difference 163.00 = 88.00 late payment + 120.00 unknown payment − 45.00 missing at provider"
		Totals provider = totals(100_000 + 8_800 + 12_000, 0, 1_21);
		Totals local = totals(100_000 + 4_500, 0, null);
		DayExplanation e = DayExplanation.of(provider, local,
				List.of(open(1, DiscrepancyType.LATE_PAYMENT, 8_800, 8_800, "CLOSED", "paid at the provider, CLOSED here"),
						open(2, DiscrepancyType.MISSING_LOCALLY, null, 12_000, null, "paid at the provider, unknown here"),
						open(3, DiscrepancyType.MISSING_AT_PROVIDER, 4_500, null, "PAID", "paid here at …")));
		Measure gross = e.measures().get(0);
		assertThat(gross.kind()).isEqualTo(Kind.GROSS);
		assertThat(gross.difference()).isEqualTo(Fen.of(16_300));
		assertThat(gross.items()).extracting(i -> i.amount().value()).containsExactly(8_800L, 12_000L, -4_500L);
		assertThat(gross.rest()).isEqualTo(Fen.ZERO);
		Measure fees = e.measures().get(2);
		assertThat(fees.difference()).isEqualTo(Fen.of(1_21));
		assertThat(fees.items()).singleElement().satisfies(i -> assertThat(i.caseId()).isNull());
		assertThat(e.explained()).isTrue();
	}

	@Test
	void refundsAmountMismatchesAndRepairsTakeTheirOwnShare() {
		Totals provider = totals(1_000 + 2_000, 600, 0);
		Totals local = totals(900 + 2_000, 0, null);
		DayExplanation e = DayExplanation.of(provider, local,
				List.of(open(1, DiscrepancyType.AMOUNT_MISMATCH, 900, 1_000, "PAID", "the bill says 1000 fen, the order 900 fen"),
						open(2, DiscrepancyType.REFUND_UNKNOWN, null, 600, "PAID", "refund R1 at the provider (SUCCESS), unknown here"),
						repaired(3, 2_000)));
		assertThat(e.measures().get(0).items()).extracting(i -> i.amount().value()).containsExactly(100L);
		assertThat(e.measures().get(1).items()).extracting(i -> i.amount().value()).containsExactly(600L);
		assertThat(e.explained()).isTrue();
	}

	@Test
	void whatNoCaseExplainsIsTheRest() {
		// a bill line matched to an order paid on the day before: the provider counts it, PayRecon's day does not
		DayExplanation e = DayExplanation.of(totals(5_00, 0, 0), totals(0, 0, null), List.of());
		assertThat(e.measures().get(0).rest()).isEqualTo(Fen.of(5_00));
		assertThat(e.explained()).isFalse();
	}

	@Test
	void refundCasesTakeTheirShareOfTheRefundsDifference() {
		// provider's refund lines: 300 unknown here + 500 (400 here) + 200 CLOSED here; PayRecon's SUCCESS refunds:
		// 400 (the mismatch) + 700 no line accounts for
		Totals provider = totals(0, 300 + 500 + 200, 0);
		Totals local = totals(0, 400 + 700, null);
		DayExplanation e = DayExplanation.of(provider, local,
				List.of(open(1, DiscrepancyType.REFUND_UNKNOWN, null, 300, "PAID", "refund R1 at the provider (SUCCESS), unknown here"),
						open(2, DiscrepancyType.REFUND_AMOUNT_MISMATCH, 400, 500, "SUCCESS", "refund R2: the bill says 500 fen, here 400 fen"),
						open(3, DiscrepancyType.REFUND_STATUS_MISMATCH, 200, 200, "CLOSED", "refund R3 paid back at the provider, CLOSED here"),
						open(4, DiscrepancyType.REFUND_NOT_AT_PROVIDER, 700, null, "SUCCESS", "refund R4 (API) SUCCESS here")));
		Measure refunds = e.measures().get(1);
		assertThat(refunds.difference()).isEqualTo(Fen.of(-100));
		assertThat(refunds.items()).extracting(i -> i.amount().value()).containsExactly(300L, 100L, 200L, -700L);
		assertThat(refunds.rest()).isEqualTo(Fen.ZERO);
		assertThat(e.explained()).isTrue();
	}

	private static Totals totals(long gross, long refunds, Integer fees) {
		Fen f = fees == null ? null : Fen.of(fees);
		return new Totals(0, Fen.of(gross), f, 0, Fen.of(refunds), Fen.of(gross - refunds - (fees == null ? 0 : fees)));
	}

	private static Case open(long id, DiscrepancyType type, Integer local, Integer provider, String localStatus,
			String detail) {
		return new Case(id, type, "T" + id, local == null ? null : Fen.of(local), provider == null ? null : Fen.of(provider),
				localStatus, detail, false, false);
	}

	private static Case repaired(long id, long fen) {
		return new Case(id, DiscrepancyType.MISSING_LOCALLY, "T" + id, Fen.of(fen), Fen.of(fen), "PENDING",
				"paid at the provider, PENDING here", true, true);
	}
}
