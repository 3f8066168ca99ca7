package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.outbox.OutboxEvent;
import com.payrecon.outbox.OutboxRepository;
import com.payrecon.security.Role;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.WebhookReceiver;
import com.payrecon.support.money.Fen;
import com.payrecon.webhook.WebhookDeliveries;
import com.payrecon.webhook.WebhookEndpoint;
import com.payrecon.webhook.WebhookEndpoints;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Admin → Webhooks over real HTTP (issue 15): only admins see and act (CSRF token required); an admin creates an
 * endpoint whose secret is shown once and verifies what arrives; the endpoint's health, its deliveries and an event's
 * delivery log (attempt, status code, latency, answer) are shown; one event and a time range are sent again; the
 * secret is rotated and the endpoint disabled; every action is audited under the admin's login.
 */
@PayReconIT
class WebhookPagesIT {

	static final String ACCOUNT = "hooks-a";
	static final Pattern SECRET = Pattern.compile("<code id=\"secret\">(whsec_[A-Za-z0-9+/=]+)</code>");

	@LocalServerPort int port;
	@Autowired ConsoleTestUsers users;
	@Autowired WebhookEndpoints endpoints;
	@Autowired WebhookDeliveries deliveries;
	@Autowired OrderService orderService;
	@Autowired OutboxRepository events;
	@Autowired DSLContext dsl;

	@Test
	void onlyAdminsSeeAndActOnWebhooksAndOnlyWithTheFormsToken() {
		for (Role role : List.of(Role.SUPPORT, Role.FINANCE)) {
			ConsoleSession session = new ConsoleSession(port).loggedInAs(users.create(role)).csrfFrom("/dashboard");
			assertThat(session.get("/admin/webhooks").statusCode()).as(role + " page").isEqualTo(403);
			assertThat(session.post("/admin/webhooks", Map.of("name", "it-no", "url", "http://127.0.0.1:9/")).statusCode())
				.as(role + " create")
				.isEqualTo(403);
			assertThat(session.get("/admin/webhooks").body()).doesNotContain("nav-webhooks");
		}
		HttpResponse<String> anonymous = new ConsoleSession(port).get("/admin/webhooks");
		assertThat(anonymous.statusCode()).isEqualTo(302);
		ConsoleSession admin = new ConsoleSession(port).loggedInAs(users.create(Role.ADMIN));
		assertThat(admin.get("/admin/webhooks").body()).contains("id=\"nav-webhooks\"", "id=\"create-endpoint\"");
		assertThat(admin.postWithoutCsrf("/admin/webhooks", Map.of("name", "it-csrf", "url", "http://127.0.0.1:9/"))
			.statusCode()).isEqualTo(403);
		assertThat(endpoints.list()).noneMatch(e -> e.name().startsWith("it-no") || e.name().equals("it-csrf"));
	}

