package com.payrecon.console.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.payrecon.reconcile.AdjustmentKind;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

class DayExportTests {

	@Test
	void textThatASpreadsheetWouldEvaluateIsPrefixedWithAQuote() {
		assertThat(DayExport.csvCell("=1+2")).isEqualTo("'=1+2");
		assertThat(DayExport.csvCell("+1")).isEqualTo("'+1");
		assertThat(DayExport.csvCell("-1+1")).isEqualTo("'-1+1");
		assertThat(DayExport.csvCell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
		assertThat(DayExport.csvCell("\tcmd")).isEqualTo("'\tcmd");
		assertThat(DayExport.csvCell("\r=1")).isEqualTo("\"'\r'=1\""); // and the '=' a CR-splitting reader would start a cell with
		assertThat(DayExport.csvCell("a=1")).isEqualTo("a=1");
		assertThat(DayExport.csvCell("")).isEmpty();
		assertThat(DayExport.csvCell(null)).isEmpty();
	}

	@Test
	void commasQuotesAndLineBreaksAreQuotedAfterDefusing() {
		assertThat(DayExport.csvCell("商品,含逗号")).isEqualTo("\"商品,含逗号\"");
		assertThat(DayExport.csvCell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
		assertThat(DayExport.csvCell("=HYPERLINK(\"x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
		assertThat(DayExport.csvCell("two\nlines")).isEqualTo("\"two\nlines\"");
	}

	/**
	 * Issue 11: a spreadsheet set to another separator (';' in much of Europe) splits an unquoted cell there, and a
	 * formula start right after a separator, quote or line break becomes the start of a cell of its own.
	 */
	@Test
	void semicolonsAreQuotedAndFormulaStartsAfterASeparatorQuoteOrLineBreakAreDefusedToo() {
		assertThat(DayExport.csvCell("a;b")).isEqualTo("\"a;b\"");
		assertThat(DayExport.csvCell("ok;=cmd|' /C calc'!A0")).isEqualTo("\"ok;'=cmd|' /C calc'!A0\"");
		assertThat(DayExport.csvCell("ok,+1")).isEqualTo("\"ok,'+1\"");
		assertThat(DayExport.csvCell("line\n@SUM(A1)")).isEqualTo("\"line\n'@SUM(A1)\"");
		assertThat(DayExport.csvCell("line\r\n-2+3")).isEqualTo("\"line\r\n'-2+3\"");
		assertThat(DayExport.csvCell("say \"=1\"")).isEqualTo("\"say \"\"'=1\"\"\"");
		assertThat(DayExport.csvCell("x,\t=1")).isEqualTo("\"x,'\t=1\"");
		assertThat(DayExport.csvCell("a - b, c")).isEqualTo("\"a - b, c\"");
	}

	@Test
	void amountsAndCountsAreWrittenAsPlainNumbersEvenWhenNegative() {
		assertThat(DayExport.csvCell(Fen.of(-150))).isEqualTo("-1.50");
		assertThat(DayExport.csvCell(Fen.of(1800))).isEqualTo("18.00");
		assertThat(DayExport.csvCell(42L)).isEqualTo("42");
	}

	@Test
	void theCsvStartsWithABomAndEndsEveryRowWithCrLf() {
		List<List<Object>> table = List.of(Arrays.asList("a", null, Fen.of(1)), List.of());
		byte[] csv = DayExport.csv(table);
		assertThat(Arrays.copyOf(csv, 3)).containsExactly(0xEF, 0xBB, 0xBF);
		assertThat(new String(csv, 3, csv.length - 3, StandardCharsets.UTF_8)).isEqualTo("a,,0.01\r\n\r\n");
	}

	@Test
	void aCaseIsNeverYoungerThanZero() {
		Instant now = Instant.parse("2026-11-10T12:00:00Z");
		assertThat(ReconciliationQuery.age(now.minus(Duration.ofMinutes(310)), now)).isEqualTo(Duration.ofMinutes(310));
		assertThat(ReconciliationQuery.age(now.plus(Duration.ofMinutes(3)), now)).isEqualTo(Duration.ZERO);
	}

	@Test
	void onlyALatePaymentOnAClosedOrderOrAFullRefundThereOfAPaidOrderCallForAnOrderChange() {
		assertThat(ReconciliationQuery.adjustmentFor(DiscrepancyType.LATE_PAYMENT, "CLOSED", "paid at the provider, CLOSED here"))
			.isEqualTo(AdjustmentKind.REOPEN_LATE_PAYMENT);
		assertThat(ReconciliationQuery.adjustmentFor(DiscrepancyType.LATE_PAYMENT, "FAILED", "paid at the provider, FAILED here")).isNull();
		assertThat(ReconciliationQuery.adjustmentFor(DiscrepancyType.REFUND_UNKNOWN, "PAID", "refund R1 at the provider (SUCCESS), unknown here"))
			.isEqualTo(AdjustmentKind.MARK_REFUNDED);
		assertThat(ReconciliationQuery.adjustmentFor(DiscrepancyType.STATUS_MISMATCH, "PAID", "paid by transaction 1 at the provider, by 2 here"))
			.isNull();
		assertThat(ReconciliationQuery.adjustmentFor(DiscrepancyType.MISSING_AT_PROVIDER, "PAID", "x")).isNull();
	}
}
