package com.payrecon.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.http.HttpResponse;
import java.util.Map;

import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.db.EmbeddedMariaDb;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Who may read which operations endpoint, and health going DOWN with the database (real HTTP, real MariaDB). */
@PayReconIT
class OperationsEndpointsIT {

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	ObjectProvider<EmbeddedMariaDb> embeddedDb;

	static final JsonMapper JSON = JsonMapper.builder().build();

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
	}

	@Test
	void prometheusNeedsTheScrapeToken() {
		HttpResponse<String> none = http.get("/actuator/prometheus", Map.of());
		HttpResponse<String> wrong = http.get("/actuator/prometheus", Map.of("Authorization", "Bearer not-the-token-0123456"));
		HttpResponse<String> basic = http.get("/actuator/prometheus", Map.of("Authorization", "Basic YWRtaW46YWRtaW4="));
		HttpResponse<String> right = http.get("/actuator/prometheus", Map.of("Authorization", "Bearer " + Scrape.TOKEN));

		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
		assertThat(wrong.statusCode()).isEqualTo(401);
		assertThat(basic.statusCode()).isEqualTo(401);
		assertThat(right.statusCode()).isEqualTo(200);
		assertThat(right.body()).contains("# TYPE payrecon_orders_stale_pending gauge", "hikaricp_connections");
		assertThat(right.headers().firstValue("Set-Cookie")).as("stateless: no session for the scraper").isEmpty();
	}

	@Test
	void anAdminSessionIsNotAScrapeCredential() {
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);

		assertThat(session.get("/actuator/prometheus").statusCode()).isEqualTo(401);
	}

	@Test
	void probesAreOpenAndAnswerOnlyTheStatus() {
		HttpResponse<String> liveness = http.get("/actuator/health/liveness", Map.of());
		HttpResponse<String> readiness = http.get("/actuator/health/readiness", Map.of());

		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(liveness.body()).isEqualTo("{\"status\":\"UP\"}");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).isEqualTo("{\"status\":\"UP\"}");
	}

	@Test
	void healthDetailsAreForAdminsOnly() {
		TestUser admin = users.create(Role.ADMIN);
		TestUser support = users.create(Role.SUPPORT);
		TestUser finance = users.create(Role.FINANCE);

		HttpResponse<String> anonymous = http.get("/actuator/health", Map.of());
		HttpResponse<String> anonymousDb = http.get("/actuator/health/db", Map.of());
		HttpResponse<String> asSupport = new ConsoleSession(port).loggedInAs(support)
			.get("/actuator/health");
		HttpResponse<String> asFinance = new ConsoleSession(port).loggedInAs(finance)
			.get("/actuator/health");
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin);
		HttpResponse<String> asAdmin = adminSession.get("/actuator/health");
		HttpResponse<String> readinessAsAdmin = adminSession.get("/actuator/health/readiness");

		assertThat(anonymous.statusCode()).as("to the login page").isEqualTo(302);
		assertThat(anonymousDb.statusCode()).isEqualTo(302);
		assertThat(anonymous.body()).doesNotContain("status");
		assertThat(asSupport.statusCode()).isEqualTo(403);
		assertThat(asFinance.statusCode()).isEqualTo(403);
		assertThat(asAdmin.statusCode()).isEqualTo(200);
		JsonNode health = JSON.readTree(asAdmin.body());
		assertThat(health.at("/components/db/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/quartz/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/quartz/details/clustered").asBoolean()).isTrue();
		assertThat(health.at("/components/quartz/details/state").asString()).isEqualTo("started");
		assertThat(readinessAsAdmin.body()).as("the probes never use the console session: status only")
			.isEqualTo("{\"status\":\"UP\"}");
	}

	@Test
	void withTheDatabaseAwayReadinessIsDownAndLivenessStaysUp() {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		assumeThat(db).as("only with the embedded MariaDB, which the test can stop").isNotNull();
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin);
		HttpResponse<String> readiness;
		HttpResponse<String> liveness;
		HttpResponse<String> details;
		db.stop();
		try {
			readiness = http.get("/actuator/health/readiness", Map.of());
			liveness = http.get("/actuator/health/liveness", Map.of());
			details = adminSession.get("/actuator/health");
		}
		finally {
			db.restart();
			awaitHealthy(adminSession);
		}

		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(readiness.body()).isEqualTo("{\"status\":\"DOWN\"}");
		assertThat(liveness.statusCode()).as("restarting the process would not bring the database back").isEqualTo(200);
		assertThat(details.statusCode()).isEqualTo(503);
		JsonNode health = JSON.readTree(details.body());
		assertThat(health.at("/components/db/status").asString()).isEqualTo("DOWN");
		assertThat(health.at("/components/quartz/status").asString()).as("its cluster check-in cannot be read")
			.isEqualTo("DOWN");
		assertThat(http.get("/actuator/health/readiness", Map.of()).statusCode()).as("ready again").isEqualTo(200);
	}

	/**
	 * Back: pooled connections that died with the server are evicted on use, and Quartz checks in again within its
	 * check-in interval (15 s, after its own retry interval), so the whole health is UP again only after a while.
	 */
	private void awaitHealthy(ConsoleSession admin) {
		long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline && admin.get("/actuator/health").statusCode() != 200) {
			sleep(500);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
