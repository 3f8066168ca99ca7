package com.payrecon.console.reconciliation;

import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.PageLinks;
import com.payrecon.reconcile.AdjustmentKind;
import com.payrecon.reconcile.DaySignOffs;
import com.payrecon.reconcile.Discrepancies;
import com.payrecon.reconcile.FinanceNotices;
import com.payrecon.reconcile.Proposal;
import com.payrecon.reconcile.ReconciliationCases;
import com.payrecon.reconcile.ReconciliationRequests;
import com.payrecon.reconcile.SignOff;
import com.payrecon.support.i18n.Refusal;
import com.payrecon.support.i18n.Text;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The reconciliation pages: days per account, open cases across days, one day (totals, runs, cases, proposals,
 * sign-off), its exports and the finance actions. Actions answer with a redirect to the day and a flash message.
 */
@Controller
class ReconciliationController {

	private static final int PAGE_SIZE = 50;

	private final ReconciliationQuery query;
	private final ReconciliationCases cases;
	private final DaySignOffs signOffs;
	private final DayExport export;
	private final AccountRegistry accounts;
	private final ReconciliationRequests requests;
	private final FinanceNotices notices;
	private final ChangeTexts changeTexts;

	ReconciliationController(ReconciliationQuery query, ReconciliationCases cases, DaySignOffs signOffs, DayExport export,
			AccountRegistry accounts, ReconciliationRequests requests, FinanceNotices notices, ChangeTexts changeTexts) {
		this.requests = requests;
		this.notices = notices;
		this.changeTexts = changeTexts;
		this.query = query;
		this.cases = cases;
		this.signOffs = signOffs;
		this.export = export;
		this.accounts = accounts;
	}

