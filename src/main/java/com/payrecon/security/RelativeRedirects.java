package com.payrecon.security;

import java.io.IOException;
import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * Redirects that never carry a host (issue 11): Spring Security builds the login redirect and the "back to the page
 * you asked for" redirect from the request's {@code Host} header, which the client chooses; behind a proxy that
 * passes it on, a link or a cached redirect could then point elsewhere. Both are made relative here (Tomcat's own
 * redirects are relative with {@code server.tomcat.use-relative-redirects}).
 */
final class RelativeRedirects {

	private RelativeRedirects() {
	}

	static LoginUrlAuthenticationEntryPoint loginEntryPoint(String loginPage) {
		LoginUrlAuthenticationEntryPoint entryPoint = new LoginUrlAuthenticationEntryPoint(loginPage);
		entryPoint.setFavorRelativeUris(true);
		return entryPoint;
	}

	/** Keeps the path and query of an absolute URL (a saved request's), drops scheme, host and port. */
	static RedirectStrategy pathOnly() {
		DefaultRedirectStrategy relative = new DefaultRedirectStrategy();
		return new RedirectStrategy() {
			@Override
			public void sendRedirect(HttpServletRequest request, HttpServletResponse response, String url)
					throws IOException {
				URI uri = URI.create(url);
				String target = !uri.isAbsolute() ? url
						: (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
								+ (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
				if (uri.isAbsolute() && target.startsWith(request.getContextPath())) {
					target = target.substring(request.getContextPath().length());
				}
				relative.sendRedirect(request, response, target);
			}
		};
	}
}
