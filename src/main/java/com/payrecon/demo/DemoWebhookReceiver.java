package com.payrecon.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.payrecon.webhook.WebhookSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo's own webhook receiver ({@code POST /demo/webhook-receiver}, demo profile only): the merchant's system a
 * newcomer does not have yet. PayRecon delivers its events here like to any endpoint (the demo configures one,
 * {@code demo-receiver}); the receiver checks each request as a consumer should (signature and timestamp, Standard
 * Webhooks), logs one line per event and answers 204, or 401 to a request that does not verify. The deliveries and
 * their attempts show under Admin → Webhooks.
 */
@RestController
@ConditionalOnProperty(name = DemoWebhookReceiver.SECRET_PROPERTY)
public class DemoWebhookReceiver {

	/** The receiver's secret: the same as the demo endpoint's in {@code payrecon.webhooks[]}; set: the receiver is on. */
	static final String SECRET_PROPERTY = "payrecon.demo.webhook-receiver.secret";


	private static final Logger log = LoggerFactory.getLogger(DemoWebhookReceiver.class);
	private static final JsonMapper JSON = JsonMapper.builder().build();
	static final Duration TOLERANCE = Duration.ofMinutes(5);
	static final int KEPT = 100;

	/** A request as the receiver saw it. */
	public record Received(String id, String type, String account, long sequence, boolean verified, Instant at) {
	}

	private final byte[] key;
	private final Clock clock;
	private final Deque<Received> last = new ArrayDeque<>();

	DemoWebhookReceiver(@Value("${" + SECRET_PROPERTY + "}") String secret, Clock clock) {
		this.key = WebhookSignature.key(secret);
		this.clock = clock;
	}

	@PostMapping("/demo/webhook-receiver")
	ResponseEntity<Void> receive(@RequestHeader(name = "webhook-id", required = false) String id,
			@RequestHeader(name = "webhook-timestamp", required = false) String timestamp,
			@RequestHeader(name = "webhook-signature", required = false) String signature,
			@RequestBody(required = false) byte[] body) {
		byte[] bytes = body == null ? new byte[0] : body;
		boolean verified = id != null && timestamp != null && signature != null
				&& WebhookSignature.verify(key, id, timestamp, signature, bytes, clock.instant(), TOLERANCE);
		if (!verified) {
			keep(new Received(String.valueOf(id), "", "", 0, false, clock.instant()));
			log.warn("Demo webhook receiver: request {} refused: its signature does not verify", id);
			return ResponseEntity.status(401).build();
		}
		JsonNode event = JSON.readTree(bytes);
		Received r = new Received(id, event.path("type").asString(""), event.path("account").asString(""),
				event.path("sequence").asLong(0), true, clock.instant());
		keep(r);
		log.info("Demo webhook receiver: {} {} (account {} #{}), signature valid", r.type(), r.id(), r.account(),
				r.sequence());
		return ResponseEntity.noContent().build();
	}

	/** The last {@value #KEPT} requests, oldest first. */
	public synchronized List<Received> received() {
		return new ArrayList<>(last);
	}

	private synchronized void keep(Received r) {
		if (last.size() == KEPT) {
			last.removeFirst();
		}
		last.addLast(r);
	}
}
