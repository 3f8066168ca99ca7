package com.payrecon.console.reconciliation;

import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;

import com.payrecon.account.AccountRegistry;
import com.payrecon.reconcile.DryRunReport;
import com.payrecon.reconcile.FinanceNotices;
import com.payrecon.reconcile.ReconciliationRequests;
import com.payrecon.reconcile.ReconciliationRequests.DryRunView;
import com.payrecon.reconcile.ReconciliationResult;
import com.payrecon.security.Refused;
import com.payrecon.reconcile.RunRequest;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
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
 * Operator control of reconciliation (see {@link ReconciliationRequests} for who may do what): dry run, run now,
 * propose / approve / reject a run of a chosen account and day, the dry run's result, the notices for finance, and the
 * "open a day" form. Actions redirect to the day with a flash message in the reader's language.
 */
@Controller
class ReconciliationRunsController {

	private final ReconciliationRequests requests;
	private final FinanceNotices notices;
	private final AccountRegistry accounts;
	private final ChangeTexts texts;

	ReconciliationRunsController(ReconciliationRequests requests, FinanceNotices notices, AccountRegistry accounts,
			ChangeTexts texts) {
		this.requests = requests;
		this.notices = notices;
		this.accounts = accounts;
		this.texts = texts;
	}

	@GetMapping("/reconciliation/day")
	String openDay(@RequestParam String account, @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day) {
		known(account);
		return "redirect:/reconciliation/" + account + "/" + day;
	}

	@PostMapping("/reconciliation/{accountId}/{day}/dry-run")
	String dryRun(@PathVariable String accountId, @PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day,
			Authentication auth) {
		known(accountId);
		return "redirect:/reconciliation/dry-runs/" + requests.startDryRun(accountId, day, auth.getName());
	}

	@GetMapping("/reconciliation/dry-runs/{request}")
	String dryRunResult(@PathVariable String request, Model model) {
		if (!request.matches("[0-9a-f-]{36}")) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		DryRunView view = requests.dryRun(request).orElse(null);
		model.addAttribute("view", view);
		if (view != null && view.finished()) {
			List<DryResult> results = view.results().stream()
				.map(r -> new DryResult(r, texts.describe(requests.wouldChange(r)),
						requests.signOff(r.run().accountId(), r.run().businessDate()).isPresent()))
				.toList();
			model.addAttribute("results", results);
			model.addAttribute("shownMax", DryRunReport.MAX_DISCREPANCIES);
		}
		return "reconciliation/dry-run";
	}

	/** One account and day of a dry run, with what it would change on a signed-off day. */
	record DryResult(ReconciliationResult result, List<String> wouldChange, boolean signedOff) {
	}

	@PostMapping("/reconciliation/{accountId}/{day}/run")
	String run(@PathVariable String accountId, @PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day,
			@RequestParam(defaultValue = "false") boolean confirm, Authentication auth, RedirectAttributes redirect) {
		known(accountId);
		return act(accountId, day, redirect, () -> texts.text("recon.run.started", accountId, day,
				requests.run(accountId, day, confirm, auth.getName())));
	}

	@PostMapping("/reconciliation/{accountId}/{day}/requests")
	String propose(@PathVariable String accountId, @PathVariable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day,
			@RequestParam(required = false) String reason, Authentication auth, RedirectAttributes redirect) {
		known(accountId);
		return act(accountId, day, redirect,
				() -> texts.text("recon.request.proposed", requests.propose(accountId, day, reason, auth.getName()).id()));
	}

	@PostMapping("/reconciliation/requests/{id}/{decision:approve|reject}")
	String decide(@PathVariable long id, @PathVariable String decision,
			@RequestParam(defaultValue = "false") boolean confirm, @RequestParam(required = false) String note,
			Authentication auth, RedirectAttributes redirect) {
		RunRequest request = requests.request(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
		return act(request.accountId(), request.businessDate(), redirect, () -> {
			if (decision.equals("approve")) {
				RunRequest approved = requests.approve(id, confirm, note, auth.getName());
				return texts.text("recon.request.approved", id, approved.jobRequest());
			}
			requests.reject(id, note, auth.getName());
			return texts.text("recon.request.rejected", id);
		});
	}

	/**
	 * Marks a notice read and returns to the page it was shown on: the dashboard ({@code from=dashboard}), its day
	 * ({@code from=day}) or the reconciliation list.
	 */
	@PostMapping("/reconciliation/notices/{id}/read")
	String read(@PathVariable long id, @RequestParam(required = false) String from, Authentication auth,
			RedirectAttributes redirect) {
		String back = "redirect:/reconciliation";
		if ("dashboard".equals(from)) {
			back = "redirect:/dashboard";
		}
		else if ("day".equals(from)) {
			back = notices.unread().stream().filter(n -> n.id() == id).findFirst()
				.map(n -> "redirect:/reconciliation/" + n.accountId() + "/" + n.businessDate())
				.orElse(back);
		}
		try {
			notices.markRead(id, auth.getName());
			redirect.addFlashAttribute("message", texts.text("recon.notice.marked", id));
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", texts.refusal(ex));
		}
		return back;
	}

	private String act(String accountId, LocalDate day, RedirectAttributes redirect, Supplier<String> action) {
		try {
			redirect.addFlashAttribute("message", action.get());
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", texts.refusal(ex));
		}
		return "redirect:/reconciliation/" + accountId + "/" + day;
	}

	private void known(String accountId) {
		if (accounts.find(accountId).isEmpty()) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
	}
}