	@GetMapping("/reconciliation")
	String list(@RequestParam(required = false) String account,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
			@RequestParam(required = false) String status, @RequestParam(required = false) String before,
			@RequestParam(required = false) Integer size, Model model) {
		String accountId = blankToNull(account);
		String state = blankToNull(status);
		model.addAttribute("account", accountId);
		model.addAttribute("from", from);
		model.addAttribute("to", to);
		model.addAttribute("status", state);
		model.addAttribute("accounts", accounts.all());
		model.addAttribute("statuses", ReconciliationQuery.statusFilters());
		model.addAttribute("notices", changeTexts.notices(notices.unread()));
		if ("open".equalsIgnoreCase(state)) {
			model.addAttribute("openCases", query.openCases(accountId, 500));
			return "reconciliation/list";
		}
		if (state != null && !ReconciliationQuery.statusFilters().contains(state)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "unknown status");
		}
		int pageSize = size == null || size < 1 ? PAGE_SIZE : Math.min(size, 200);
		ReconciliationQuery.DayPage page = query.days(accountId, from, to, state, blankToNull(before), pageSize);
		model.addAttribute("page", page);
		PageLinks.addTo(model, page.next(), before != null);
		return "reconciliation/list";
	}

	@GetMapping("/reconciliation/{accountId}/{day}")
	String day(@PathVariable String accountId, @PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day,
			@RequestParam(required = false) Long run, Model model) {
		known(accountId);
		ReconciliationQuery.Day d = query.day(accountId, day, run);
		if (run != null && d.shown() == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		model.addAttribute("d", d);
		model.addAttribute("notices", changeTexts.notices(notices.unread()
			.stream()
			.filter(n -> n.accountId().equals(accountId) && n.businessDate().equals(day))
			.toList()));
		model.addAttribute("kinds", AdjustmentKind.values());
		model.addAttribute("signOff", requests.signOff(accountId, day).orElse(null));
		model.addAttribute("requests", requests.requests(accountId, day));
		return "reconciliation/day";
	}

	@GetMapping("/reconciliation/{accountId}/{day}/export.csv")
	ResponseEntity<byte[]> csv(@PathVariable String accountId,
			@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day, Authentication auth) {
		return file(accountId, day, DayExport.Format.CSV, new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8), auth);
	}

	@GetMapping("/reconciliation/{accountId}/{day}/export.xlsx")
	ResponseEntity<byte[]> xlsx(@PathVariable String accountId,
			@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day, Authentication auth) {
		return file(accountId, day, DayExport.Format.XLSX,
				MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), auth);
	}

	private ResponseEntity<byte[]> file(String accountId, LocalDate day, DayExport.Format format, MediaType type,
			Authentication auth) {
		known(accountId);
		byte[] bytes = export.export(accountId, day, format, auth.getName());
		String name = "reconciliation-" + accountId + "-" + day + "." + format.name().toLowerCase(java.util.Locale.ROOT);
		return ResponseEntity.ok()
			.contentType(type)
			.header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
			.body(bytes);
	}

	@PostMapping("/reconciliation/{accountId}/{day}/sign-off")
	String signOff(@PathVariable String accountId,
			@PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day, Authentication auth,
			RedirectAttributes redirect) {
		known(accountId);
		return act(accountId, day, "sign-off-state", redirect, () -> {
			SignOff s = signOffs.signOff(accountId, day, auth.getName());
			return Text.of("signOff.done", day, accountId, s.signedBy());
		});
	}

	@PostMapping("/reconciliation/discrepancies/{id}/{action:assign|resolve|accept|void}")
	String move(@PathVariable long id, @PathVariable String action, @RequestParam(required = false) String note,
			@RequestParam(required = false) String assignee, Authentication auth, RedirectAttributes redirect) {
		var d = discrepancy(id);
		return act(d.accountId(), d.businessDate(), "case-" + id, redirect, () -> {
			var moved = switch (action) {
				case "assign" -> cases.assign(id, assignee, auth.getName());
				case "resolve" -> cases.resolve(id, note, auth.getName());
				case "accept" -> cases.accept(id, note, auth.getName());
				default -> cases.voidDiscrepancy(id, note, auth.getName());
			};
			return moved.assignedTo() == null ? Text.of("case.moved", id, Text.of("case.state." + moved.resolution()))
					: Text.of("case.moved.assigned", id, Text.of("case.state." + moved.resolution()), moved.assignedTo());
		});
	}

	@PostMapping("/reconciliation/discrepancies/{id}/propose")
	String propose(@PathVariable long id, @RequestParam AdjustmentKind kind, @RequestParam(required = false) String note,
			Authentication auth, RedirectAttributes redirect) {
		var d = discrepancy(id);
		return act(d.accountId(), d.businessDate(), "case-" + id, redirect, () -> {
			Proposal p = cases.propose(id, kind, note, auth.getName());
			return Text.of("proposal.recorded", p.id());
		});
	}

	@PostMapping("/reconciliation/proposals/{id}/{decision:approve|reject}")
	String decide(@PathVariable long id, @PathVariable String decision, @RequestParam(required = false) String note,
			Authentication auth, RedirectAttributes redirect) {
		var d = discrepancy(proposalDiscrepancy(id));
		return act(d.accountId(), d.businessDate(), "case-" + d.id(), redirect, () -> {
			Proposal p = decision.equals("approve") ? cases.approve(id, note, auth.getName())
					: cases.reject(id, note, auth.getName());
			return Text.of("proposal.decided", p.id(), Text.of("proposal.state." + p.state()));
		});
	}

	/** Runs the action, leaves its outcome as a flash message and returns to the day, at the element acted on. */
	private String act(String accountId, LocalDate day, String anchor, RedirectAttributes redirect, Supplier<Text> action) {
		try {
			redirect.addFlashAttribute("message", action.get());
		}
		catch (Refusal ex) {
			redirect.addFlashAttribute("error", ex.text());
		}
		return "redirect:/reconciliation/" + accountId + "/" + day + "#" + anchor;
	}

	private com.payrecon.reconcile.Discrepancy discrepancy(long id) {
		try {
			return query.discrepancy(id);
		}
		catch (Discrepancies.DiscrepancyNotFound ex) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
	}

	private long proposalDiscrepancy(long proposalId) {
		return query.proposal(proposalId).map(Proposal::discrepancyId)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	private void known(String accountId) {
		if (accounts.find(accountId).isEmpty()) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s.strip();
	}
}
