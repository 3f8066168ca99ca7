package com.payrecon.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.support.WebhookReceiver;
import com.payrecon.support.WebhookReceiver.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One attempt over real HTTP (a receiver on this machine): what counts as delivered, timeouts, redirects, and the
 * SSRF guard in the path of the connection itself (threat case O1): refused addresses are never connected to, the
 * connection goes to the address the guard checked (no second lookup), and each redirect hop is checked too.
 */
class WebhookSenderTests {

	static final String SECRET = WebhookSignature.newSecret();
	static final byte[] BODY = "{\"id\":\"evt_1\",\"type\":\"order.paid\"}".getBytes(StandardCharsets.UTF_8);

	final WebhookReceiver receiver = WebhookReceiver.start(true, SECRET); // all addresses: 127.0.0.2 would reach it

	@AfterEach
	void close() {
		receiver.close();
	}

	static DeliveryProperties properties(Duration timeout, boolean followRedirects) {
		return new DeliveryProperties(true, 4, Duration.ofSeconds(1), Duration.ofMillis(50), timeout, Duration.ofSeconds(2),
				List.of(Duration.ofSeconds(5)), 0.1, Duration.ofDays(3), Duration.ofHours(24), false,
				List.of("127.0.0.1/32"), followRedirects, 3, 10, 64, "test");
	}

	static WebhookSender sender(Duration timeout, boolean followRedirects, EgressGuard.Lookup lookup) {
		DeliveryProperties p = properties(timeout, followRedirects);
		return new WebhookSender(new EgressGuard(p.allowedNetworks(), Set.of(), lookup, false), p);
	}

	static WebhookSender sender() {
		return sender(Duration.ofSeconds(5), false, InetAddress::getAllByName);
	}

	WebhookSender.Result send(WebhookSender sender, String url) {
		return sender.send(url, "evt_1", System.currentTimeMillis() / 1000, BODY, List.of(WebhookSignature.key(SECRET)));
	}

	@Test
	void a2xxIsDeliveredAndTheReceiverVerifiesTheSignatureWithTheOfficialLibrary() throws Exception {
		try (WebhookSender sender = sender()) {
			WebhookSender.Result r = send(sender, receiver.url("/hooks"));
			assertThat(r.outcome()).isEqualTo(AttemptOutcome.DELIVERED);
			assertThat(r.status()).isEqualTo(200);
			assertThat(r.excerpt()).isEqualTo("answered 200");
		}
		assertThat(receiver.received()).singleElement().satisfies(r -> {
			assertThat(r.verified()).isTrue();
			assertThat(r.id()).isEqualTo("evt_1");
			assertThat(r.body()).isEqualTo(new String(BODY, StandardCharsets.UTF_8));
		});
	}

