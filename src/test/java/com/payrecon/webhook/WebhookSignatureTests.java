package com.payrecon.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

/** Standard Webhooks {@code v1} (vector G5 of shared/protocols-refunds-credentials.md) and the official verifier. */
class WebhookSignatureTests {

	static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
	static final long TIMESTAMP = 1614265330;
	static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

	@Test
	void signsVectorG5AsEveryReferenceLibraryDoes() {
		assertThat(WebhookSignature.sign(WebhookSignature.key(SECRET), ID, TIMESTAMP, BODY))
			.isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	}

	@Test
	void theOfficialLibrarySignsTheSame() throws Exception {
		String ours = WebhookSignature.sign(WebhookSignature.key(SECRET), ID, TIMESTAMP, BODY);
		assertThat(new Webhook(SECRET).sign(ID, TIMESTAMP, new String(BODY, StandardCharsets.UTF_8))).isEqualTo(ours);
	}

	@Test
	void duringARotationBothSignaturesAreSentAndEitherSecretVerifies() throws Exception {
		String fresh = WebhookSignature.newSecret();
		long now = System.currentTimeMillis() / 1000;
		String header = WebhookSignature.header(List.of(WebhookSignature.key(fresh), WebhookSignature.key(SECRET)), ID,
				now, BODY);

		assertThat(header.split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
		var headers = Map.of("webhook-id", List.of(ID), "webhook-timestamp", List.of(Long.toString(now)),
				"webhook-signature", List.of(header));
		new Webhook(fresh).verify(new String(BODY, StandardCharsets.UTF_8), headers);
		new Webhook(SECRET).verify(new String(BODY, StandardCharsets.UTF_8), headers);
		assertThatThrownBy(() -> new Webhook(WebhookSignature.newSecret()).verify(new String(BODY, StandardCharsets.UTF_8), headers))
			.isInstanceOf(WebhookVerificationException.class);
	}

	@Test
	void theReceiversCheckAcceptsWhatTheOfficialLibrarySignsAndRefusesAChangeOrAnOldTimestamp() throws Exception {
		byte[] key = WebhookSignature.key(SECRET);
		java.time.Instant now = java.time.Instant.ofEpochSecond(TIMESTAMP);
		java.time.Duration tolerance = java.time.Duration.ofMinutes(5);
		String official = new Webhook(SECRET).sign(ID, TIMESTAMP, new String(BODY, StandardCharsets.UTF_8));
		String ts = Long.toString(TIMESTAMP);

		assertThat(WebhookSignature.verify(key, ID, ts, official, BODY, now, tolerance)).isTrue();
		assertThat(WebhookSignature.verify(key, ID, ts, "v1a,xyz " + official, BODY, now, tolerance)).as("other versions skipped").isTrue();
		assertThat(WebhookSignature.verify(key, ID, ts, official, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8),
				now, tolerance)).as("body changed").isFalse();
		assertThat(WebhookSignature.verify(key, "msg_other", ts, official, BODY, now, tolerance)).as("id changed").isFalse();
		assertThat(WebhookSignature.verify(key, ID, ts, official, BODY, now.plusSeconds(301), tolerance)).as("too old").isFalse();
		assertThat(WebhookSignature.verify(key, ID, ts, official, BODY, now.minusSeconds(301), tolerance)).as("too new").isFalse();
		assertThat(WebhookSignature.verify(WebhookSignature.key(WebhookSignature.newSecret()), ID, ts, official, BODY, now,
				tolerance)).as("another secret").isFalse();
		assertThat(WebhookSignature.verify(key, ID, "soon", official, BODY, now, tolerance)).isFalse();
	}

	@Test
	void newSecretsAre32RandomBytesInTheWhsecForm() {
		String a = WebhookSignature.newSecret();
		assertThat(a).startsWith("whsec_");
		assertThat(WebhookSignature.key(a)).hasSize(32);
		assertThat(WebhookSignature.newSecret()).isNotEqualTo(a);
	}

	@Test
	void aSecretThatIsNotOneIsRefusedWithoutBeingRepeated() {
		assertThatThrownBy(() -> WebhookSignature.key("sk_live_abcdef")).hasMessage("not a whsec_ secret");
		assertThatThrownBy(() -> WebhookSignature.key("whsec_%%%notbase64")).hasMessage("whsec_ secret: not base64");
		assertThatThrownBy(() -> WebhookSignature.key("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64 bytes")
			.hasMessageNotContaining("c2hvcnQ");
	}
}
