package com.payrecon.console.jobs;


import java.util.List;
import java.util.Map;

import com.payrecon.console.jobs.ConsoleJobs.Progress;
import com.payrecon.support.i18n.Refusal;

import com.payrecon.support.i18n.Text;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Jobs: {@code /jobs} (catalogue, next fire times, latest runs), {@code /jobs/{name}} (history),
 * {@code /jobs/runs/{id}} (a run, its steps and a progress bar that console.js refreshes from
 * {@code /jobs/runs/{id}/progress}); POST run-now and restart for admins.
 */
@Controller
class JobsController {

	static final int HISTORY = 50;

	private final ConsoleJobs jobs;
	private final DailyReconciliationView reconciliation;

	JobsController(ConsoleJobs jobs, DailyReconciliationView reconciliation) {
		this.jobs = jobs;
		this.reconciliation = reconciliation;
	}

	@GetMapping("/jobs")
	String list(Model model) {
		model.addAttribute("jobs", jobs.catalogue());
		return "jobs/list";
	}

	@GetMapping("/jobs/{name}")
	String history(@PathVariable String name, Model model) {
		model.addAttribute("j", jobs.job(name, HISTORY).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
		return "jobs/history";
	}

	@GetMapping("/jobs/runs/{id}")
	String run(@PathVariable long id, Model model) {
		var run = jobs.run(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
		model.addAttribute("run", run);
		model.addAttribute("progress", jobs.progressOf(run));
		model.addAttribute("reconciled", reconciliation.of(run));
		return "jobs/run";
	}

	@GetMapping("/jobs/runs/{id}/progress")
	@ResponseBody
	Progress progress(@PathVariable long id) {
		return jobs.progress(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	/**
	 * Before the daily reconciliation runs now: the account-days it will reconcile (the job's own rule: the days due),
	 * each with its last run, and a warning should one of them be signed off. Other jobs need no such page.
	 */
	@GetMapping("/jobs/{name}/run-now")
	String confirmRunNow(@PathVariable String name, Model model) {
		if (!DailyReconciliationView.JOB.equals(name)) {
			return "redirect:/jobs/" + name;
		}
		List<DailyReconciliationView.AccountDay> days = reconciliation.runNow(Map.of());
		model.addAttribute("job", name);
		model.addAttribute("days", days);
		model.addAttribute("signedOff", days.stream().filter(DailyReconciliationView.AccountDay::signedOff).count());
		return "jobs/run-now";
	}

	@PostMapping("/jobs/{name}/run-now")
	String runNow(@PathVariable String name, @RequestParam(defaultValue = "false") boolean confirmed, Authentication auth,
			RedirectAttributes redirect) {
		if (DailyReconciliationView.JOB.equals(name) && !confirmed) {
			// the daily reconciliation runs only from its confirmation page, which names the days and the sign-offs
			return "redirect:/jobs/" + name + "/run-now";
		}
		try {
			String request = jobs.runNow(name, auth.getName());
			redirect.addFlashAttribute("message", Text.of("jobs.runNow.requested", name, request));
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// the reason (unknown job, Quartz refused) is in the audit entry and the log, in English
			redirect.addFlashAttribute("error", Text.of("jobs.runNow.failed", name));
			return "redirect:/jobs";
		}
		return "redirect:/jobs/" + name;
	}

	@PostMapping("/jobs/runs/{id}/restart")
	String restart(@PathVariable long id, Authentication auth, RedirectAttributes redirect) {
		try {
			var run = jobs.restart(id, auth.getName());
			redirect.addFlashAttribute("message", Text.of("jobs.restart.requested", id, run.jobName()));
			return "redirect:/jobs/" + run.jobName();
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		catch (Refusal ex) {
			redirect.addFlashAttribute("error", ex.text());
			return "redirect:/jobs/runs/" + id;
		}
	}
}
