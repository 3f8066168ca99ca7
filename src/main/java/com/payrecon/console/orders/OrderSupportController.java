package com.payrecon.console.orders;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.refunds.RefundQuery;

import com.payrecon.support.i18n.Text;

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
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponents;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Support's pages on orders: Re-query now (preview, then apply with a reason), Close, the stale-pending view and the
 * micropay view.
 */
@Controller
class OrderSupportController {

	private final OrderSupport support;
	private final OrderQuery orders;
	private final PendingOrderQuery pending;
	private final AccountRegistry accounts;
	private final RefundQuery refunds;

	OrderSupportController(OrderSupport support, OrderQuery orders, PendingOrderQuery pending, AccountRegistry accounts,
			RefundQuery refunds) {
		this.refunds = refunds;
		this.support = support;
		this.orders = orders;
		this.pending = pending;
		this.accounts = accounts;
	}

	/** Step 1: ask the provider, then show the stored answer (post/redirect/get: a reload does not ask again). */
	@PostMapping("/orders/{id}/requery")
	String askProvider(@PathVariable long id, Authentication operator, RedirectAttributes redirect) {
		try {
			long queryId = support.askForPreview(id, operator.getName()).orElseThrow(OrderSupportController::notFound);
			return "redirect:/orders/" + id + "/requery/" + queryId;
		}
		catch (OrderSupport.NotAllowed ex) {
			redirect.addFlashAttribute("error", ex.text());
			return "redirect:/orders/" + id;
		}
	}

	@GetMapping("/orders/{id}/requery/{queryId}")
	String preview(@PathVariable long id, @PathVariable long queryId, Model model) {
		model.addAttribute("p", support.preview(id, queryId).orElseThrow(OrderSupportController::notFound));
		return "orders/requery";
	}

	/** Step 2: with a reason, ask again and apply that answer. */
	@PostMapping("/orders/{id}/requery/{queryId}/apply")
	String apply(@PathVariable long id, @PathVariable long queryId, @RequestParam(required = false) String reason,
			Authentication operator, Model model, RedirectAttributes redirect, HttpServletResponse response) {
		OrderSupport.Applied applied;
		try {
			applied = support.apply(id, queryId, reason, operator.getName()).orElseThrow(OrderSupportController::notFound);
		}
		catch (OrderSupport.ReasonRequired ex) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", ex.text());
			return preview(id, queryId, model);
		}
		catch (OrderSupport.NotAllowed ex) {
			redirect.addFlashAttribute("error", ex.text());
			return "redirect:/orders/" + id;
		}
		Text done = Text.of("requery.applied", applied.queryId(), applied.outcome());
		Text text = applied.changedSincePreview().isEmpty() ? done
				: Text.of("requery.applied.changed", done, String.join(", ", applied.changedSincePreview()));
		redirect.addFlashAttribute(applied.definite() ? "message" : "error",
				applied.definite() ? text : Text.of("requery.applied.indefinite", text));
		return "redirect:/orders/" + id;
	}

	@PostMapping("/orders/{id}/close")
	String close(@PathVariable long id, @RequestParam(required = false) String reason, Authentication operator,
			Model model, RedirectAttributes redirect, HttpServletResponse response) {
		OrderSupport.Closed closed;
		try {
			closed = support.close(id, reason, operator.getName()).orElseThrow(OrderSupportController::notFound);
		}
		catch (OrderSupport.ReasonRequired | OrderSupport.NotAllowed ex) {
			response.setStatus(ex instanceof OrderSupport.NotAllowed ? HttpStatus.CONFLICT.value() : HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", ex.text());
			model.addAttribute("d", orders.find(id).orElseThrow(OrderSupportController::notFound));
			OrderController.addRefunds(model, refunds, id);
			return "orders/detail";
		}
		Text text = Text.of("orders.closed", closed.outcome(), Text.of("order.status." + closed.after().status()));
		redirect.addFlashAttribute(closed.settled() ? "message" : "error",
				closed.settled() ? text : Text.of("orders.closed.not", text));
		return "redirect:/orders/" + id;
	}

	/** Clears the review flag with a reason (support, finance, admin); audited. */
	@PostMapping("/orders/{id}/review/clear")
	String clearReview(@PathVariable long id, @RequestParam(required = false) String reason, Authentication operator,
			Model model, RedirectAttributes redirect, HttpServletResponse response) {
		try {
			support.clearReview(id, reason, operator.getName()).orElseThrow(OrderSupportController::notFound);
		}
		catch (OrderSupport.ReasonRequired ex) {
			return refused(id, HttpStatus.BAD_REQUEST, ex.text(), model, response);
		}
		catch (OrderSupport.NotAllowed ex) {
			return refused(id, HttpStatus.CONFLICT, ex.text(), model, response);
		}
		redirect.addFlashAttribute("message", Text.of("orders.review.cleared"));
		return "redirect:/orders/" + id;
	}

	private String refused(long id, HttpStatus status, Text error, Model model, HttpServletResponse response) {
		response.setStatus(status.value());
		model.addAttribute("error", error);
		model.addAttribute("d", orders.find(id).orElseThrow(OrderSupportController::notFound));
		OrderController.addRefunds(model, refunds, id);
		return "orders/detail";
	}

	@GetMapping("/orders/stale")
	String stale(@RequestParam(required = false) String account, @RequestParam(required = false) String after,
			@RequestParam(required = false) Integer size, Model model) {
		String accountId = OrderFilter.blankToNull(account);
		PendingOrderQuery.Stale stale = pending.stale(accountId, after, OrderFilter.pageSize(size));
		model.addAttribute("stale", stale);
		model.addAttribute("account", accountId);
		model.addAttribute("accounts", accounts.all());
		model.addAttribute("nextLink", stale.page().next() == null ? null : link("after", stale.page().next()));
		model.addAttribute("firstLink", after == null ? null : link("after", null));
		return "orders/stale";
	}

	@GetMapping("/orders/micropay")
	String micropay(Model model) {
		model.addAttribute("m", pending.micropay());
		return "orders/micropay";
	}

	/** This page with one query parameter replaced (removed for null), host-relative. */
	private static String link(String name, String value) {
		var builder = ServletUriComponentsBuilder.fromCurrentRequest();
		UriComponents uri = (value == null ? builder.replaceQueryParam(name) : builder.replaceQueryParam(name, value)).build();
		return uri.getQuery() == null || uri.getQuery().isEmpty() ? uri.getPath() : uri.getPath() + "?" + uri.getQuery();
	}

	private static ResponseStatusException notFound() {
		return new ResponseStatusException(HttpStatus.NOT_FOUND);
	}
}
