package com.payrecon.sandbox;

import java.time.Clock;

import com.payrecon.support.web.BodyLimitFilter;

import org.jooq.DSLContext;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Wires the sandbox when {@code payrecon.sandbox.enabled=true}. {@code /sandbox/**} is open (no session, no CSRF):
 * the emulated providers authenticate requests the way the real ones do (v2 sign, v3 Authorization, Alipay RSA2).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "payrecon.sandbox.enabled", havingValue = "true")
class SandboxConfiguration {

	@Bean
	@Order(3)
	SecurityFilterChain sandboxChain(HttpSecurity http) throws Exception {
		http.securityMatcher("/sandbox/**")
			.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/** Request bodies above {@code payrecon.sandbox.max-body-bytes} are answered 413 (issue 11). */
	@Bean
	FilterRegistrationBean<BodyLimitFilter> sandboxBodyLimit(SandboxProperties properties) {
		FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
				new BodyLimitFilter(properties.maxBodyBytes()));
		registration.addUrlPatterns("/sandbox/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	@Bean
	SandboxTls sandboxTls(SandboxProperties properties, Clock clock) {
		return new SandboxTls(properties.tls(), clock);
	}

	@Bean
	SandboxMerchants sandboxMerchants(SandboxProperties properties) {
		return new SandboxMerchants(properties);
	}

	@Bean
	SandboxLedger sandboxLedger(DSLContext dsl, Clock clock) {
		return new SandboxLedger(dsl, clock);
	}

	@Bean
	SandboxNotifier sandboxNotifier(SandboxLedger ledger, SandboxMerchants merchants, SandboxProperties properties,
			Clock clock, Environment environment) {
		return new SandboxNotifier(ledger, merchants, properties, clock, environment);
	}

	@Bean
	SandboxTrades sandboxTrades(SandboxLedger ledger, SandboxNotifier notifier, SandboxProperties properties, Clock clock) {
		return new SandboxTrades(ledger, notifier, properties, clock);
	}

	@Bean
	SandboxRefunds sandboxRefunds(SandboxLedger ledger, SandboxNotifier notifier, SandboxMerchants merchants,
			SandboxProperties properties, Clock clock) {
		return new SandboxRefunds(ledger, notifier, merchants, properties, clock);
	}

	@Bean
	SandboxBills sandboxBills(SandboxLedger ledger, SandboxProperties properties, Clock clock) {
		return new SandboxBills(ledger, properties, clock);
	}

	@Bean
	BillTickets sandboxBillTickets(Clock clock) {
		return new BillTickets(clock);
	}

	@Bean
	CallFaults sandboxCallFaults(SandboxMerchants merchants, Clock clock) {
		return new CallFaults(merchants, clock);
	}

	@Bean
	@ConditionalOnProperty(name = "payrecon.sandbox.payer.enabled", havingValue = "true")
	PayerSimulation sandboxPayerSimulation(SandboxMerchants merchants, SandboxLedger ledger, SandboxTrades trades,
			SandboxRefunds refunds, SandboxProperties properties, Environment environment) {
		return new PayerSimulation(merchants, ledger, trades, refunds, properties, environment);
	}
}
