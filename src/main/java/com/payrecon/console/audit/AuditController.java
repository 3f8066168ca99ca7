package com.payrecon.console.audit;

import java.time.LocalDateTime;
import java.util.Arrays;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditChainVerifier;
import com.payrecon.audit.AuditQuery;
import com.payrecon.console.ConsoleFormat;
import com.payrecon.console.PageLinks;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The audit log, read only: search by actor, action and time; the chain check on request. */
@Controller
class AuditController {

	private final AuditQuery audit;
	private final AuditChainVerifier verifier;
	private final ConsoleFormat fmt;

	AuditController(AuditQuery audit, AuditChainVerifier verifier, ConsoleFormat fmt) {
		this.audit = audit;
		this.verifier = verifier;
		this.fmt = fmt;
	}

	@GetMapping("/audit")
	String list(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime from,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) LocalDateTime to,
			@RequestParam(required = false) Long before, @RequestParam(defaultValue = "false") boolean verify,
			Model model) {
		AuditQuery.Page page = audit.search(actor, action, from == null ? null : from.atZone(fmt.defaultZone()).toInstant(),
				to == null ? null : to.atZone(fmt.defaultZone()).toInstant(), before);
		model.addAttribute("page", page);
		PageLinks.addTo(model, page.nextBefore(), before != null);
		model.addAttribute("actor", actor);
		model.addAttribute("action", action);
		model.addAttribute("from", from);
		model.addAttribute("to", to);
		model.addAttribute("actions", Arrays.stream(AuditAction.values()).map(Enum::name).toList());
		if (verify) {
			model.addAttribute("chain", verifier.verify());
		}
		return "audit/list";
	}
}
