package com.payrecon.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.payrecon.PayReconApplication;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.support.PayReconIT;
import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every node uses the same provider certificates: one downloaded by another node (a second application context on
 * the same database, as in SchedulingClusterIT) is in force here within {@code payrecon.keys.sync-interval} (5 s),
 * without this node downloading anything.
 */
@PayReconIT
class KeySyncIT {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	DataSource dataSource;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	ProviderCertificates certificates;

	@Autowired
	KeysProperties keys;

	@Test
	void aCertificateDownloadedByAnotherNodeIsInForceHereWithinTheSyncInterval() throws Exception {
		Account here = accounts.find("sync-wx3").orElseThrow();
		try (ConfigurableApplicationContext other = node()) {
			int otherPort = ((WebServerApplicationContext) other).getWebServer().getPort();
			// the other node's sandbox publishes its second certificate; the other node downloads it
			JsonNode published = control(otherPort, "DELETE", "/merchants/sync-wx3/keys", null);
			List<String> ids = List.of(published.path("wechatKeys").get(0).asString(),
					published.path("wechatKeys").get(1).asString());
			control(otherPort, "PUT", "/merchants/sync-wx3/keys",
					JSON.writeValueAsString(java.util.Map.of("wechatListed", ids, "wechatSignWith", ids.get(1))));
			assertThat(certificates.find(here, Kind.WECHATPAY_PLATFORM, ids.get(1))).as("not here yet").isEmpty();

			ProviderCertificates there = other.getBean(ProviderCertificates.class);
			Account thereAccount = other.getBean(AccountRegistry.class).find("sync-wx3").orElseThrow();
			long start = System.nanoTime();
			assertThat(there.refresh(thereAccount, Kind.WECHATPAY_PLATFORM, null, ProviderCertificates.Trigger.MANUAL))
				.isTrue();
			assertThat(there.find(thereAccount, Kind.WECHATPAY_PLATFORM, ids.get(1))).isPresent();

			Duration bound = keys.syncInterval().plusSeconds(2);
			while (certificates.find(here, Kind.WECHATPAY_PLATFORM, ids.get(1)).isEmpty()
					&& System.nanoTime() - start < bound.toNanos()) {
				Thread.sleep(50);
			}
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			System.out.printf("key sync: a certificate downloaded on node B was in force on node A after %d ms "
					+ "(sync-interval %s)%n", took.toMillis(), keys.syncInterval());
			assertThat(certificates.find(here, Kind.WECHATPAY_PLATFORM, ids.get(1)))
				.as("in force here within sync-interval + 2 s").isPresent();
		}
	}

	private ConfigurableApplicationContext node() {
		HikariDataSource db = (HikariDataSource) dataSource;
		return new SpringApplicationBuilder(PayReconApplication.class).profiles("it")
			.run("--server.port=0", "--spring.datasource.url=" + db.getJdbcUrl(),
					"--spring.datasource.username=" + db.getUsername(),
					"--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
					"--spring.datasource.hikari.maximum-pool-size=4",
					"--spring.quartz.scheduler-name=it-keysync-" + UUID.randomUUID(),
					"--spring.quartz.auto-startup=false");
	}

	private static JsonNode control(int port, String method, String path, String body) throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sandbox/api" + path))
				.header("Content-Type", "application/json")
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(r.statusCode()).as(r.body()).isLessThan(300);
			return JSON.readTree(r.body());
		}
	}
}
