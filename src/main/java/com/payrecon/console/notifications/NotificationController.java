package com.payrecon.console.notifications;

import java.util.Optional;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.Keyset;
import com.payrecon.console.PageLinks;
import com.payrecon.notify.NotificationProcessor.Outcome;

import com.payrecon.support.i18n.Text;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The raw notification log: list, detail, and (admins) reprocess. */
@Controller
class NotificationController {

	private final NotificationQuery notifications;
	private final ConsoleReprocessing reprocessing;
	private final AccountRegistry accounts;

	NotificationController(NotificationQuery notifications, ConsoleReprocessing reprocessing, AccountRegistry accounts) {
		this.notifications = notifications;
		this.reprocessing = reprocessing;
		this.accounts = accounts;
	}

	@GetMapping("/notifications")
	String list(@ModelAttribute("filter") NotificationFilter filter, Model model) {
		Keyset.Page<NotificationQuery.Row> page = notifications.list(filter);
		model.addAttribute("page", page);
		model.addAttribute("count", filter.from() != null && filter.to() != null ? notifications.count(filter) : null);
		PageLinks.addTo(model, page.next(), filter.before() != null);
		model.addAttribute("accounts", accounts.all());
		model.addAttribute("verdicts", NotificationQuery.verdictNames());
		return "notifications/list";
	}

	@GetMapping("/notifications/{id}")
	String detail(@PathVariable long id, Model model) {
		model.addAttribute("n", notifications.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
		return "notifications/detail";
	}

	@PostMapping("/notifications/{id}/reprocess")
	String reprocess(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		Optional<Outcome> outcome = reprocessing.reprocess(id, authentication.getName());
		if (outcome.isEmpty()) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND);
		}
		redirect.addFlashAttribute("message", Text.of("notifications.reprocessed", Text.of("verdict." + outcome.get().verdict()), outcome.get().reason()));
		return "redirect:/notifications/" + id;
	}
}
