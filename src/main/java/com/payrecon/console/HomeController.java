package com.payrecon.console;

import com.payrecon.account.AccountRegistry;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The landing page: what is running and where providers post. No secrets, no order data. */
@Controller
class HomeController {

	private final AccountRegistry accounts;

	HomeController(AccountRegistry accounts) {
		this.accounts = accounts;
	}

	@GetMapping("/")
	String home(Model model) {
		model.addAttribute("accountCount", accounts.all().size());
		return "home";
	}
}
