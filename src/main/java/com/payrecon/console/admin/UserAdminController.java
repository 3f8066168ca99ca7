package com.payrecon.console.admin;

import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

import com.payrecon.security.ConsoleUser;
import com.payrecon.security.ConsoleUsers;
import com.payrecon.security.ConsoleUsers.CreatedUser;
import com.payrecon.security.ConsoleUsers.UserChangeRefused;
import com.payrecon.security.LoginThrottle;
import com.payrecon.security.Refused;
import com.payrecon.security.Role;
import com.payrecon.security.SecondFactors;

import com.payrecon.support.i18n.Text;

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
	private final LoginThrottle throttle;

	UserAdminController(ConsoleUsers users, SecondFactors factors, MessageSource messages, LoginThrottle throttle) {
		this.users = users;
		this.factors = factors;
		this.messages = messages;
		this.throttle = throttle;
	}

	@GetMapping("/admin/users")
	String list(Model model) {
		List<ConsoleUser> all = users.list();
		model.addAttribute("users", all);
		model.addAttribute("roles", Role.values());
		// locked out from some address (LoginThrottle, this node): login -> until when
		Map<String, Instant> locks = new HashMap<>();
		all.forEach(u -> throttle.lockedUntil(u.login()).ifPresent(until -> locks.put(u.login(), until)));
		model.addAttribute("locks", locks);
		model.addAttribute("enrolled", factors.enrolledLogins());
		return "admin/users";
	}

	@PostMapping("/admin/users")
	String create(@RequestParam(defaultValue = "") String login, @RequestParam(required = false) List<Role> roles,
			Authentication authentication, RedirectAttributes redirect) {
		try {
			CreatedUser created = users.create(login, roleSet(roles), authentication.getName());
			oneTimePassword(redirect, created, "users.created");
		}
		catch (UserChangeRefused ex) {
			redirect.addFlashAttribute("error", ex.text());
		}
		return "redirect:/admin/users";
	}

	@PostMapping("/admin/users/{id}/disable")
	String disable(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		return change(redirect, () -> Text.of("users.disabled.done", users.setEnabled(id, false, authentication.getName()).login()));
	}

	@PostMapping("/admin/users/{id}/enable")
	String enable(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		return change(redirect, () -> Text.of("users.enabled.done", users.setEnabled(id, true, authentication.getName()).login()));
	}

	@PostMapping("/admin/users/{id}/unlock")
	String unlock(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		return change(redirect, () -> Text.of("users.unlocked.done", users.unlock(id, authentication.getName()).login()));
	}

	@PostMapping("/admin/users/{id}/roles")
	String roles(@PathVariable long id, @RequestParam(required = false) List<Role> roles, Authentication authentication,
			RedirectAttributes redirect) {
		return change(redirect, () -> {
			var user = users.setRoles(id, roleSet(roles), authentication.getName());
			return Text.of("users.roles.done", user.login(), user.roles().stream().sorted().map(Role::name)
				.collect(java.util.stream.Collectors.joining(", ")));
		});
	}

	@PostMapping("/admin/users/{id}/reset-password")
	String resetPassword(@PathVariable long id, Authentication authentication, RedirectAttributes redirect) {
		try {
			oneTimePassword(redirect, users.resetPassword(id, authentication.getName()), "users.reset.done");
		}
		catch (UserChangeRefused ex) {
			redirect.addFlashAttribute("error", ex.text());
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
		redirect.addFlashAttribute("message", Text.of(what, user.user().login()));
		redirect.addFlashAttribute("oneTimeLogin", user.user().login());
		redirect.addFlashAttribute("oneTimePassword", user.oneTimePassword());
	}

	private static String change(RedirectAttributes redirect, java.util.function.Supplier<Text> action) {
		try {
			redirect.addFlashAttribute("message", action.get());
		}
		catch (UserChangeRefused ex) {
			redirect.addFlashAttribute("error", ex.text());
		}
		return "redirect:/admin/users";
	}

	private static Set<Role> roleSet(List<Role> roles) {
		return roles == null || roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles);
	}
}
