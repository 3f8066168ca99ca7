package com.payrecon.console.jobs;


import com.payrecon.console.jobs.ConsoleJobs.Progress;

import com.payrecon.support.i18n.Text;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
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

	JobsController(ConsoleJobs jobs) {
		this.jobs = jobs;
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
		return "jobs/run";
	}

	@GetMapping("/jobs/runs/{id}/progress")
	@ResponseBody
	Progress progress(@PathVariable long id) {
		return jobs.progress(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

	@PostMapping("/jobs/{name}/run-now")
	String runNow(@PathVariable String name, Authentication auth, RedirectAttributes redirect) {
		try {
			String request = jobs.runNow(name, auth.getName());
			redirect.addFlashAttribute("message", Text.of("jobs.runNow.requested", name, request));
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
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
		catch (IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/jobs/runs/" + id;
		}
	}
}
