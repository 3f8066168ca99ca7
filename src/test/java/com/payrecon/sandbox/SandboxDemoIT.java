package com.payrecon.sandbox;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.REFUND;
import static com.payrecon.db.Tables.SANDBOX_DELIVERY;
import static com.payrecon.db.Tables.WEBHOOK_DELIVERY;
import static com.payrecon.db.Tables.WEBHOOK_ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.payrecon.demo.DemoWebhookReceiver;
import com.payrecon.support.Http;
import com.payrecon.support.process.PayReconProcess;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo profile as `./mvnw spring-boot:run` starts it (own database and freshly generated keys under target/),
 * shortened: the payer simulation creates orders through PayRecon's API, pays most, and the sandbox's notifications
 * (with dropped ones) mark them paid in PayRecon; some paid orders are refunded, through PayRecon's refund API or in
 * the merchant platform (recorded here as EXTERNAL).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
		"payrecon.embedded-db.data-dir=target/demo-it-mariadb", "payrecon.embedded-db.fresh=true",
		"payrecon.sandbox.key-dir=target/demo-it-keys", "payrecon.sandbox.payer.interval=150ms",
		"payrecon.sandbox.payer.min-pay-delay=100ms", "payrecon.sandbox.payer.max-pay-delay=1s",
		"payrecon.sandbox.payer.refund-share=0.3", "payrecon.sandbox.payer.platform-refund-share=0.15",
		"payrecon.sandbox.payer.refund-delay-min=100ms", "payrecon.sandbox.payer.refund-delay-max=1s",
		"payrecon.sandbox.refund-delay=500ms" })
@ActiveProfiles("demo")
@DirtiesContext
class SandboxDemoIT {

	/** A known port (not 0): the demo's webhook endpoint and public-base-url name it ({@code ${server.port}}). */
	static final int PORT = PayReconProcess.freePort();

	@DynamicPropertySource
	static void port(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
	}

	@LocalServerPort
	int port;

	@Autowired
	DSLContext dsl;

	@Autowired
	PayerSimulation payer;

	@Autowired
	DemoWebhookReceiver receiver;

	/**
	 * Issue 15: the demo's own receiver gets the demo's events through the demo-receiver endpoint, signed and
	 * verified, and refuses a request whose signature does not verify.
	 */
	@Test
	void theDemosOwnWebhookReceiverGetsSignedEventsAndRefusesAForgedOne() throws Exception {
		Instant end = Instant.now().plus(Duration.ofSeconds(60));
		while (Instant.now().isBefore(end) && receiver.received().stream().filter(DemoWebhookReceiver.Received::verified).count() < 3) {
			Thread.sleep(500);
		}
		List<DemoWebhookReceiver.Received> received = receiver.received();
		assertThat(received).hasSizeGreaterThanOrEqualTo(3).allSatisfy(r -> {
			assertThat(r.verified()).isTrue();
			assertThat(r.id()).startsWith("evt_");
			assertThat(r.type()).matches("(order|refund)\\.[a-z_]+"); // the demo's payer refunds too (issue 14)
		});
		assertThat(dsl.fetchCount(WEBHOOK_DELIVERY.join(WEBHOOK_ENDPOINT).on(WEBHOOK_ENDPOINT.ID.eq(WEBHOOK_DELIVERY.ENDPOINT_ID)),
				WEBHOOK_ENDPOINT.NAME.eq("demo-receiver"), WEBHOOK_DELIVERY.STATUS.eq("DELIVERED")))
			.isGreaterThanOrEqualTo(3);

		String now = Long.toString(Instant.now().getEpochSecond());
		var forged = new Http(port).post("/demo/webhook-receiver", "application/json",
				"{\"type\":\"order.paid\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
				Map.of("webhook-id", "evt_FORGED", "webhook-timestamp", now, "webhook-signature",
						"v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
		assertThat(forged.statusCode()).isEqualTo(401);
		assertThat(receiver.received()).filteredOn(r -> r.id().equals("evt_FORGED")).singleElement()
			.satisfies(r -> assertThat(r.verified()).isFalse());
	}

	/** The demo keeps the second factor off (issue 11) and says so where a person signs in. */
	@Test
	void theLoginPageSaysTheSecondFactorIsOff() {
		String page = new com.payrecon.support.Http(port).get("/login", Map.of()).body();
		assertThat(page).contains("id=\"second-factor-off\"").contains("The second factor is switched off");
	}

	@Test
	void payerSimulationCreatesPaysAndRefundsOrdersWithSomeNotificationsDropped() throws Exception {
		assertThat(Files.exists(Path.of("target/demo-it-keys/wechat-v3-platform-private.pem"))).isTrue();
		SandboxWire wire = new SandboxWire(port);
		for (String merchant : new String[] { "demo-wx2", "demo-wx3", "demo-ali" }) {
			wire.control("PUT", "/merchants/" + merchant + "/faults", Map.of("dropShare", 0.3, "duplicateShare", 0.1));
		}
		Instant end = Instant.now().plus(Duration.ofSeconds(60));
		int paid = 0;
		int dropped = 0;
		int asked = 0;
		int external = 0;
		while (Instant.now().isBefore(end)) {
			Thread.sleep(1000);
			paid = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.CREATED_BY.eq("demo-payer")
				.and(PAYMENT_ORDER.STATUS.in("PAID", "PARTIALLY_REFUNDED", "REFUNDED")));
			dropped = dsl.fetchCount(SANDBOX_DELIVERY, SANDBOX_DELIVERY.STATUS.eq("DROPPED"));
			asked = dsl.fetchCount(REFUND, REFUND.SOURCE.eq("API").and(REFUND.REQUESTED_BY.eq("demo-payer")));
			external = dsl.fetchCount(REFUND, REFUND.SOURCE.eq("EXTERNAL"));
			if (paid >= 5 && dropped >= 2 && asked >= 2 && external >= 1) {
				break;
			}
		}
		assertThat(asked).as("refunds the payer asked for through the API").isGreaterThanOrEqualTo(2);
		assertThat(external).as("refunds made in the merchant platform, recorded here").isGreaterThanOrEqualTo(1);
		assertThat(payer.refunded()).isGreaterThanOrEqualTo(asked);
		int created = dsl.fetchCount(PAYMENT_ORDER, PAYMENT_ORDER.CREATED_BY.eq("demo-payer"));
		assertThat(payer.paid()).isGreaterThanOrEqualTo(paid);
		assertThat(created).isGreaterThanOrEqualTo(5);
		assertThat(paid).isGreaterThanOrEqualTo(5);
		assertThat(dropped).isGreaterThanOrEqualTo(2);
		for (String channel : new String[] { "wechatpay-v2", "wechatpay-v3", "alipay" }) {
			assertThat(dsl.fetchCount(SANDBOX_DELIVERY, SANDBOX_DELIVERY.CHANNEL.eq(channel).and(SANDBOX_DELIVERY.STATUS.eq("DELIVERED"))))
				.as(channel).isPositive();
		}
	}
}
