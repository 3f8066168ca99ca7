package com.payrecon.security;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.context.MessageSource;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The second factor's pages: the code asked after the password ({@code /login/second-factor}), and enrolment
 * ({@code /account/second-factor}: QR code and secret, confirmed by a first code, then the recovery codes once).
 */
@Controller
class SecondFactorController {

	private final SecondFactors factors;
	private final SecondFactorLogin login;
	private final MessageSource messages;

	SecondFactorController(SecondFactors factors, SecondFactorLogin login, MessageSource messages) {
		this.factors = factors;
		this.login = login;
		this.messages = messages;
	}

	@GetMapping(SecondFactorFilter.CODE_PAGE)
	String codeForm(Authentication auth) {
		return auth instanceof SecondFactorPending p && p.need() == SecondFactors.Need.CODE ? "account/second-factor-code"
				: "redirect:/";
	}

	@PostMapping(SecondFactorFilter.CODE_PAGE)
	String code(@RequestParam(defaultValue = "") String code, Authentication auth, HttpServletRequest request,
			HttpServletResponse response, Model model, Locale locale) throws IOException, ServletException {
		if (!(auth instanceof SecondFactorPending pending) || pending.need() != SecondFactors.Need.CODE) {
			return "redirect:/";
		}
		SecondFactors.Verdict verdict = factors.verify(pending.getName(), code, request.getRemoteAddr());
		switch (verdict) {
			case ACCEPTED, RECOVERY_CODE_ACCEPTED -> {
				login.completeAndRedirect(request, response, pending);
				return null;
			}
			case LOCKED -> {
				SecurityContextHolder.clearContext();
				HttpSession session = request.getSession(false);
				if (session != null) {
					session.invalidate();
				}
				return "redirect:/login?blocked";
			}
			case WRONG, REPLAYED -> {
				model.addAttribute("error", messages.getMessage(verdict == SecondFactors.Verdict.REPLAYED
						? "factor.replayed" : "factor.wrongCode", null, locale));
				return "account/second-factor-code";
			}
		}
		throw new IllegalStateException(verdict.name());
	}

	@GetMapping(SecondFactorFilter.ENROL_PAGE)
	String enrolment(Authentication auth, Model model, Locale locale) {
		String user = auth.getName();
		if (factors.enrolled(user)) {
			model.addAttribute("enrolled", true);
			model.addAttribute("recoveryCodesLeft", factors.unusedRecoveryCodes(user));
			return "account/second-factor";
		}
		try {
			model.addAttribute("enrolment", factors.enrolment(user));
		}
		catch (Refused ex) {
			model.addAttribute("error", ex.text(messages, locale));
		}
		model.addAttribute("pending", auth instanceof SecondFactorPending);
		return "account/second-factor";
	}

	@PostMapping(SecondFactorFilter.ENROL_PAGE)
	String confirm(@RequestParam(defaultValue = "") String code, Authentication auth, HttpServletRequest request,
			HttpServletResponse response, Model model, Locale locale) {
		List<String> recoveryCodes;
		try {
			recoveryCodes = factors.confirm(auth.getName(), code);
		}
		catch (Refused ex) {
			model.addAttribute("error", ex.text(messages, locale));
			return enrolment(auth, model, locale);
		}
		if (auth instanceof SecondFactorPending pending) {
			login.complete(request, response, pending);
		}
		model.addAttribute("recoveryCodes", recoveryCodes);
		return "account/second-factor";
	}
}
