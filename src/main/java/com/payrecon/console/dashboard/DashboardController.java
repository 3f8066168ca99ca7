package com.payrecon.console.dashboard;

import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.console.ConsoleFormat;
import com.payrecon.console.ConsoleText;
import com.payrecon.console.reconciliation.ChangeTexts;
import com.payrecon.reconcile.FinanceNotices;
import com.payrecon.console.dashboard.DashboardQuery.AccountFigures;
import com.payrecon.console.dashboard.DashboardQuery.Day;
import com.payrecon.console.dashboard.DashboardQuery.DayFigures;
import com.payrecon.console.dashboard.DashboardQuery.StaleReport;

import com.payrecon.support.i18n.Text;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code /dashboard}: per account (all, or {@code ?account=}), today and a chosen day ({@code ?day=yyyy-MM-dd}, in
 * each account's zone), and a
 * chart of the last 14 days drawn as inline SVG on the server ({@link ChartSvg}; attributes and classes only: the CSP
 * forbids inline styles and scripts). Every number links to the list it counts, with the same filters.
 */
@Controller
class DashboardController {

	private final DashboardQuery query;
	private final AccountRegistry accounts;
	private final FinanceNotices notices;
	private final ChangeTexts changeTexts;
	private final ConsoleText text;

	DashboardController(DashboardQuery query, AccountRegistry accounts, FinanceNotices notices,
			ChangeTexts changeTexts, ConsoleText text) {
		this.text = text;
		this.query = query;
		this.accounts = accounts;
		this.notices = notices;
		this.changeTexts = changeTexts;
	}

	/** A number with the list behind it (null link: nothing to list). */
	record Figure(long value, String text, String href) {
	}

	/** One day's column of an account's table. */
	record DayView(LocalDate date, Figure orders, Figure paid, String paidAmount, Figure pending, Figure repaired,
			List<Map.Entry<String, Figure>> verdicts, Figure paidInDay, String paidInDayAmount) {
	}

	/** The stale-pending report's recent days: "MM-dd" and the count, in the report's zone. */
	record StaleReportView(String zone, String staleAfter, List<Map.Entry<String, ReportedDayView>> days) {
	}

	record ReportedDayView(LocalDate date, long count) {
	}

	/** An account's part of the page; {@code chartSvg} is {@link ChartSvg}'s escaped markup of {@code chart}. */
	record AccountView(String id, String channel, String zone, DayView today, DayView chosen, Figure stale,
			String staleAfter, Figure openDiscrepancies, ChartSvg.Chart chart, String chartSvg, StaleReportView staleReport) {

		/** The table's columns: today, then the chosen day if any. */
		public List<DayView> days() {
			return chosen == null ? List.of(today) : List.of(today, chosen);
		}
	}

	@GetMapping("/dashboard")
	String dashboard(@RequestParam(required = false) String day, @RequestParam(required = false) String account,
			Model model, org.springframework.security.core.Authentication auth) {
		boolean finance = auth.getAuthorities()
			.stream()
			.anyMatch(a -> a.getAuthority().equals("ROLE_FINANCE") || a.getAuthority().equals("ROLE_ADMIN"));
		model.addAttribute("notices", finance ? changeTexts.notices(notices.unread()) : List.of());
		String only = account == null || account.isBlank() ? null : account.strip();
		LocalDate chosen = null;
		if (day != null && !day.isBlank()) {
			try {
				chosen = LocalDate.parse(day.strip());
			}
			catch (DateTimeParseException ex) {
				model.addAttribute("error", Text.of("dashboard.day.invalid"));
			}
		}
		List<AccountView> views = new ArrayList<>();
		for (AccountFigures f : query.figures(chosen, only)) {
			ChartSvg.Chart chart = ChartSvg.chart(f.lastDays());
			views.add(new AccountView(f.accountId(), f.channel(), f.zone().getId(),
					day(f.accountId(), f.today(), f.paidToday()),
					f.chosen() == null ? null : day(f.accountId(), f.chosen(), f.paidChosen()),
					new Figure(f.staleNow(), Long.toString(f.staleNow()),
							link("/orders/stale").queryParam("account", f.accountId()).toUriString()),
					duration(f.staleAfter()),
					new Figure(f.openDiscrepancies(), Long.toString(f.openDiscrepancies()),
							link("/reconciliation").queryParam("account", f.accountId()).queryParam("status", "open").toUriString()),
					chart, ChartSvg.render(f.accountId(), chart, text), staleReport(f.staleReport())));
		}
		model.addAttribute("accounts", views);
		model.addAttribute("day", chosen);
		model.addAttribute("account", only);
		model.addAttribute("accountIds", accounts.all().stream().map(Account::id).toList());
		return "dashboard/dashboard";
	}

	private static StaleReportView staleReport(StaleReport r) {
		return new StaleReportView(r.zone().getId(), duration(r.staleAfter()), r.days()
			.stream()
			.map(d -> Map.entry(d.date().toString().substring(5), new ReportedDayView(d.date(), d.count())))
			.toList());
	}

	/** PT2H → 2h */
	private static String duration(Duration d) {
		return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
	}

	private static DayView day(String account, DayFigures f, DashboardQuery.PaidInDay paid) {
		List<Map.Entry<String, Figure>> verdicts = new ArrayList<>();
		f.verdicts().forEach((verdict, count) -> verdicts.add(Map.entry(verdict,
				figure(count, within(link("/notifications").queryParam("account", account).queryParam("verdict", verdict), f.day())))));
		return new DayView(f.day().date(), figure(f.orders(), orders(account, null, f.day())),
				figure(f.paid(), orders(account, "PAID", f.day())), ConsoleFormat.yuanText(f.paidAmount().value()),
				figure(f.pending(), orders(account, "PENDING", f.day())), new Figure(f.repairedByQuery(),
						Long.toString(f.repairedByQuery()), null),
				verdicts, figure(paid.count(), paidWithin(account, f.day())), ConsoleFormat.yuanText(paid.amount().value()));
	}

	private static Figure figure(long value, String href) {
		return new Figure(value, Long.toString(value), href);
	}

	private static String orders(String account, String status, Day day) {
		UriComponentsBuilder b = link("/orders").queryParam("account", account);
		if (status != null) {
			b.queryParam("status", status);
		}
		return within(b, day);
	}

	/** Orders paid within the day (paid time in the account's zone), PAID or REFUNDED: reconciliation's local side. */
	private static String paidWithin(String account, Day day) {
		return link("/orders").queryParam("account", account)
			.queryParam("status", "PAID,REFUNDED")
			.queryParam("paidFrom", day.date().atStartOfDay() + ":00")
			.queryParam("paidTo", day.date().plusDays(1).atStartOfDay() + ":00")
			.encode()
			.toUriString();
	}

	/** from/to as the lists read them: wall-clock times in the account's zone, to exclusive. */
	private static String within(UriComponentsBuilder b, Day day) {
		return b.queryParam("from", day.date().atStartOfDay() + ":00")
			.queryParam("to", day.date().plusDays(1).atStartOfDay() + ":00")
			.encode()
			.toUriString();
	}

	private static UriComponentsBuilder link(String path) {
		return UriComponentsBuilder.fromPath(path);
	}
}
