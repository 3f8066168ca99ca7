package com.payrecon.demo;

import com.payrecon.support.web.BodyLimitFilter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The demo receiver's door: {@code /demo/webhook-receiver} is open like a merchant's receiver (no session, no CSRF;
 * every request is checked by its signature) and takes bodies of at most 64 KiB. Only when the receiver is on.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = DemoWebhookReceiver.SECRET_PROPERTY)
class DemoWebhookReceiverConfiguration {

	static final String PATH = "/demo/webhook-receiver";

	@Bean
	@Order(4)
	SecurityFilterChain demoWebhookReceiverChain(HttpSecurity http) throws Exception {
		http.securityMatcher(PATH)
			.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	FilterRegistrationBean<BodyLimitFilter> demoWebhookReceiverBodyLimit() {
		FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(new BodyLimitFilter(64 * 1024));
		registration.addUrlPatterns(PATH);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}
}