	@Test
	void anAdminCreatesAnEndpointFollowsItsDeliveriesRedeliversRotatesAndDisablesItAllAudited() {
		TestUser user = users.create(Role.ADMIN);
		ConsoleSession admin = new ConsoleSession(port).loggedInAs(user).csrfFrom("/admin/webhooks");
		String name = "it-page-" + TestData.outTradeNo().toLowerCase();
		try (WebhookReceiver receiver = WebhookReceiver.start()) {
			// created: the answer shows the secret once; the list never shows it
			HttpResponse<String> created = admin.post("/admin/webhooks", Map.of("name", name, "url",
					receiver.url("/hooks"), "accounts", ACCOUNT, "eventTypes", "order.closed"));
			assertThat(created.statusCode()).isEqualTo(200);
			String secret = secret(created.body());
			receiver.trust(secret);
			WebhookEndpoint endpoint = endpoints.list().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
			assertThat(endpoint.accounts()).containsExactly(ACCOUNT);
			assertThat(endpoint.eventTypes()).containsExactly("order.closed");
			String list = admin.get("/admin/webhooks").body();
			assertThat(list).contains(name, receiver.url("/hooks")).doesNotContain(secret);
			String page = "/admin/webhooks/" + endpoint.id();

			// an event arrives, verified with the secret the page showed; the endpoint's page and the event's log show it
			OutboxEvent first = closeAnOrder();
			awaitTrue(() -> receiver.received(r -> r.id().equals(first.eventId()) && r.verified()).size() == 1, "delivered");
			awaitTrue(() -> admin.get(page).body().contains("delivery-" + first.eventId()), "listed");
			awaitTrue(() -> admin.get(page + "/events/" + first.eventId()).body().contains("id=\"attempt-1\""), "attempt logged");
			String log = admin.get(page + "/events/" + first.eventId()).body();
			assertThat(log).contains("order.closed", "DELIVERED", "answered 200", ">200<", " ms<", "(Asia/Shanghai)");
			assertThat(admin.get("/admin/webhooks").body()).contains("id=\"endpoint-" + endpoint.id() + "-health\"", "healthy");

			// one event sent again, same id, new signature; then every event of a time range
			assertThat(admin.post(page + "/redeliver", Map.of("eventId", first.eventId())).statusCode()).isEqualTo(302);
			assertThat(admin.get(page).body()).contains("Event " + first.eventId() + " will be sent again.");
			awaitTrue(() -> receiver.received(r -> r.id().equals(first.eventId()) && r.verified()).size() == 2, "sent again");
			OutboxEvent second = closeAnOrder();
			awaitTrue(() -> receiver.received(r -> r.id().equals(second.eventId())).size() == 1, "second delivered");
			LocalDateTime from = LocalDateTime.ofInstant(first.occurredAt(), ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
			LocalDateTime to = LocalDateTime.ofInstant(second.occurredAt(), ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
				.plusSeconds(1);
			HttpResponse<String> range = admin.post(page + "/redeliver-range", Map.of("from", from.toString(), "to", to.toString()));
			assertThat(range.statusCode()).isEqualTo(302);
			assertThat(admin.get(page).body()).contains("2 events will be sent again.");
			awaitTrue(() -> receiver.received(r -> r.id().equals(first.eventId())).size() == 3
					&& receiver.received(r -> r.id().equals(second.eventId())).size() == 2, "range sent again");
			assertThat(admin.post(page + "/redeliver", Map.of("eventId", "evt_NOSUCHEVENT")).statusCode()).isEqualTo(302);
			assertThat(admin.get(page).body()).contains("No event evt_NOSUCHEVENT.");

			// rotated: a new secret, shown once, and both sign during the overlap
			HttpResponse<String> rotated = admin.post("/admin/webhooks/" + endpoint.id() + "/rotate", Map.of());
			assertThat(rotated.statusCode()).isEqualTo(200);
			String newSecret = secret(rotated.body());
			assertThat(newSecret).isNotEqualTo(secret);
			try (WebhookReceiver onlyNew = WebhookReceiver.start(newSecret)) {
				OutboxEvent third = closeAnOrder();
				awaitTrue(() -> receiver.received(r -> r.id().equals(third.eventId()) && r.verified()).size() == 1, "old verifies");
				WebhookReceiver.Received r = receiver.received(x -> x.id().equals(third.eventId())).getFirst();
				assertThat(onlyNew.verifies(r.id(), Long.toString(r.timestamp()), r.signature(), r.body())).isTrue();
			}

			// disabled
			assertThat(admin.post("/admin/webhooks/" + endpoint.id() + "/disable", Map.of()).statusCode()).isEqualTo(302);
			assertThat(endpoints.find(endpoint.id()).orElseThrow().enabled()).isFalse();
			assertThat(admin.get("/admin/webhooks").body()).contains("Endpoint " + name + " disabled.", "admin: " + user.login());

			assertThat(audit(endpoint, user)).containsExactly("WEBHOOK_ENDPOINT_CREATED", "WEBHOOK_REDELIVERY",
					"WEBHOOK_REDELIVERY", "WEBHOOK_SECRET_ROTATED", "WEBHOOK_ENDPOINT_DISABLED");
			assertThat(dsl.select(AUDIT_ENTRY.DETAILS).from(AUDIT_ENTRY)
				.where(AUDIT_ENTRY.TARGET.eq("webhook:" + endpoint.name())).fetch(AUDIT_ENTRY.DETAILS).toString())
				.doesNotContain(secret, newSecret, secret.substring("whsec_".length()));
		}
	}

	@Test
	void theWebhookServicesRefuseOnTheirOwnWithoutTheAdminRole() {
		try {
			for (Role role : List.of(Role.SUPPORT, Role.FINANCE)) {
				authenticateAs("someone", role);
				assertThatThrownBy(() -> deliveries.recent(1, 10)).as(role + " recent").isInstanceOf(AccessDeniedException.class);
				assertThatThrownBy(() -> deliveries.log(1, "evt_X")).as(role + " log").isInstanceOf(AccessDeniedException.class);
				assertThatThrownBy(() -> deliveries.oldestUndelivered()).isInstanceOf(AccessDeniedException.class);
				assertThatThrownBy(() -> endpoints.create("it-role", "http://127.0.0.1:9/", List.of(), List.of(), "someone"))
					.isInstanceOf(AccessDeniedException.class);
				assertThatThrownBy(() -> deliveries.redeliver(1, "evt_X", "someone")).isInstanceOf(AccessDeniedException.class);
			}
			authenticateAs("someone", Role.ADMIN);
			assertThatThrownBy(() -> endpoints.rotate(1, "somebody-else")).as("an admin acting in another's name")
				.isInstanceOf(AccessDeniedException.class);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	private static void authenticateAs(String login, Role role) {
		SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(login, null,
				List.of(new SimpleGrantedAuthority(role.authority()))));
	}

	@Test
	void aDeliveryLogOfAnUnknownEventOrEndpointIsNotFound() {
		ConsoleSession admin = new ConsoleSession(port).loggedInAs(users.create(Role.ADMIN));
		assertThat(admin.get("/admin/webhooks/999999999").statusCode()).isEqualTo(404);
		assertThat(admin.get("/admin/webhooks/999999999/events/evt_NOSUCHEVENT").statusCode()).isEqualTo(404);
	}

	private static String secret(String page) {
		Matcher m = SECRET.matcher(page);
		assertThat(m.find()).as("the secret on the page").isTrue();
		return m.group(1);
	}

	private OutboxEvent closeAnOrder() {
		PaymentOrder order = orderService.create(new CreateOrder(ACCOUNT, TestData.outTradeNo(), Fen.of(100), "CNY", "tea",
				null), Cause.api("checkout-it", "order created")).order();
		orderService.transition(ACCOUNT, order.outTradeNo(), OrderStatus.CLOSED, Cause.query("x", "expired"));
		return events.ofOrder(order.id()).getFirst();
	}

	private List<String> audit(WebhookEndpoint endpoint, TestUser user) {
		return dsl.select(AUDIT_ENTRY.ACTION)
			.from(AUDIT_ENTRY)
			.where(AUDIT_ENTRY.TARGET.eq("webhook:" + endpoint.name()), AUDIT_ENTRY.ACTOR.eq(user.login()))
			.orderBy(AUDIT_ENTRY.ID)
			.fetch(AUDIT_ENTRY.ACTION);
	}

	private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		assertThat(condition.getAsBoolean()).as(what + " within 20 s").isTrue();
	}
}
