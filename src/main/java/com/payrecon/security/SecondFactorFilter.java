package com.payrecon.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A session between password and second factor sees only the code page (or the enrolment page) and can log out:
 * every other request is redirected there, before any page (and before the URL rules, which would only say 403).
 */
class SecondFactorFilter extends OncePerRequestFilter {

	static final String CODE_PAGE = "/login/second-factor";
	static final String ENROL_PAGE = "/account/second-factor";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		if (auth instanceof SecondFactorPending pending) {
			String page = pending.need() == SecondFactors.Need.ENROL ? ENROL_PAGE : CODE_PAGE;
			String path = request.getServletPath();
			if (!path.equals(page) && !alwaysAllowed(path)) {
				response.sendRedirect(request.getContextPath() + page);
				return;
			}
		}
		chain.doFilter(request, response);
	}

	private static boolean alwaysAllowed(String path) {
		return path.equals("/logout") || path.equals("/login") || path.startsWith("/css/") || path.startsWith("/js/")
				|| path.equals("/error") || path.equals("/favicon.ico");
	}
}
