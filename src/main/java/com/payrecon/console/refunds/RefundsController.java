package com.payrecon.console.refunds;

import java.util.Locale;

import com.payrecon.console.ConsoleFormat;
import com.payrecon.refund.Refund;
import com.payrecon.refund.RefundRefused;
import com.payrecon.refund.RefundStatus;
import com.payrecon.security.Refused;

import org.springframework.context.MessageSource;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Refunds in the console: a finance user proposes one on the order's page; the refunds page lists those waiting for
 * a second person's approval (and the latest ones) with approve and reject; the outcome comes back as a flash message
 * on the page the action came from.
 */
@Controller
class RefundsController {

	private final ConsoleRefunds refunds;
	private final RefundQuery query;
	private final MessageSource messages;

	RefundsController(ConsoleRefunds refunds, RefundQuery query, MessageSource messages) {
		this.refunds = refunds;
		this.query = query;
		this.messages = messages;
	}

	@GetMapping("/refunds")
	String list(@RequestParam(required = false) String status, Model model) {
		model.addAttribute("awaiting", query.awaitingApproval(200));
		model.addAttribute("recent", query.recent(status, 100));
		model.addAttribute("status", status);
		model.addAttribute("statuses", java.util.Arrays.stream(RefundStatus.values()).map(Enum::name).toList());
		return "refunds/list";
	}

	@PostMapping("/orders/{id}/refunds")
	String propose(@PathVariable long id, @RequestParam(required = false) String amount,
			@RequestParam(required = false) String reason, @RequestParam(required = false) String outRefundNo,
			@RequestParam(required = false) String password, Authentication operator, RedirectAttributes redirect,
			Locale locale) {
		try {
			ConsoleRefunds.Proposed proposed = refunds.propose(id, amount, reason, outRefundNo, password,
					operator.getName());
			Refund r = proposed.refund();
			String key = proposed.again() ? "refund.msg.again" : proposed.sent() ? "refund.msg.sent" : "refund.msg.awaits";
			redirect.addFlashAttribute("message", messages.getMessage(key,
					new Object[] { r.outRefundNo(), ConsoleFormat.yuanText(r.amount().value()), r.currency(), status(r, locale) }, locale));
		}
		catch (RefundRefused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		return "redirect:/orders/" + id;
	}

	@PostMapping("/refunds/{id}/approve")
	String approve(@PathVariable long id, @RequestParam(required = false) String password,
			@RequestParam(required = false) String back, Authentication operator, RedirectAttributes redirect,
			Locale locale) {
		try {
			Refund r = refunds.approve(id, password, operator.getName());
			redirect.addFlashAttribute("message", messages.getMessage("refund.msg.approved",
					new Object[] { r.outRefundNo(), ConsoleFormat.yuanText(r.amount().value()), r.currency(), status(r, locale) }, locale));
		}
		catch (RefundRefused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		return "redirect:" + back(back);
	}

	@PostMapping("/refunds/{id}/reject")
	String reject(@PathVariable long id, @RequestParam(required = false) String reason,
			@RequestParam(required = false) String back, Authentication operator, RedirectAttributes redirect,
			Locale locale) {
		try {
			Refund r = refunds.reject(id, reason, operator.getName());
			redirect.addFlashAttribute("message", messages.getMessage("refund.msg.rejected",
					new Object[] { r.outRefundNo(), ConsoleFormat.yuanText(r.amount().value()), r.currency() }, locale));
		}
		catch (RefundRefused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		return "redirect:" + back(back);
	}

	/** Back to the order's page or the refunds page; never anywhere else. */
	private static String back(String back) {
		return back != null && back.matches("/orders/[0-9]{1,19}") ? back : "/refunds";
	}

	private String status(Refund r, Locale locale) {
		return messages.getMessage("refund.status." + r.status().name(), null, locale);
	}
}
