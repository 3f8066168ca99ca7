package com.payrecon.webhook;

import static com.payrecon.db.Tables.WEBHOOK_ATTEMPT;
import static com.payrecon.db.Tables.WEBHOOK_DELIVERY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.payrecon.PayReconApplication;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.outbox.OutboxRepository;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.WebhookReceiver;
import com.payrecon.support.WebhookReceiver.Answer;
import com.payrecon.support.money.Fen;
import com.zaxxer.hikari.HikariDataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Two PayRecon nodes (extra application contexts on the IT database, as in SchedulingClusterIT) deliver the same
 * endpoint's events at once, in small batches, to a receiver that answers slowly: every event arrives exactly once,
 * no webhook-id is ever in flight twice, every delivery has one attempt, and both nodes took a share. The shared
 * context's own deliverer is stopped meanwhile.
 */
@PayReconIT
class WebhookClusterIT {

	static final String ACCOUNT = "hooks-c";
	static final int EVENTS = 150;

	@Autowired DataSource dataSource;
	@Autowired OrderService orderService;
	@Autowired OutboxRepository events;
	@Autowired WebhookEndpoints endpoints;
	@Autowired WebhookDeliverer sharedDeliverer;
	@Autowired DSLContext dsl;

	@Test
	void twoNodesShareTheDeliveriesAndNeverSendTheSameAttemptTwice() {
		SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("hooks-admin", null, "ROLE_ADMIN"));
		WebhookReceiver receiver = WebhookReceiver.start();
		receiver.answer(r -> new Answer(200, Duration.ofMillis(20), Map.of()));
		var created = endpoints.create("it-cluster-" + TestData.outTradeNo(), receiver.url("/hooks"), List.of(ACCOUNT),
				List.of(), "hooks-admin");
		receiver.trust(created.secret());
		sharedDeliverer.stop();
		String cluster = "it-webhooks-" + UUID.randomUUID();
		ConfigurableApplicationContext a = node(cluster, "node-a");
		ConfigurableApplicationContext b = node(cluster, "node-b");
		try {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < EVENTS; i++) {
				PaymentOrder order = orderService.create(new CreateOrder(ACCOUNT, TestData.outTradeNo(), Fen.of(100 + i),
						"CNY", "tea", null), Cause.api("checkout-it", "x")).order();
				orderService.transition(ACCOUNT, order.outTradeNo(), OrderStatus.CLOSED, Cause.query("x", "expired"));
				ids.add(events.ofOrder(order.id()).getFirst().eventId());
			}
			assertThat(receiver.await(r -> r.stream().map(WebhookReceiver.Received::id).collect(Collectors.toSet())
				.containsAll(ids), Duration.ofSeconds(60))).as("every event arrived").isTrue();
			sleepQuietly(1_500); // a second delivery of any of them would arrive now

			Map<String, Integer> counts = receiver.countsById();
			assertThat(ids).allSatisfy(id -> assertThat(counts.get(id)).as(id).isEqualTo(1));
			assertThat(receiver.overlaps()).as("a webhook-id in flight twice").isEmpty();
			assertThat(receiver.received()).allSatisfy(r -> assertThat(r.verified()).isTrue());
			List<String> nodes = dsl.select(WEBHOOK_ATTEMPT.NODE)
				.from(WEBHOOK_ATTEMPT)
				.join(WEBHOOK_DELIVERY).on(WEBHOOK_DELIVERY.ID.eq(WEBHOOK_ATTEMPT.DELIVERY_ID))
				.where(WEBHOOK_DELIVERY.ENDPOINT_ID.eq(created.endpoint().id()))
				.fetch(WEBHOOK_ATTEMPT.NODE);
			assertThat(nodes).as("one attempt per delivery").hasSize(EVENTS);
			Map<String, Long> byNode = nodes.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
			System.out.println("webhook cluster: attempts by node " + byNode);
			assertThat(byNode.keySet()).isEqualTo(Set.of("node-a", "node-b"));
		}
		finally {
			b.close();
			a.close();
			sharedDeliverer.start();
			endpoints.disable(created.endpoint().id(), "hooks-admin");
			receiver.close();
			SecurityContextHolder.clearContext();
		}
	}

	/** Another PayRecon on the same database: its own Quartz cluster, a deliverer claiming five at a time. */
	private ConfigurableApplicationContext node(String schedulerName, String node) {
		HikariDataSource db = (HikariDataSource) dataSource;
		return new SpringApplicationBuilder(PayReconApplication.class).profiles("it")
			.run("--server.port=0", "--spring.datasource.url=" + db.getJdbcUrl(),
					"--spring.datasource.username=" + db.getUsername(),
					"--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
					"--spring.datasource.hikari.maximum-pool-size=6", "--spring.quartz.scheduler-name=" + schedulerName,
					"--payrecon.webhook-delivery.node=" + node,
					"--payrecon.webhook-delivery.batch-size=5", "--payrecon.webhook-delivery.concurrency=4",
					"--payrecon.webhook-delivery.poll-interval=50ms");
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
