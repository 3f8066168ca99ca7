package com.payrecon.notify;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.REFUSED_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.support.TestData;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 11: unauthenticated notify requests cannot grow the database without limit. With the default limits
 * (the it profile raises them for the other tests, which forge notifications from one address), an anonymous sender
 * adds at most the bound stated in docs/notify.md; a provider's real notification is never refused however many
 * forgeries use up the limits of its account and address; and a body trickled in is cut off at the read deadline.
 */
class NotifyAbuseIT extends NotifyTestSupport {

	static final AtomicInteger ADDRESS = new AtomicInteger();
	/** docs/notify.md: what one full raw row may hold at most (body, request line and headers) plus a row's own. */
	static final long FULL_ROW_BYTES = 64 * 1024 + 8 * 1024 + 1024;
	static final long REFUSED_ROW_BYTES = 1024;

	@Autowired
	NotifyAbuse abuse;

	@Autowired
	NotifyProperties properties;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	@BeforeEach
	void defaultLimits() {
		abuse.use(NotifyProperties.Abuse.defaults());
	}

	@AfterEach
	void testLimits() {
		abuse.use(properties.abuse());
	}

	static String freshAddress() {
		int n = ADDRESS.incrementAndGet();
		return "203.0." + (113 + n / 250) + "." + (1 + n % 250);
	}

	@Test
	void anAnonymousSenderAddsAtMostTheStatedBoundPerMinute() {
		String address = freshAddress();
		NotifyProperties.Abuse limits = NotifyProperties.Abuse.defaults();
		byte[] body = ("<xml>" + "x".repeat(60 * 1024) + "</xml>").getBytes(StandardCharsets.UTF_8);
		long start = System.nanoTime();
		int sent = 60;
		for (int i = 0; i < sent; i++) {
			HttpResponse<String> answer = http.post("/notify/wechatpay-v2/nobody-" + TestData.outTradeNo(), "text/xml",
					body, Map.of("X-Forwarded-For", address));
			assertThat(answer.statusCode()).isEqualTo(404); // the same answer, stored or only counted
		}
		double minutes = (System.nanoTime() - start) / 60e9;

		int fullRows = dsl.fetchCount(RAW_NOTIFICATION, RAW_NOTIFICATION.REMOTE_ADDR.eq(address));
		long storedBytes = dsl.select(DSL.coalesce(DSL.sum(DSL.binaryLength(RAW_NOTIFICATION.BODY)
			.plus(DSL.octetLength(RAW_NOTIFICATION.HEADERS))
			.plus(DSL.octetLength(RAW_NOTIFICATION.REQUEST_URI))), java.math.BigDecimal.ZERO))
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.REMOTE_ADDR.eq(address))
			.fetchOne(0, Long.class);
		int refusedRows = dsl.fetchCount(REFUSED_NOTIFICATION, REFUSED_NOTIFICATION.REMOTE_ADDR.eq(address));
		int refusedCount = dsl.select(DSL.sum(REFUSED_NOTIFICATION.REFUSED_COUNT))
			.from(REFUSED_NOTIFICATION)
			.where(REFUSED_NOTIFICATION.REMOTE_ADDR.eq(address))
			.fetchOne(0, Integer.class);

