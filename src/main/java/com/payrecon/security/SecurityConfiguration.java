package com.payrecon.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Three doors: the notify URLs (open to providers; every message is authenticated by its signature, so no session
 * and no CSRF), the REST API (bearer tokens, see the api package), and the console (form login).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	@Order(1)
	SecurityFilterChain notifyChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/notify/**")
			.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	@Order(10)
	SecurityFilterChain consoleChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests(auth -> auth.requestMatchers("/", "/error", "/css/**", "/favicon.ico")
			.permitAll()
			.anyRequest()
			.authenticated()).formLogin(Customizer.withDefaults());
		return http.build();
	}

	/** No console users until the console issue adds them: in particular, no generated default password. */
	@Bean
	org.springframework.security.core.userdetails.UserDetailsService noConsoleUsersYet() {
		return new org.springframework.security.provisioning.InMemoryUserDetailsManager();
	}
}
