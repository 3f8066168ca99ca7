package com.payrecon.api;

import com.payrecon.account.AccountRegistry;
import com.payrecon.support.web.BodyLimitFilter;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
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
	SecurityFilterChain apiChain(HttpSecurity http, ApiClientsProperties clients, AccountRegistry accounts)
			throws Exception {
		http.securityMatcher("/api/**")
			.authorizeHttpRequests(auth -> auth.anyRequest().hasRole("API_CLIENT"))
			.addFilterBefore(new BearerTokenFilter(clients, accounts), AnonymousAuthenticationFilter.class)
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

	/** Request bodies above {@code payrecon.api.max-body-bytes} are answered 413, before the token is even looked at. */
	@Bean
	FilterRegistrationBean<BodyLimitFilter> apiBodyLimit(ApiProperties properties) {
		FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
				new BodyLimitFilter(properties.maxBodyBytes()));
		registration.addUrlPatterns("/api/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}
}
