package com.payrecon.console;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /}: signed-in operators go to the dashboard; everyone else sees a minimal page with a sign-in link. */
@Controller
class HomeController {

	@GetMapping("/")
	String home(Authentication authentication) {
		if (authentication == null || authentication instanceof AnonymousAuthenticationToken) {
			return "home";
		}
		return "redirect:/dashboard";
	}
}
