package com.payrecon.console.orders;

import java.util.List;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.Keyset;
import com.payrecon.console.PageLinks;
import com.payrecon.console.refunds.RefundQuery;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/** Order search and the order's timeline. */
@Controller
class OrderController {

	private final OrderQuery orders;
	private final RefundQuery refunds;
	private final AccountRegistry accounts;

	OrderController(OrderQuery orders, RefundQuery refunds, AccountRegistry accounts) {
		this.orders = orders;
		this.refunds = refunds;
		this.accounts = accounts;
	}

	@GetMapping("/orders")
	String list(@ModelAttribute("filter") OrderFilter filter, Model model) {
		Keyset.Page<OrderQuery.Row> page;
		try {
			page = orders.search(filter);
			model.addAttribute("totals", filter.bounded() ? orders.totals(filter) : null);
		}
		catch (OrderQuery.BadAmount ex) {
			model.addAttribute("error", ex.text());
			page = new Keyset.Page<>(List.of(), null);
		}
		model.addAttribute("page", page);
		PageLinks.addTo(model, page.next(), filter.before() != null);
		model.addAttribute("accounts", accounts.all());
		model.addAttribute("statuses", OrderQuery.statuses());
		model.addAttribute("searched", filter.outTradeNo() != null && !filter.outTradeNo().isBlank()
				|| filter.transactionId() != null && !filter.transactionId().isBlank());
		return "orders/list";
	}

	/** The order's refunds, what is left to refund and a fresh number for the proposal form (detail page). */
	static void addRefunds(Model model, RefundQuery refunds, long orderId) {
		model.addAttribute("refunds", refunds.forOrder(orderId));
		model.addAttribute("newRefundNo", RefundQuery.newOutRefundNo(orderId));
	}

	@GetMapping("/orders/{id}")
	String detail(@PathVariable long id, Model model) {
		model.addAttribute("d", orders.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
		addRefunds(model, refunds, id);
		return "orders/detail";
	}
}
