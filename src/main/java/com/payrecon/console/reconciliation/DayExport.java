package com.payrecon.console.reconciliation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.console.ConsoleFormat;
import com.payrecon.console.reconciliation.ReconciliationQuery.CaseRow;
import com.payrecon.console.reconciliation.ReconciliationQuery.Day;
import com.payrecon.reconcile.DaySignOffs;
import com.payrecon.reconcile.RunSummary;
import com.payrecon.reconcile.Totals;
import com.payrecon.support.money.Fen;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * A day's reconciliation as a file: the totals of both sides and every discrepancy of the shown run, amounts in yuan
 * with two decimals, times in the account's zone. One table of cells, written as CSV (UTF-8 with a BOM for Excel,
 * RFC 4180 quoting of every text cell holding ',', ';', a quote or a line break, a {@code '} before a formula start
 * at the beginning of a text cell and after any of those) or as XLSX
 * (fastexcel: amounts as numbers formatted 0.00, text as text, never a formula). Each export is audited.
 */
@Service
public class DayExport {

	public enum Format {
		CSV, XLSX
	}

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
	/** A cell a spreadsheet may evaluate: = + - @ and tab / CR (OWASP CSV injection). */
	private static final Pattern FORMULA_START = Pattern.compile("^[=+\\-@\t\r].*", Pattern.DOTALL);
	/**
	 * A formula start after a separator (',' or the ';' of many European spreadsheets), a quote or a line break: where
	 * a spreadsheet that splits differently than RFC 4180 would start a new cell (issue 11).
	 */
	private static final Pattern FORMULA_AFTER_BREAK = Pattern.compile("([,;\"\r\n])([=+\\-@\t\r])");
	/** What makes a cell need quotes: both separators, quotes and line breaks. */
	private static final Pattern NEEDS_QUOTES = Pattern.compile("[,;\"\r\n]");

	private final ReconciliationQuery query;
	private final ConsoleFormat fmt;
	private final AuditLog audit;

	DayExport(ReconciliationQuery query, ConsoleFormat fmt, AuditLog audit) {
		this.query = query;
		this.fmt = fmt;
		this.audit = audit;
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public byte[] export(String accountId, LocalDate day, Format format, String operator) {
		Day d = query.day(accountId, day);
		List<List<Object>> table = table(d);
		byte[] bytes = format == Format.CSV ? csv(table) : xlsx(table);
		audit.record(operator, AuditAction.EXPORT, DaySignOffs.target(accountId, day), AuditOutcome.SUCCESS,
				format + ", run " + (d.shown() == null ? "none" : d.shown().id()) + ", " + d.cases().size()
						+ " discrepancies, " + bytes.length + " bytes");
		return bytes;
	}

	List<List<Object>> table(Day d) {
		String account = d.accountId();
		RunSummary run = d.shown();
		List<List<Object>> rows = new ArrayList<>();
		rows.add(row("PayRecon reconciliation", account, d.day().toString()));
		rows.add(row("Zone", fmt.zone(account).getId()));
		rows.add(run == null ? row("Run", "none") : row("Run", run.id(), run.status().name(), fmt.time(run.finishedAt(), account)));
		rows.add(d.activeSignOff().map(s -> row("Signed off", s.signedBy(), fmt.time(s.signedAt(), account)))
			.orElse(row("Signed off", "no")));
		rows.add(row());
		rows.add(row("Measure", "Provider", "Local"));
		Totals p = run == null ? null : run.provider();
		Totals l = run == null ? null : run.local();
		if (p != null) {
			rows.add(row("Payments (count)", p.count(), l.count()));
			rows.add(row("Gross (yuan)", p.gross(), l.gross()));
			rows.add(row("Fees (yuan)", p.fees(), l.fees()));
			rows.add(row("Refunds (count)", p.refundCount(), l.refundCount()));
			rows.add(row("Refunds (yuan)", p.refunds(), l.refunds()));
			rows.add(row("Net (yuan)", p.net(), l.net()));
		}
		rows.add(row());
		rows.add(row("Discrepancy", "Type", "out_trade_no", "Transaction", "Order", "Local amount (yuan)",
				"Provider amount (yuan)", "Local status", "Provider status", "Detail", "State", "Assigned to", "Note",
				"Resolved by", "Resolved at", "Found at"));
		for (CaseRow c : d.cases()) {
			rows.add(row(c.id(), c.type().name(), c.outTradeNo(), c.providerTxnId(), c.orderId(), c.localAmount(),
					c.providerAmount(), c.localStatus(), c.providerStatus(), c.detail(), c.resolution().name(),
					c.assignedTo(), c.note(), c.resolvedBy(), fmt.time(c.resolvedAt(), account),
					fmt.time(c.createdAt(), account)));
		}
		return rows;
	}

	private static List<Object> row(Object... cells) {
		return Arrays.asList(cells);
	}

	// ------------------------------------------------------------------------------------------ CSV

	static byte[] csv(List<List<Object>> table) {
		StringBuilder out = new StringBuilder();
		for (List<Object> row : table) {
			for (int i = 0; i < row.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				out.append(csvCell(row.get(i)));
			}
			out.append("\r\n");
		}
		byte[] text = out.toString().getBytes(StandardCharsets.UTF_8);
		byte[] bytes = new byte[BOM.length + text.length];
		System.arraycopy(BOM, 0, bytes, 0, BOM.length);
		System.arraycopy(text, 0, bytes, BOM.length, text.length);
		return bytes;
	}

	/** Amounts and counts as written by us; text defused against formula injection, then quoted if needed. */
	static String csvCell(Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof Fen fen) {
			return fen.toYuan();
		}
		if (value instanceof Number number) {
			return number.toString();
		}
		String text = value.toString();
		if (FORMULA_START.matcher(text).matches()) {
			text = "'" + text;
		}
		text = FORMULA_AFTER_BREAK.matcher(text).replaceAll("$1'$2");
		if (NEEDS_QUOTES.matcher(text).find()) {
			text = "\"" + text.replace("\"", "\"\"") + "\"";
		}
		return text;
	}

	// ------------------------------------------------------------------------------------------ XLSX

	static byte[] xlsx(List<List<Object>> table) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			Workbook workbook = new Workbook(out, "PayRecon", "1.0");
			Worksheet sheet = workbook.newWorksheet("Reconciliation");
			for (int r = 0; r < table.size(); r++) {
				List<Object> row = table.get(r);
				for (int c = 0; c < row.size(); c++) {
					Object value = row.get(c);
					if (value instanceof Fen fen) {
						sheet.value(r, c, BigDecimal.valueOf(fen.value(), 2));
						sheet.style(r, c).format("0.00").set();
					}
					else if (value instanceof Number number) {
						sheet.value(r, c, number);
					}
					else if (value != null) {
						sheet.value(r, c, value.toString());
					}
				}
			}
			workbook.finish();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}
}
