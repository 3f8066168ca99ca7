package com.payrecon.api;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/** {@code /api/**}: bearer tokens of configured API clients, stateless, JSON errors. */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfiguration {

	@Bean
	@Order(2)
	SecurityFilterChain apiChain(HttpSecurity http, ApiClientsProperties clients) throws Exception {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests(auth -> auth.anyRequest().hasRole("API_CLIENT"))
			.addFilterBefore(new BearerTokenFilter(clients), AnonymousAuthenticationFilter.class)
			.csrf(AbstractHttpConfigurer::disable) // no cookies, no session: a bearer token cannot be forged cross-site
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(AbstractHttpConfigurer::disable)
			.exceptionHandling(e -> e.authenticationEntryPoint((request, response, ex) -> {
				response.setStatus(401);
				response.setContentType(MediaType.APPLICATION_JSON_VALUE);
				response.setHeader("WWW-Authenticate", "Bearer");
				response.getWriter().write("{\"error\":\"unauthorized\",\"message\":\"a valid bearer token is required\"}");
			}).accessDeniedHandler((request, response, ex) -> {
				response.setStatus(403);
				response.setContentType(MediaType.APPLICATION_JSON_VALUE);
				response.getWriter().write("{\"error\":\"forbidden\",\"message\":\"not allowed\"}");
			}));
		return http.build();
	}
}
