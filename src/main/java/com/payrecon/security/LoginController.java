package com.payrecon.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.payrecon.support.i18n.Text;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The login page and the change-password page. */
@Controller
class LoginController {

	private final ConsoleUsers consoleUsers;
	private final ConsoleSecurityProperties properties;
	private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

	LoginController(ConsoleUsers consoleUsers, ConsoleSecurityProperties properties) {
		this.consoleUsers = consoleUsers;
		this.properties = properties;
	}

	@GetMapping("/login")
	String login(Authentication authentication, Model model) {
		if (authentication != null && authentication.isAuthenticated()
				&& authentication.getPrincipal() instanceof ConsoleUserDetails) {
			return "redirect:/";
		}
		// the lockout message says how long: a locked login waits lockDuration, a slowed-down address at most ipMaxDelay
		model.addAttribute("lockFor", properties.lockDuration());
		model.addAttribute("addressWait", properties.ipMaxDelay());
		model.addAttribute("maxFailures", properties.maxFailures());
		return "login";
	}

	@GetMapping("/account/password")
	String passwordForm(Model model) {
		rules(model);
		return "account/password";
	}

	private static void rules(Model model) {
		model.addAttribute("minLength", ConsolePasswords.MIN_LENGTH);
		model.addAttribute("maxLength", ConsolePasswords.MAX_LENGTH);
	}

	@PostMapping("/account/password")
	String changePassword(@RequestParam(defaultValue = "") String currentPassword,
			@RequestParam(defaultValue = "") String newPassword, @RequestParam(defaultValue = "") String confirmPassword,
			Authentication authentication, HttpServletRequest request, HttpServletResponse response, Model model,
			RedirectAttributes redirect) {
		rules(model);
		if (!newPassword.equals(confirmPassword)) {
			model.addAttribute("error", Text.of("password.mismatch"));
			return "account/password";
		}
		try {
			// always the signed-in user's own password: no user id comes from the request; its other sessions end
			consoleUsers.changeOwnPassword(authentication.getName(), currentPassword, newPassword,
					request.getRemoteAddr(), request.getSession().getId());
		}
		catch (ConsoleUsers.UserChangeRefused ex) {
			model.addAttribute("error", ex.text());
			return "account/password";
		}
		if (authentication.getPrincipal() instanceof ConsoleUserDetails user && user.mustChangePassword()) {
			ConsoleUserDetails changed = user.passwordChanged();
			UsernamePasswordAuthenticationToken updated = UsernamePasswordAuthenticationToken.authenticated(changed, null,
					changed.getAuthorities());
			updated.setDetails(authentication.getDetails());
			SecurityContext context = SecurityContextHolder.createEmptyContext();
			context.setAuthentication(updated);
			SecurityContextHolder.setContext(context);
			contexts.saveContext(context, request, response);
		}
		redirect.addFlashAttribute("message", Text.of("password.changed"));
		return "redirect:/";
	}
}