		double allowedFull = limits.perAddressPerMinute() * (1 + minutes); // a full bucket, then its refill
		assertThat(fullRows).as("full raw rows").isLessThanOrEqualTo((int) allowedFull);
		assertThat(fullRows + refusedCount).as("every request counted").isEqualTo(sent);
		assertThat(refusedRows).as("one bounded row per minute").isLessThanOrEqualTo((int) Math.ceil(minutes) + 1);
		long bound = (long) (allowedFull * FULL_ROW_BYTES + (Math.ceil(minutes) + 1) * REFUSED_ROW_BYTES);
		System.out.printf("NotifyAbuseIT: %d requests of %d bytes in %.2f min from one address: %d full rows (%d bytes), "
				+ "%d refused in %d bounded row(s); bound %d bytes%n", sent, body.length, minutes, fullRows, storedBytes,
				refusedCount, refusedRows, bound);
		assertThat(storedBytes + refusedRows * REFUSED_ROW_BYTES).isLessThanOrEqualTo(bound);
		assertThat(dsl.select(REFUSED_NOTIFICATION.FIRST_BODY_PREFIX)
			.from(REFUSED_NOTIFICATION)
			.where(REFUSED_NOTIFICATION.REMOTE_ADDR.eq(address))
			.limit(1)
			.fetchOne(REFUSED_NOTIFICATION.FIRST_BODY_PREFIX)).hasSize(256);
	}

	@Test
	void aProvidersRealNotificationGetsThroughWhateverForgeriesUsedUpTheLimits() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		String providerAddress = freshAddress();
		for (int i = 0; i < 40; i++) { // forgeries for the same account, from the provider's address and others
			String forged = Notifications.v2Xml(Notifications.v2Fields(no, 100, TestData.transactionId()),
					"not-the-key-0000000000000000000000", com.payrecon.crypto.WechatSignType.MD5);
			http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", forged.getBytes(StandardCharsets.UTF_8),
					Map.of("X-Forwarded-For", i % 2 == 0 ? providerAddress : freshAddress()));
		}
		assertThat(abuse.exhausted(providerAddress, "wx2-md5", true)).as("both limits are used up").isTrue();

		String real = Notifications.v2Paid(no, 100, TestData.transactionId());
		HttpResponse<String> answer = http.post("/notify/wechatpay-v2/wx2-md5", "text/xml",
				real.getBytes(StandardCharsets.UTF_8), Map.of("X-Forwarded-For", providerAddress));
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo(V2_ACK);
		assertThat(statusOf("wx2-md5", no)).isEqualTo("PAID");
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("APPLIED");
	}

	double bodies(String read) {
		var counter = meters.find(NotifyBodyFilter.METRIC).tag("read", read).counter();
		return counter == null ? 0 : counter.count();
	}

	/** Writes one raw HTTP/1.1 request in a single write and returns the answer's status line and body. */
	String postAtOnce(String path, String contentType, byte[] body) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
					+ "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
			byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
			System.arraycopy(body, 0, request, head.length, body.length);
			socket.getOutputStream().write(request);
			socket.getOutputStream().flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void aBodyThatArrivedWithItsHeadersGoesOnInTheRequestsOwnDispatch() throws Exception {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		double atOnce = bodies("at_once");
		double awaited = bodies("awaited");

		String answer = postAtOnce("/notify/wechatpay-v2/wx2-md5", "text/xml",
				Notifications.v2Paid(no, 100, TestData.transactionId()).getBytes(StandardCharsets.UTF_8));

		assertThat(answer).startsWith("HTTP/1.1 200").endsWith(V2_ACK);
		assertThat(statusOf("wx2-md5", no)).isEqualTo("PAID");
		assertThat(lastRaw("wx2-md5").getVerdict()).isEqualTo("APPLIED");
		// read at once, no asynchronous wait and dispatch (other tests' requests may be counted meanwhile: at least)
		assertThat(bodies("at_once") - atOnce).isGreaterThanOrEqualTo(1);
		assertThat(bodies("awaited")).as("nothing else in this test posts to a notify URL").isEqualTo(awaited);
	}

	@Test
	void aBodyTrickledInIsCutOffAtTheReadDeadline() throws Exception {
		double cutOff = bodies("cut_off");
		double atOnce = bodies("at_once");
		// the it profile sets payrecon.notify.read-deadline to 3 s
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(200);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /notify/wechatpay-v2/wx2-md5 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
					+ "Content-Length: 1000\r\n\r\n<xml>").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			long start = System.nanoTime();
			InputStream in = socket.getInputStream();
			StringBuilder answer = new StringBuilder();
			boolean closed = false;
			while (System.nanoTime() - start < 15_000_000_000L && !closed) {
				try {
					out.write('x'); // one byte a second: never idle long enough for a per-read timeout
					out.flush();
				}
				catch (IOException gone) {
					closed = true;
				}
				long until = System.nanoTime() + 1_000_000_000L;
				while (System.nanoTime() < until && !closed) {
					try {
						int b = in.read();
						if (b < 0) {
							closed = true;
						}
						else {
							answer.append((char) b);
						}
					}
					catch (SocketTimeoutException nothingYet) {
						// keep trickling
					}
				}
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			assertThat(answer.toString()).as("answered while the sender was still trickling").startsWith("HTTP/1.1 408");
			assertThat(seconds).as("cut off soon after the 3 s deadline").isLessThan(8);
			assertThat(bodies("cut_off") - cutOff).isEqualTo(1);
			assertThat(bodies("at_once")).as("its first bytes were taken at once, the rest awaited").isEqualTo(atOnce);
		}
	}
}
