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
import com.payrecon.console.KeyChecks;
import com.payrecon.support.PayReconIT;
import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every node uses the same keys: a provider certificate downloaded by another node, or an account key replaced
 * through another node (a second application context on the same database, as in SchedulingClusterIT), is in force
 * here within {@code payrecon.keys.sync-interval} (5 s), without a restart and without this node downloading
 * anything.
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

	@Autowired
	KeyChecks checks;

	@LocalServerPort
	int port;

	/** One other node for both checks (each extra application context costs tens of seconds). */
	@Test
	void whatAnotherNodeDownloadsOrReplacesIsInForceHereWithinTheSyncInterval() throws Exception {
		try (ConfigurableApplicationContext other = node()) {
			aCertificateDownloadedByAnotherNode(other);
			aKeyReplacedThroughAnotherNode(other);
		}
	}

	private void aCertificateDownloadedByAnotherNode(ConfigurableApplicationContext other) throws Exception {
		Account here = accounts.find("sync-wx3").orElseThrow();
		{
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

	private void aKeyReplacedThroughAnotherNode(ConfigurableApplicationContext other) throws Exception {
		String oldKey = "4d5e6f708192a3b4c5d6e7f8091a2b3c";
		String newKey = "5e6f708192a3b4c5d6e7f8091a2b3c4d";
		assertThat(checks.notifyV2Paid(port, "sync-wx2", oldKey).statusCode()).isEqualTo(200);
		{
			AccountKeys there = other.getBean(AccountKeys.class);
			long start = System.nanoTime();
			// what an approved proposal does on the approving node (KeyProposals#approve -> AccountKeys#install)
			new TransactionTemplate(other.getBean(PlatformTransactionManager.class)).executeWithoutResult(tx -> there
				.install("sync-wx2", List.of(new KeyProposals.KeyChange(AccountKeyName.API_KEY, null, newKey)), 0L,
						"it-maker", "it-checker", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
			Duration bound = keys.syncInterval().plusSeconds(2);
			while (!newKey.equals(accounts.find("sync-wx2").orElseThrow().wechatV2().apiKey())
					&& System.nanoTime() - start < bound.toNanos()) {
				Thread.sleep(50);
			}
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			System.out.printf("key sync: a key replaced on node B was in force on node A after %d ms (sync-interval %s)%n",
					took.toMillis(), keys.syncInterval());
			assertThat(checks.notifyV2Paid(port, "sync-wx2", newKey).statusCode()).as("the new key verifies here")
				.isEqualTo(200);
			assertThat(checks.notifyV2Paid(port, "sync-wx2", oldKey).statusCode()).as("the old key no longer")
				.isEqualTo(401);
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
