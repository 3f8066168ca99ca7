package com.payrecon.operations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The operations endpoints outside the console login (a filter chain of its own, before the console's):
 * {@code /actuator/prometheus} for a scraper with the bearer token whose SHA-256 is
 * {@code payrecon.operations.scrape-token-sha256}, and the load balancer's {@code /actuator/health/liveness} and
 * {@code /readiness} for anyone (they answer only UP or DOWN; details are for signed-in admins). Everything else
 * under {@code /actuator} stays with the console chain: ADMIN only.
 */
@Configuration(proxyBeanMethods = false)
class OperationsSecurityConfiguration {

	static final String PROMETHEUS = "/actuator/prometheus";
	static final String SCRAPE_AUTHORITY = "METRICS_SCRAPE";

	@Bean
	@Order(5)
	SecurityFilterChain operationsChain(HttpSecurity http, OperationsProperties properties) throws Exception {
		http.securityMatcher(PROMETHEUS, "/actuator/health/liveness", "/actuator/health/readiness")
			.authorizeHttpRequests(auth -> auth
				.requestMatchers(HttpMethod.GET, "/actuator/health/liveness", "/actuator/health/readiness")
				.permitAll()
				.requestMatchers(HttpMethod.GET, PROMETHEUS)
				.hasAuthority(SCRAPE_AUTHORITY)
				.anyRequest()
				.denyAll())
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
				response.setHeader("WWW-Authenticate", "Bearer realm=\"payrecon-metrics\"");
				response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
			}))
			.addFilterBefore(new ScrapeTokenFilter(digest(properties.scrapeTokenSha256())), AuthorizationFilter.class);
		return http.build();
	}

	private static byte[] digest(String hex) {
		if (hex == null || hex.isBlank()) {
			return null;
		}
		try {
			byte[] bytes = HexFormat.of().parseHex(hex.strip());
			if (bytes.length != 32) {
				throw new IllegalArgumentException();
			}
			return bytes;
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("payrecon.operations.scrape-token-sha256: 64 hex digits expected");
		}
	}

	/** Compares the SHA-256 of the presented bearer token with the configured one in constant time. */
	static final class ScrapeTokenFilter extends OncePerRequestFilter {

		private final byte[] expected;

		ScrapeTokenFilter(byte[] expected) {
			this.expected = expected;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String header = request.getHeader("Authorization");
			if (expected != null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
					&& MessageDigest.isEqual(expected, sha256(header.substring(7).strip()))) {
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("prometheus", null,
							List.of(new SimpleGrantedAuthority(SCRAPE_AUTHORITY))));
			}
			chain.doFilter(request, response);
		}

		@Override
		protected boolean shouldNotFilter(HttpServletRequest request) {
			return !PROMETHEUS.equals(request.getRequestURI());
		}

		private static byte[] sha256(String token) {
			try {
				return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}
}
