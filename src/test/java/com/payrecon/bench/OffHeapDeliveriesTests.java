package com.payrecon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The benchmark's store of signed notifications gives back exactly what was signed, in order, from many threads. */
class OffHeapDeliveriesTests {

	private static NotifyBenchmark.Delivery delivery(int i) {
		Map<String, String> headers = new LinkedHashMap<>();
		if (i % 3 == 0) {
			headers.put("Wechatpay-Serial", "PUB_KEY_ID_" + i);
			headers.put("Wechatpay-Signature", "c2lnbmF0dXJl" + "x".repeat(i % 400));
		}
		byte[] body = ("<xml><out_trade_no>N" + i + "</out_trade_no>" + "y".repeat(i % 1_500) + "</xml>")
			.getBytes(StandardCharsets.UTF_8);
		return new NotifyBenchmark.Delivery("/notify/wechatpay-v2/acc" + i, i % 2 == 0 ? "text/xml" : "application/json",
				body, headers);
	}

	@Test
	void everyDeliveryComesBackAsSignedAcrossChunkBoundaries() {
		int count = 2_503; // three chunks, the last one short
		OffHeapDeliveries stored = OffHeapDeliveries.sign(count, OffHeapDeliveriesTests::delivery);
		assertThat(stored).hasSize(count);
		java.util.stream.IntStream.range(0, count).parallel().forEach(i -> {
			NotifyBenchmark.Delivery expected = delivery(i);
			NotifyBenchmark.Delivery got = stored.get(i);
			assertThat(got.path()).isEqualTo(expected.path());
			assertThat(got.contentType()).isEqualTo(expected.contentType());
			assertThat(got.headers()).containsExactlyEntriesOf(expected.headers());
			assertThat(got.body()).isEqualTo(expected.body());
		});
	}
}
