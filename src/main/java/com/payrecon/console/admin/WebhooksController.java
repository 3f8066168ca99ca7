package com.payrecon.console.admin;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.outbox.EventType;
import com.payrecon.security.Refused;
import com.payrecon.webhook.WebhookDeliveries;
import com.payrecon.webhook.WebhookEndpoint;
import com.payrecon.webhook.WebhookEndpoints;
import com.payrecon.webhook.WebhookEndpoints.CreatedEndpoint;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
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
 * Admin → Webhooks (issue 15): the endpoints with their health, creating one (its secret shown once, on the answer
 * to the form itself, never in the session or a log), disabling, enabling and rotating the secret; per endpoint its
 * latest deliveries, per event the delivery log (every attempt), and redelivery of one event or of a time range. The
 * services audit every action and check the role again. No maker-checker: nothing here moves money or decides what
 * PayRecon believes.
 */
@Controller
@PreAuthorize("hasRole('ADMIN')")
class WebhooksController {

	static final int RECENT = 50;

	private final WebhookEndpoints endpoints;
	private final WebhookDeliveries deliveries;
	private final AccountRegistry accounts;
	private final MessageSource messages;

	WebhooksController(WebhookEndpoints endpoints, WebhookDeliveries deliveries, AccountRegistry accounts,
			MessageSource messages) {
		this.endpoints = endpoints;
		this.deliveries = deliveries;
		this.accounts = accounts;
		this.messages = messages;
	}

	@GetMapping("/admin/webhooks")
	public String list(Model model) {
		model.addAttribute("endpoints", endpoints.list());
		model.addAttribute("oldest", deliveries.oldestUndelivered());
		model.addAttribute("accountIds", accounts.all().stream().map(Account::id).sorted().toList());
		model.addAttribute("eventTypes", Arrays.stream(EventType.values()).map(EventType::wireName).toList());
		model.addAttribute("canStoreSecrets", endpoints.canStoreSecrets());
		return "admin/webhooks";
	}

	/** Creates an endpoint; the answer is the page that shows its secret, this once (no redirect, no flash). */
	@PostMapping("/admin/webhooks")
	public String create(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String url,
			@RequestParam(name = "accounts", required = false) List<String> accountIds,
			@RequestParam(name = "eventTypes", required = false) List<String> eventTypes, Authentication auth,
			Model model, RedirectAttributes redirect, Locale locale) {
		try {
			CreatedEndpoint created = endpoints.create(name, url, accountIds == null ? List.of() : accountIds,
					eventTypes == null ? List.of() : eventTypes, auth.getName());
			return secret(model, created, "webhooks.created");
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
			return "redirect:/admin/webhooks";
		}
	}

	@PostMapping("/admin/webhooks/{id}/disable")
	public String disable(@PathVariable long id, Authentication auth, RedirectAttributes redirect, Locale locale) {
		return act(redirect, locale, "/admin/webhooks", () -> {
			WebhookEndpoint e = endpoints.disable(id, auth.getName());
			return messages.getMessage("webhooks.disabled", new Object[] { e.name() }, locale);
		});
	}

	@PostMapping("/admin/webhooks/{id}/enable")
	public String enable(@PathVariable long id, Authentication auth, RedirectAttributes redirect, Locale locale) {
		return act(redirect, locale, "/admin/webhooks", () -> {
			WebhookEndpoint e = endpoints.enable(id, auth.getName());
			return messages.getMessage("webhooks.enabled", new Object[] { e.name() }, locale);
		});
	}

	/** A new secret, shown this once; the old one keeps signing beside it during the overlap. */
	@PostMapping("/admin/webhooks/{id}/rotate")
	public String rotate(@PathVariable long id, Authentication auth, Model model, RedirectAttributes redirect,
			Locale locale) {
		try {
			return secret(model, endpoints.rotate(id, auth.getName()), "webhooks.rotated");
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
			return "redirect:/admin/webhooks";
		}
	}

	@GetMapping("/admin/webhooks/{id}")
	public String endpoint(@PathVariable long id, Model model) {
		WebhookEndpoint e = endpoints.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
		model.addAttribute("endpoint", e);
		model.addAttribute("deliveries", deliveries.recent(id, RECENT));
		model.addAttribute("oldest", deliveries.oldestUndelivered().get(id));
		model.addAttribute("recent", RECENT);
		return "admin/webhook";
	}

	@GetMapping("/admin/webhooks/{id}/events/{eventId}")
	public String eventLog(@PathVariable long id, @PathVariable String eventId, Model model) {
		WebhookDeliveries.EventLog log = deliveries.log(id, eventId)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
		model.addAttribute("log", log);
		return "admin/webhook-event";
	}

	@PostMapping("/admin/webhooks/{id}/redeliver")
	public String redeliver(@PathVariable long id, @RequestParam(defaultValue = "") String eventId, Authentication auth,
			RedirectAttributes redirect, Locale locale) {
		String event = eventId.strip();
		return act(redirect, locale, "/admin/webhooks/" + id, () -> {
			deliveries.redeliver(id, event, auth.getName());
			return messages.getMessage("webhooks.redelivered", new Object[] { event }, locale);
		});
	}

	/** Every event that occurred in [from, to), both given in UTC ({@code datetime-local} fields). */
	@PostMapping("/admin/webhooks/{id}/redeliver-range")
	public String redeliverRange(@PathVariable long id, @RequestParam(defaultValue = "") String from,
			@RequestParam(defaultValue = "") String to, Authentication auth, RedirectAttributes redirect, Locale locale) {
		return act(redirect, locale, "/admin/webhooks/" + id, () -> {
			int queued = deliveries.redeliverRange(id, utc(from), utc(to), auth.getName());
			return messages.getMessage("webhooks.redeliveredRange", new Object[] { queued }, locale);
		});
	}

	private String secret(Model model, CreatedEndpoint created, String message) {
		model.addAttribute("endpoint", created.endpoint());
		model.addAttribute("secret", created.secret());
		model.addAttribute("secretNote", message);
		return "admin/webhook-secret";
	}

	private String act(RedirectAttributes redirect, Locale locale, String back, Supplier<String> action) {
		try {
			redirect.addFlashAttribute("message", action.get());
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		return "redirect:" + back;
	}

	private static Instant utc(String value) {
		try {
			return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			throw new Refused("webhooks.refused.time", value);
		}
	}
}
