package com.payrecon.console.admin;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.payrecon.security.ConsoleUsers;
import com.payrecon.security.ConsoleUsers.CreatedUser;
import com.payrecon.security.ConsoleUsers.UserChangeRefused;
import com.payrecon.security.Refused;
import com.payrecon.security.Role;
import com.payrecon.security.SecondFactors;

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
 * Admin → Users. A new or reset one-time password travels once, as a flash attribute, to the page after the redirect;
 * it is stored nowhere but as a hash.
 */
@Controller
class UserAdminController {

	private final ConsoleUsers users;
	private final SecondFactors factors;
	private final MessageSource messages;
	private final Clock clock;

	UserAdminController(ConsoleUsers users, SecondFactors factors, MessageSource messages, Clock clock) {
		this.users = users;
		this.factors = factors;
		this.messages = messages;
		this.clock = clock;
	}

	@GetMapping("/admin/users")
	String list(Model model) {
		model.addAttribute("users", users.list());
		model.addAttribute("roles", Role.values());
		model.addAttribute("now", clock.instant());
		model.addAttribute("enrolled", factors.enrolledLogins());
		return "admin/users";
	}

	@PostMapping("/admin/users")
	String create(@RequestParam(defaultValue = "") String login, @RequestParam(required = false) List<Role> roles,
			Authentication authentication, RedirectAttributes redirect) {
		try {
			CreatedUser created = users.create(login, roleSet(roles), authentication.getName());
			oneTimePassword(redirect, created, "created");
		}
		catch (UserChangeRefused ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/admin/users";
	}

	@PostMapping("/admin/users/{id}/disable")
	String disable(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		return change(redirect, () -> users.setEnabled(id, false, authentication.getName()).login() + " disabled; their sessions ended.");
	}

	@PostMapping("/admin/users/{id}/enable")
	String enable(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		return change(redirect, () -> users.setEnabled(id, true, authentication.getName()).login() + " enabled.");
	}

	@PostMapping("/admin/users/{id}/roles")
	String roles(@PathVariable long id, @RequestParam(required = false) List<Role> roles, Authentication authentication,
			RedirectAttributes redirect) {
		return change(redirect, () -> {
			var user = users.setRoles(id, roleSet(roles), authentication.getName());
			return user.login() + " now has roles " + user.roles() + ".";
		});
	}

	@PostMapping("/admin/users/{id}/reset-password")
	String resetPassword(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		try {
			oneTimePassword(redirect, users.resetPassword(id, authentication.getName()), "given a new password");
		}
		catch (UserChangeRefused ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/admin/users";
	}

	/** Removes another user's second factor (never one's own): they enrol again at their next sign-in. */
	@PostMapping("/admin/users/{id}/reset-second-factor")
	String resetSecondFactor(@PathVariable long id, Authentication authentication, RedirectAttributes redirect,
			Locale locale) {
		try {
			var user = factors.reset(id, authentication.getName());
			redirect.addFlashAttribute("message", messages.getMessage("users.factorReset", new Object[] { user.login() }, locale));
		}
		catch (Refused ex) {
			redirect.addFlashAttribute("error", ex.text(messages, locale));
		}
		return "redirect:/admin/users";
	}

	private static void oneTimePassword(RedirectAttributes redirect, CreatedUser user, String what) {
		redirect.addFlashAttribute("message", user.user().login() + " " + what + ".");
		redirect.addFlashAttribute("oneTimeLogin", user.user().login());
		redirect.addFlashAttribute("oneTimePassword", user.oneTimePassword());
	}

	private static String change(RedirectAttributes redirect, java.util.function.Supplier<String> action) {
		try {
			redirect.addFlashAttribute("message", action.get());
		}
		catch (UserChangeRefused ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/admin/users";
	}

	private static Set<Role> roleSet(List<Role> roles) {
		return roles == null || roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
	}
}
