package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.PaymentOrder;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.ConsoleUsers;
import com.payrecon.security.Role;
import com.payrecon.console.notifications.ConsoleReprocessing;
import com.payrecon.console.orders.OrderFilter;
import com.payrecon.console.orders.OrderQuery;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Threat case C4: every console endpoint against every role, over real HTTP; the services refuse on their own too
 * (method security), and a refusal is audited.
 */
@PayReconIT
class ConsoleAccessIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers testUsers;

	@Autowired
	OrderService orderService;

	@Autowired
	ConsoleUsers consoleUsers;

	@Autowired
	ConsoleUserRepository userRepository;

	@Autowired
	ConsoleReprocessing reprocessing;

	@Autowired
	OrderQuery orderQuery;

	@Autowired
	DSLContext dsl;

	static long orderId;

	@BeforeEach
	void anOrder() {
		if (orderId == 0) {
			PaymentOrder order = orderService
				.create(new CreateOrder("wx2-md5", TestData.outTradeNo(), Fen.of(1234), "CNY", "access test", null),
						Cause.api("test", "set-up"))
				.order();
			orderId = order.id();
		}
	}

	static List<Arguments> getMatrix() {
		return List.of(
				// path, SUPPORT, FINANCE, ADMIN
				Arguments.of("/notifications", 200, 200, 200), Arguments.of("/orders", 200, 200, 200),
				Arguments.of("/orders/{order}", 200, 200, 200), Arguments.of("/audit", 403, 200, 200),
				Arguments.of("/admin/accounts", 403, 200, 200), Arguments.of("/admin/users", 403, 403, 200),
				Arguments.of("/account/password", 200, 200, 200));
	}

	@ParameterizedTest(name = "GET {0}: support {1}, finance {2}, admin {3}")
	@MethodSource("getMatrix")
	void everyRoleGetsExactlyItsPages(String path, int support, int finance, int admin) {
		String resolved = path.replace("{order}", Long.toString(orderId));
		assertThat(sessionAs(Role.SUPPORT).get(resolved).statusCode()).as("support " + resolved).isEqualTo(support);
		assertThat(sessionAs(Role.FINANCE).get(resolved).statusCode()).as("finance " + resolved).isEqualTo(finance);
		assertThat(sessionAs(Role.ADMIN).get(resolved).statusCode()).as("admin " + resolved).isEqualTo(admin);
		HttpResponse<String> anonymous = new ConsoleSession(port).get(resolved);
		assertThat(anonymous.statusCode()).as("anonymous " + resolved).isEqualTo(302);
		assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/login");
	}

	@Test
	void onlyAdminsChangeUsersOrReprocess() {
		TestUser victim = testUsers.create(Role.SUPPORT);
		for (Role role : List.of(Role.SUPPORT, Role.FINANCE)) {
			ConsoleSession session = sessionAs(role).csrfFrom("/orders");
			assertThat(session.post("/admin/users", Map.of("login", "x" + TestData.outTradeNo().toLowerCase(), "roles", "ADMIN"))
				.statusCode()).isEqualTo(403);
			assertThat(session.post("/admin/users/" + victim.id() + "/disable", Map.of()).statusCode()).isEqualTo(403);
			assertThat(session.post("/admin/users/" + victim.id() + "/roles", Map.of("roles", "ADMIN")).statusCode())
				.isEqualTo(403);
			assertThat(session.post("/admin/users/" + victim.id() + "/reset-password", Map.of()).statusCode())
				.isEqualTo(403);
			assertThat(session.post("/notifications/1/reprocess", Map.of()).statusCode()).isEqualTo(403);
		}
		var after = userRepository.findById(victim.id()).orElseThrow();
		assertThat(after.enabled()).isTrue();
		assertThat(after.roles()).containsExactly(Role.SUPPORT);
		assertThat(new ConsoleSession(port).login(victim.login(), victim.password()).headers().firstValue("Location"))
			.hasValueSatisfying(l -> assertThat(l).doesNotContain("/login"));
	}

	@Test
	void aRefusalIsAudited() {
		ConsoleSession support = sessionAs(Role.SUPPORT);
		String login = currentLogin;
		support.get("/admin/users");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(login), AUDIT_ENTRY.ACTION.eq("ACCESS_DENIED"),
				AUDIT_ENTRY.TARGET.eq("GET /admin/users"), AUDIT_ENTRY.OUTCOME.eq("DENIED")))
			.isEqualTo(1);
	}

	@Test
	void anOrderThatDoesNotExistIsNotFoundNotAnError() {
		assertThat(sessionAs(Role.SUPPORT).get("/orders/999999999").statusCode()).isEqualTo(404);
		assertThat(sessionAs(Role.SUPPORT).get("/notifications/999999999").statusCode()).isEqualTo(404);
		assertThat(sessionAs(Role.SUPPORT).get("/orders/abc").statusCode()).isEqualTo(400);
	}

	@Test
	void aUserChangesOnlyTheirOwnPasswordWhateverTheFormSays() {
		TestUser support = testUsers.create(Role.SUPPORT);
		TestUser admin = testUsers.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(support).csrfFrom("/account/password");
		session.post("/account/password", Map.of("login", admin.login(), "userId", Long.toString(admin.id()),
				"currentPassword", support.password(), "newPassword", "a-new-long-password-1", "confirmPassword",
				"a-new-long-password-1"));
		new ConsoleSession(port).loggedInAs(admin);
		new ConsoleSession(port).loggedInAs(support.login(), "a-new-long-password-1");
	}

	@Test
	void servicesRefuseOnTheirOwnWithoutTheRightRole() {
		try {
			assertThatThrownBy(() -> consoleUsers.list()).isInstanceOf(AuthenticationCredentialsNotFoundException.class);
			authenticateAs("someone", Role.SUPPORT);
			assertThatThrownBy(() -> consoleUsers.create("newbie", EnumSet.of(Role.ADMIN), "someone"))
				.isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> consoleUsers.resetPassword(1, "someone")).isInstanceOf(AccessDeniedException.class);
			assertThatThrownBy(() -> reprocessing.reprocess(1, "someone")).isInstanceOf(AccessDeniedException.class);
			assertThat(orderQuery.find(orderId)).isPresent();
			authenticateAs("someone", Role.ADMIN);
			// an admin acting in somebody else's name is refused too
			assertThatThrownBy(() -> reprocessing.reprocess(1, "somebody-else")).isInstanceOf(AccessDeniedException.class);
			authenticateAs("nobody", new Role[0]);
			assertThatThrownBy(() -> orderQuery.search(new OrderFilter(null, null, null, null, null, null, null, null, null, null, null, null)))
				.isInstanceOf(AccessDeniedException.class);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	private String currentLogin;

	private ConsoleSession sessionAs(Role role) {
		TestUser user = testUsers.create(role);
		currentLogin = user.login();
		return new ConsoleSession(port).loggedInAs(user);
	}

	private static void authenticateAs(String login, Role... roles) {
		var authorities = java.util.Arrays.stream(roles).map(r -> new SimpleGrantedAuthority(r.authority())).toList();
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(login, null, authorities));
	}
}
