package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Channel;

/** Stored requests and expectations for the verifiers' unit tests (no database, no HTTP). */
final class VerifierFixtures {

	static final Instant RECEIVED = Instant.parse("2026-11-22T02:35:00Z");

	private VerifierFixtures() {
	}

	static RawRequest post(Channel channel, byte[] body, Map<String, String> headers) {
		Map<String, List<String>> h = new LinkedHashMap<>();
		headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), List.of(v)));
		return new RawRequest(RECEIVED, channel, RawRequest.NOTIFY, "acc", "POST", "/notify/" + channel.wireName() + "/acc",
				null, "127.0.0.1", "application/octet-stream", h, body, body.length, false, "0".repeat(64));
	}

	static RawRequest post(Channel channel, String body) {
		return post(channel, body.getBytes(StandardCharsets.UTF_8), Map.of());
	}

	static RawRequest withQuery(RawRequest raw, String query) {
		return new RawRequest(raw.receivedAt(), raw.channel(), raw.kind(), raw.accountId(), raw.method(),
				raw.requestUri(), query, raw.remoteAddr(), raw.contentType(), raw.headers(), raw.body(), raw.bodyLength(),
				raw.truncated(), raw.bodySha256());
	}

	static RawRequest browserReturn(String query) {
		return new RawRequest(RECEIVED, Channel.ALIPAY, RawRequest.RETURN, "acc", "GET", "/notify/alipay/acc/return", query,
				"127.0.0.1", null, Map.of(), new byte[0], 0, false, "0".repeat(64));
	}

	/** Asserts a rejection and returns it. */
	static Check.Rejected rejected(Check check, Verdict verdict, String reason) {
		assertThat(check).isInstanceOf(Check.Rejected.class);
		Check.Rejected r = (Check.Rejected) check;
		assertThat(r.verdict()).isEqualTo(verdict);
		assertThat(r.reason()).contains(reason);
		return r;
	}

	/** Asserts an authenticated verdict that touches no order and returns it. */
	static Check.Authenticated settled(Check check, Verdict verdict, String reason) {
		assertThat(check).isInstanceOf(Check.Authenticated.class);
		Check.Authenticated a = (Check.Authenticated) check;
		assertThat(a.payment()).isNull();
		assertThat(a.settleAs()).isEqualTo(verdict);
		assertThat(a.reason()).contains(reason);
		return a;
	}

	/** Asserts an authenticated payment and returns it. */
	static Check.Authenticated payment(Check check) {
		assertThat(check).isInstanceOf(Check.Authenticated.class);
		Check.Authenticated a = (Check.Authenticated) check;
		assertThat(a.settleAs()).isNull();
		assertThat(a.reason()).isNull();
		assertThat(a.payment()).isNotNull();
		assertThat(a.outTradeNo()).isEqualTo(a.payment().outTradeNo());
		assertThat(a.providerTxnId()).isEqualTo(a.payment().providerTxnId());
		return a;
	}
}
