package com.payrecon.console.orders;

import java.util.List;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.Keyset;
import com.payrecon.console.PageLinks;

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
	private final AccountRegistry accounts;

	OrderController(OrderQuery orders, AccountRegistry accounts) {
		this.orders = orders;
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

	@GetMapping("/orders/{id}")
	String detail(@PathVariable long id, Model model) {
		model.addAttribute("d", orders.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
		return "orders/detail";
	}
}
