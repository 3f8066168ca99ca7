package com.payrecon.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** A user with a one-time password sees only the change-password page (and can log out) until it is changed. */
class MustChangePasswordFilter extends OncePerRequestFilter {

	static final String CHANGE_PASSWORD = "/account/password";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		if (auth != null && auth.getPrincipal() instanceof ConsoleUserDetails user && user.mustChangePassword()
				&& !allowed(request.getServletPath())) {
			response.sendRedirect(request.getContextPath() + CHANGE_PASSWORD);
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean allowed(String path) {
		return path.equals(CHANGE_PASSWORD) || path.equals("/logout") || path.startsWith("/css/")
				|| path.startsWith("/js/") || path.equals("/error") || path.equals("/favicon.ico");
	}
}
