package com.payrecon.security;

import java.io.IOException;
import java.time.Clock;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/**
 * Three doors: the notify URLs (open to providers; every message is authenticated by its signature, so no session
 * and no CSRF), the REST API (bearer tokens, see the api package), and the console (form login, users in the
 * database, CSRF on every form, a strict Content-Security-Policy). URL rules here and {@code @PreAuthorize} on the
 * services both enforce the roles; templates only hide what a role cannot use.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
class SecurityConfiguration {

	/** No inline script or style, nothing from elsewhere, no framing. */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

	@Bean
	@Order(1)
	SecurityFilterChain notifyChain(HttpSecurity http) throws Exception {
		// nobody logs in or out here, and the controller never asks the request who is calling (issue 17: every
		// filter runs for each notification)
		http.securityMatcher("/notify/**")
			.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.anonymous(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.servletApi(AbstractHttpConfigurer::disable)
			.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	/**
	 * Spring Security's own observations: logins are observed (timed, and traced when tracing is added); each filter
	 * of each chain and each authorization decision are not. Those wrapped every filter of every request in an
	 * observation of its own, 3–4 % of the notify path's JVM samples (issue 17), and told an operator nothing that
	 * {@code http_server_requests_seconds} and the audit log do not.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.withDefaults()
			.shouldObserveRequests(false)
			.shouldObserveAuthorizations(false)
			.build();
	}

	@Bean
	@Order(10)
	SecurityFilterChain consoleChain(HttpSecurity http, ConsoleUserDetailsService userDetails,
			PasswordEncoder passwordEncoder, LoginThrottle throttle, LoginAttempts attempts, AuditLog audit,
			SessionRegistry sessionRegistry, SecondFactorLogin secondFactor, ConsoleSessionProperties sessions,
			Clock clock) throws Exception {
		DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(userDetails);
		passwords.setPasswordEncoder(passwordEncoder);
		// issue 11: every account check after the password (a disabled or expired user answers like a wrong password
		// to whoever does not know it, and as fast), and older hashes re-hashed at login
		passwords.setPreAuthenticationChecks(user -> {
		});
		passwords.setPostAuthenticationChecks(new AccountStatusUserDetailsChecker());
		passwords.setUserDetailsPasswordService(userDetails);
		// this chain's own manager, without a parent: a throttled or locked attempt must not be retried elsewhere
		http.authenticationManager(new ProviderManager(new ThrottlingAuthenticationProvider(passwords, throttle)))
			.authorizeHttpRequests(auth -> auth
				.requestMatchers("/", "/login", "/error", "/css/**", "/js/**", "/img/**", "/favicon.ico")
				.permitAll()
				// dashboard, jobs, account keys (issue 5, admin): everyone sees the dashboard; jobs are for admin and
				// finance to look at and admin to run or restart; account keys are replaced by admin only
				.requestMatchers("/dashboard")
				.hasAnyRole(Role.SUPPORT.name(), Role.FINANCE.name(), Role.ADMIN.name())
				.requestMatchers(HttpMethod.POST, "/jobs/**", "/admin/accounts/**")
				.hasRole(Role.ADMIN.name())
				.requestMatchers(HttpMethod.GET, "/jobs", "/jobs/**")
				.hasAnyRole(Role.ADMIN.name(), Role.FINANCE.name())
				.requestMatchers(HttpMethod.POST, "/notifications/*/reprocess")
				.hasRole(Role.ADMIN.name())
				.requestMatchers("/admin/users", "/admin/users/**")
				.hasRole(Role.ADMIN.name())
				// webhook endpoints and their delivery log (issue 15): admins only
				.requestMatchers("/admin/webhooks", "/admin/webhooks/**")
				.hasRole(Role.ADMIN.name())
				.requestMatchers("/admin/accounts", "/admin/accounts/**", "/audit", "/audit/**")
				.hasAnyRole(Role.ADMIN.name(), Role.FINANCE.name())
				// support work on orders (issue 5, support): Close is for support and admins; Re-query now and the
				// stale-pending and micropay views for every console role (read rules below)
				.requestMatchers(HttpMethod.POST, "/orders/*/close")
				.hasAnyRole(Role.SUPPORT.name(), Role.ADMIN.name())
				.requestMatchers(HttpMethod.POST, "/orders/*/requery", "/orders/*/requery/*/apply")
				.hasAnyRole(Role.SUPPORT.name(), Role.FINANCE.name(), Role.ADMIN.name())
				// refunds (issue 14): finance proposes on the order's page; a second finance or admin user approves or
				// rejects; support sees refunds on the order's page only
				.requestMatchers(HttpMethod.POST, "/orders/*/refunds")
				.hasRole(Role.FINANCE.name())
				.requestMatchers(HttpMethod.POST, "/refunds/*/approve", "/refunds/*/reject")
				.hasAnyRole(Role.FINANCE.name(), Role.ADMIN.name())
				.requestMatchers("/refunds", "/refunds/**")
				.hasAnyRole(Role.FINANCE.name(), Role.ADMIN.name())
				.requestMatchers("/notifications", "/notifications/**", "/orders", "/orders/**")
				.hasAnyRole(Role.SUPPORT.name(), Role.FINANCE.name(), Role.ADMIN.name())
				// reconciliation pages (issue 5, finance): admins view and approve/reject proposals; everything else
				// that acts (case moves, proposals, sign-off) or exports is finance's
				.requestMatchers(HttpMethod.POST, "/reconciliation/proposals/*/approve", "/reconciliation/proposals/*/reject")
				.hasAnyRole(Role.FINANCE.name(), Role.ADMIN.name())
				// operator control of runs (issue 12): a dry run is finance's or an admin's; a run, and the decision on
				// finance's proposal of one, is an admin's
				.requestMatchers(HttpMethod.POST, "/reconciliation/*/*/dry-run")
				.hasAnyRole(Role.FINANCE.name(), Role.ADMIN.name())
				.requestMatchers(HttpMethod.POST, "/reconciliation/*/*/run", "/reconciliation/requests/*/approve",
						"/reconciliation/requests/*/reject")
				.hasRole(Role.ADMIN.name())
				.requestMatchers(HttpMethod.POST, "/reconciliation/**")
				.hasRole(Role.FINANCE.name())
				.requestMatchers("/reconciliation/*/*/export.csv", "/reconciliation/*/*/export.xlsx")
				.hasRole(Role.FINANCE.name())
				.requestMatchers("/reconciliation", "/reconciliation/**")
				.hasAnyRole(Role.FINANCE.name(), Role.ADMIN.name())
				// /reconciliation pages
				.requestMatchers("/actuator/**")
				.hasRole(Role.ADMIN.name())
				.anyRequest()
				.authenticated())
			.formLogin(form -> form.loginPage("/login")
				.successHandler(successHandler(attempts, secondFactor))
				.failureHandler(failureHandler(attempts))
				.permitAll())
			.logout(logout -> logout.logoutUrl("/logout")
				.addLogoutHandler((request, response, authentication) -> {
					if (authentication != null) {
						audit.record(authentication.getName(), AuditAction.LOGOUT, "user:" + authentication.getName(),
								AuditOutcome.SUCCESS, null, request.getRemoteAddr());
					}
				})
				.logoutSuccessUrl("/login?logout")
				.deleteCookies("JSESSIONID"))
			.sessionManagement(session -> session.sessionFixation(fixation -> fixation.changeSessionId())
				.maximumSessions(-1)
				.sessionRegistry(sessionRegistry)
				.expiredUrl("/login?expired"))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.frameOptions(frame -> frame.deny())
				.referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
			.exceptionHandling(e -> e.accessDeniedHandler(auditedAccessDenied(audit))
				// issue 11: relative, never the Host header a client sent
				.authenticationEntryPoint(RelativeRedirects.loginEntryPoint("/login")))
			// issue 11: an absolute session lifetime, checked before anything else looks at the signed-in user
			.addFilterBefore(new SessionLifetimeFilter(sessions, clock), AuthorizationFilter.class)
			.addFilterBefore(new SecondFactorFilter(), AuthorizationFilter.class)
			.addFilterAfter(new MustChangePasswordFilter(), AuthorizationFilter.class);
		return http.build();
	}

	/** {bcrypt-sha256} (see {@link ConsolePasswords}); the stored id prefix lets the encoding move on without a migration. */
	@Bean
	PasswordEncoder passwordEncoder() {
		return ConsolePasswords.encoder();
	}

	@Bean
	SessionRegistry sessionRegistry() {
		return new SessionRegistryImpl();
	}

	/** Tells the session registry when sessions end, so it does not keep them forever. */
	@Bean
	HttpSessionEventPublisher httpSessionEventPublisher() {
		return new HttpSessionEventPublisher();
	}

	private static SavedRequestAwareAuthenticationSuccessHandler successHandler(LoginAttempts attempts,
			SecondFactorLogin secondFactor) {
		SavedRequestAwareAuthenticationSuccessHandler handler = new SavedRequestAwareAuthenticationSuccessHandler() {
			@Override
			public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
					Authentication authentication) throws ServletException, IOException {
				ConsoleUserDetails user = (ConsoleUserDetails) authentication.getPrincipal();
				if (secondFactor.holdBack(request, response, user, authentication)) {
					return; // the second factor first: no role, no LOGIN entry until it is done
				}
				attempts.succeeded(user, request.getRemoteAddr());
				if (user.mustChangePassword()) {
					getRedirectStrategy().sendRedirect(request, response, MustChangePasswordFilter.CHANGE_PASSWORD);
					return;
				}
				super.onAuthenticationSuccess(request, response, authentication);
			}
		};
		handler.setDefaultTargetUrl("/");
		handler.setRedirectStrategy(RelativeRedirects.pathOnly()); // issue 11: the saved request's path, not its host
		return handler;
	}

	private static AuthenticationFailureHandler failureHandler(LoginAttempts attempts) {
		return (request, response, exception) -> {
			LoginAttempts.Refusal refusal = attempts.failed(request.getParameter("username"), request.getRemoteAddr(),
					exception);
			response.sendRedirect(request.getContextPath() + switch (refusal) {
				case BAD_CREDENTIALS -> "/login?error";
				case BLOCKED -> "/login?blocked";
				case ONE_TIME_PASSWORD_EXPIRED -> "/login?otp-expired";
			});
		};
	}

	/** A signed-in operator refused a page or action (threat case C4) or a form without its CSRF token (C1). */
	private static AccessDeniedHandler auditedAccessDenied(AuditLog audit) {
		AccessDeniedHandlerImpl errorPage = new AccessDeniedHandlerImpl();
		return (HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex) -> {
			Authentication auth = SecurityContextHolder.getContext().getAuthentication();
			if (auth != null && auth.isAuthenticated() && auth.getPrincipal() instanceof ConsoleUserDetails) {
				String what = ex instanceof CsrfException ? "missing or invalid CSRF token" : "not allowed for this role";
				audit.record(auth.getName(), AuditAction.ACCESS_DENIED, request.getMethod() + " " + request.getRequestURI(),
						AuditOutcome.DENIED, what, request.getRemoteAddr());
			}
			errorPage.handle(request, response, ex);
		};
	}
}
