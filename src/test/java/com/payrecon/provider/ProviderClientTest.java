package com.payrecon.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.payrecon.account.Account;
import com.payrecon.provider.FakeServer.Response;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.provider.wechat.WechatV2Provider;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

class ProviderClientTest {

	@Test
	void theTokenBucketQueuesCallersAtTheConfiguredRate() {
		TokenBucket bucket = new TokenBucket(10, 0);
		List<Long> waits = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			waits.add(bucket.reserve(0));
		}
		assertThat(waits.subList(0, 10)).containsOnly(0L);
		assertThat(waits.get(10)).isEqualTo(100_000_000L);
		assertThat(waits.get(19)).isEqualTo(1_000_000_000L);
		// refilled after a quiet second and a bit, never beyond its capacity
		assertThat(bucket.reserve(3_000_000_000L)).isZero();
	}

	@Test
	void callsOfOneAccountAreRateLimited() {
		try (FakeServer fake = new FakeServer()) {
			fake.on("/pay/orderquery", r -> Response.of(200, "<xml><return_code>FAIL</return_code></xml>"));
			ProviderProperties five = new ProviderProperties(Duration.ofSeconds(1), Duration.ofSeconds(2), 1,
					Duration.ofMillis(1), Duration.ofMillis(1), 5, DataSize.ofKilobytes(64), DataSize.ofMegabytes(1), List.of());
			WechatV2Provider provider = new WechatV2Provider(TestKeys.client(five), java.time.Clock.systemUTC());
			Account account = TestKeys.v2(fake.base(""), WechatSignType.MD5);
			long start = System.nanoTime();
			IntStream.range(0, 10).forEach(i -> provider.query(account, "RATE00" + i));
			long millis = (System.nanoTime() - start) / 1_000_000;
			// 5 at once, then one every 200 ms
			assertThat(millis).isGreaterThanOrEqualTo(950);
			assertThat(fake.count("/pay/orderquery")).isEqualTo(10);
		}
	}

	@Test
	void backoffGrowsExponentiallyWithJitterUpToTheCap() {
		ProviderClient client = new ProviderClient(new ProviderProperties(Duration.ofSeconds(1), Duration.ofSeconds(1), 5,
				Duration.ofMillis(100), Duration.ofMillis(1000), 10, DataSize.ofKilobytes(1), DataSize.ofKilobytes(1),
				List.of()), ObservationRegistry.NOOP);
		for (int i = 0; i < 50; i++) {
			assertThat(client.backoff(1)).isBetween(50L, 100L);
			assertThat(client.backoff(2)).isBetween(100L, 200L);
			assertThat(client.backoff(3)).isBetween(200L, 400L);
			assertThat(client.backoff(8)).isBetween(500L, 1000L);
		}
	}

	@Test
	void everyCallIsObservedWithChannelOperationAndOutcome() {
		List<Observation.Context> stopped = new ArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				stopped.add(context);
			}
		});
		try (FakeServer fake = new FakeServer()) {
			fake.on("/pay/orderquery", r -> Response.of(503, "busy"));
			ProviderClient client = new ProviderClient(TestKeys.fast(), registry);
			new WechatV2Provider(client, java.time.Clock.systemUTC()).query(TestKeys.v2(fake.base(""), WechatSignType.MD5), "OBS001");
		}
		assertThat(stopped).hasSize(1);
		Observation.Context context = stopped.get(0);
		assertThat(context.getName()).isEqualTo("payrecon.provider.calls");
		assertThat(context.getLowCardinalityKeyValues().stream().collect(java.util.stream.Collectors.toMap(KeyValue::getKey, KeyValue::getValue)))
			.isEqualTo(Map.of("channel", "wechatpay-v2", "operation", "query", "outcome", "error"));
	}
}
