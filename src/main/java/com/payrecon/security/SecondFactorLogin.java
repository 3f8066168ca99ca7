package com.payrecon.security;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * The step between password and console: after a right password, a user who has (or must enrol) a second factor
 * gets a {@link SecondFactorPending} session instead of their roles; {@link #complete} gives them their roles once
 * the factor is done (a new session id again, and the LOGIN audit entry then, not before).
 */
@Component
class SecondFactorLogin {

	private final SecondFactors factors;
	private final LoginAttempts attempts;
	private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

	SecondFactorLogin(SecondFactors factors, LoginAttempts attempts) {
		this.factors = factors;
		this.attempts = attempts;
	}

	/** True when the password alone is not enough: the session is now pending and the answer a redirect. */
	boolean holdBack(HttpServletRequest request, HttpServletResponse response, ConsoleUserDetails user,
			Authentication authentication) throws IOException {
		var roles = user.getAuthorities()
			.stream()
			.map(a -> a.getAuthority().replaceFirst("^ROLE_", ""))
			.filter(r -> java.util.Arrays.stream(Role.values()).anyMatch(v -> v.name().equals(r)))
			.map(Role::valueOf)
			.collect(java.util.stream.Collectors.toSet());
		SecondFactors.Need need = factors.need(user.getUsername(), roles);
		if (need == SecondFactors.Need.NONE) {
			return false;
		}
		save(new SecondFactorPending(user, need, authentication.getDetails()), request, response);
		response.sendRedirect(request.getContextPath()
				+ (need == SecondFactors.Need.ENROL ? SecondFactorFilter.ENROL_PAGE : SecondFactorFilter.CODE_PAGE));
		return true;
	}

	/** The factor is done: the operator's own authentication replaces the pending one. */
	void complete(HttpServletRequest request, HttpServletResponse response, SecondFactorPending pending) {
		ConsoleUserDetails user = pending.user();
		UsernamePasswordAuthenticationToken full = UsernamePasswordAuthenticationToken.authenticated(user, null,
				user.getAuthorities());
		full.setDetails(pending.getDetails());
		request.changeSessionId();
		save(full, request, response);
		attempts.succeeded(user, request.getRemoteAddr());
	}

	/** Completes the login and sends the operator where the password would have sent them. */
	void completeAndRedirect(HttpServletRequest request, HttpServletResponse response, SecondFactorPending pending)
			throws IOException, ServletException {
		complete(request, response, pending);
		SavedRequestAwareAuthenticationSuccessHandler next = new SavedRequestAwareAuthenticationSuccessHandler();
		next.setDefaultTargetUrl("/");
		next.onAuthenticationSuccess(request, response, SecurityContextHolder.getContext().getAuthentication());
	}

	private void save(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(authentication);
		SecurityContextHolder.setContext(context);
		contexts.saveContext(context, request, response);
	}
}