	@Test
	void anythingElseIsAFailureAnd410MeansGone() throws Exception {
		try (WebhookSender sender = sender()) {
			receiver.answer(r -> Answer.status(500));
			assertThat(send(sender, receiver.url("/")).outcome()).isEqualTo(AttemptOutcome.HTTP_ERROR);
			receiver.answer(r -> Answer.status(400));
			assertThat(send(sender, receiver.url("/")).outcome()).isEqualTo(AttemptOutcome.HTTP_ERROR);
			receiver.answer(r -> Answer.status(410));
			assertThat(send(sender, receiver.url("/")).outcome()).isEqualTo(AttemptOutcome.GONE);
			receiver.answer(r -> new Answer(429, Duration.ZERO, Map.of("Retry-After", "120")));
			WebhookSender.Result throttled = send(sender, receiver.url("/"));
			assertThat(throttled.outcome()).isEqualTo(AttemptOutcome.HTTP_ERROR);
			assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(120));
		}
	}

	@Test
	void aSlowReceiverIsCutOffAtTheTimeout() throws Exception {
		receiver.answer(r -> new Answer(200, Duration.ofSeconds(5), Map.of()));
		try (WebhookSender sender = sender(Duration.ofMillis(700), false, InetAddress::getAllByName)) {
			long start = System.nanoTime();
			WebhookSender.Result r = send(sender, receiver.url("/slow"));
			assertThat(r.outcome()).isEqualTo(AttemptOutcome.TIMEOUT);
			assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
		}
	}

	@Test
	void aRedirectIsNotFollowedByDefault() throws Exception {
		receiver.answer(r -> r.body().isEmpty() ? Answer.ok()
				: new Answer(302, Duration.ZERO, Map.of("Location", receiver.url("/elsewhere"))));
		try (WebhookSender sender = sender()) {
			WebhookSender.Result r = send(sender, receiver.url("/moved"));
			assertThat(r.outcome()).isEqualTo(AttemptOutcome.REDIRECT);
			assertThat(r.status()).isEqualTo(302);
		}
		assertThat(receiver.received()).hasSize(1);
	}

	@Test
	void aFollowedRedirectIsCheckedLikeTheFirstRequest() throws Exception {
		String forbidden = "http://127.0.0.2:" + receiver.port() + "/internal";
		receiver.answer(r -> new Answer(307, Duration.ZERO, Map.of("Location", forbidden)));
		try (WebhookSender sender = sender(Duration.ofSeconds(5), true, InetAddress::getAllByName)) {
			WebhookSender.Result r = send(sender, receiver.url("/moved"));
			assertThat(r.outcome()).isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
			assertThat(r.error()).contains("127.0.0.2").contains("loopback");
		}
		assertThat(receiver.received()).as("only the first hop arrived").hasSize(1);
	}

	@Test
	void aRefusedAddressIsNeverConnectedTo() throws Exception {
		try (WebhookSender sender = sender()) {
			// the receiver listens on every address, so a connection to 127.0.0.2 would reach it
			WebhookSender.Result r = send(sender, "http://127.0.0.2:" + receiver.port() + "/");
			assertThat(r.outcome()).isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
			assertThat(send(sender, "http://[::1]:" + receiver.port() + "/").outcome()).isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
		}
		assertThat(receiver.received()).isEmpty();
	}

	@Test
	void theConnectionGoesToTheAddressTheGuardCheckedWithoutASecondLookup() throws Exception {
		AtomicInteger lookups = new AtomicInteger();
		// "hooks.payrecon.test" exists nowhere: only the guard's answer can take the request to this machine
		EgressGuard.Lookup lookup = host -> {
			lookups.incrementAndGet();
			return new InetAddress[] { InetAddress.getByName("127.0.0.1") };
		};
		try (WebhookSender sender = sender(Duration.ofSeconds(5), false, lookup)) {
			WebhookSender.Result r = send(sender, "http://hooks.payrecon.test:" + receiver.port() + "/hooks");
			assertThat(r.outcome()).isEqualTo(AttemptOutcome.DELIVERED);
		}
		assertThat(lookups).hasValue(1);
		assertThat(receiver.received()).singleElement().satisfies(r -> assertThat(r.host()).startsWith("hooks.payrecon.test"));
	}

	@Test
	void aLookupThatTurnsInternalIsRefusedOnTheNextConnection() throws Exception {
		AtomicInteger lookups = new AtomicInteger();
		EgressGuard.Lookup rebinding = host -> InetAddress.getAllByName(lookups.incrementAndGet() == 1 ? "127.0.0.1" : "10.0.0.9");
		try (WebhookSender sender = sender(Duration.ofSeconds(5), false, rebinding)) {
			assertThat(send(sender, "http://rebind.payrecon.test:" + receiver.port() + "/").outcome())
				.isEqualTo(AttemptOutcome.DELIVERED);
			assertThat(send(sender, "http://rebind2.payrecon.test:" + receiver.port() + "/").outcome())
				.isEqualTo(AttemptOutcome.REFUSED_ADDRESS);
		}
		assertThat(receiver.received()).hasSize(1);
	}
}
