package com.payrecon.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An absolute session lifetime (issue 11): a console session ends {@code payrecon.console.session.max-lifetime}
 * after sign-in however busy it is (the idle timeout alone would let a stolen session live as long as it is used).
 * The sign-in time is the first authenticated request of the session, kept in the session.
 */
class SessionLifetimeFilter extends OncePerRequestFilter {

	static final String SIGNED_IN_AT = SessionLifetimeFilter.class.getName() + ".signedInAt";

	private final ConsoleSessionProperties properties;
	private final Clock clock;

	SessionLifetimeFilter(ConsoleSessionProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		HttpSession session = request.getSession(false);
		if (session != null && auth != null && auth.getPrincipal() instanceof ConsoleUserDetails) {
			Instant now = clock.instant();
			Instant signedIn = (Instant) session.getAttribute(SIGNED_IN_AT);
			if (signedIn == null) {
				session.setAttribute(SIGNED_IN_AT, now);
			}
			else if (now.isAfter(signedIn.plus(properties.maxLifetime()))) {
				session.invalidate();
				SecurityContextHolder.clearContext();
				response.sendRedirect(request.getContextPath() + "/login?expired");
				return;
			}
		}
		chain.doFilter(request, response);
	}
}
