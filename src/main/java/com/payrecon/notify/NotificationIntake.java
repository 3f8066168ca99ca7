package com.payrecon.notify;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.payrecon.account.Channel;
import com.payrecon.notify.ChannelVerifier.Reply;
import com.payrecon.support.LogText;
import com.payrecon.support.db.DatabaseTransactions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The front door of the notify endpoint: reads the request once, stores it raw (committed on its own, before any
 * parsing), then hands it to the {@link NotificationProcessor}. If even the store fails, the provider gets its
 * failure answer at once and will retry.
 */
@Service
public class NotificationIntake {

	private static final Logger log = LoggerFactory.getLogger(NotificationIntake.class);
	private static final long HARD_READ_LIMIT = NotifyBodyFilter.HARD_READ_LIMIT;
	private static final Set<String> MASKED_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");

	private final RawNotificationRepository rawLog;
	private final NotificationProcessor processor;
	private final NotifyProperties properties;
	private final Clock clock;
	private final MeterRegistry meters;
	private final NotifyAbuse abuse;
	private final RefusedNotifications refused;
	private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

	NotificationIntake(RawNotificationRepository rawLog, NotificationProcessor processor, NotifyProperties properties,
			Clock clock, MeterRegistry meters, NotifyAbuse abuse, RefusedNotifications refused) {
		this.abuse = abuse;
		this.refused = refused;
		this.meters = meters;
		this.rawLog = rawLog;
		this.processor = processor;
		this.properties = properties;
		this.clock = clock;
	}

	/** Metric: every delivery, by channel, kind (notify, return) and verdict (see README, Operations). */
	public static final String METRIC = "payrecon.notifications";

	public NotificationProcessor.Outcome receive(Channel channel, String kind, String accountId, HttpServletRequest request) {
		NotificationProcessor.Outcome outcome = receiveUncounted(channel, kind, accountId, request);
		counter(channel, kind, outcome.verdict()).increment();
		return outcome;
	}

	/** The counter of {@link #METRIC} for these tags, registered on first use and kept. */
	private Counter counter(Channel channel, String kind, Verdict verdict) {
		return counters.computeIfAbsent(new CounterKey(channel, kind, verdict), key -> Counter.builder(METRIC)
			.description("notification deliveries received, by verdict")
			.tag("channel", channel.wireName())
			.tag("kind", kind)
			.tag("verdict", verdict.name())
			.register(meters));
	}

	private record CounterKey(Channel channel, String kind, Verdict verdict) {
	}

	private NotificationProcessor.Outcome receiveUncounted(Channel channel, String kind, String accountId,
			HttpServletRequest request) {
		RawRequest raw;
		try {
			raw = read(channel, kind, accountId, request);
		}
		catch (IOException ex) {
			log.warn("notify {} account={}: could not read the request body ({})", channel.wireName(), accountId, ex.toString());
			Reply reply = processor.failure(channel, Verdict.MALFORMED, "could not read the body");
			return new NotificationProcessor.Outcome(Verdict.MALFORMED, "body unreadable", reply);
		}
		boolean knownAccount = processor.knowsAccount(raw);
		if (abuse.exhausted(raw.remoteAddr(), raw.accountId(), knownAccount)) {
			// beyond a limit (issue 11): verified first; one that verifies is stored and processed as always, the rest
			// leave only a bounded record
			Optional<NotificationProcessor.Outcome> rejected = processor.rejectUnauthenticated(raw);
			if (rejected.isPresent()) {
				recordRefused(raw, rejected.get().verdict());
				return rejected.get();
			}
		}
		long rawId;
		try {
			// one statement in autocommit: committed when it returns, before any parsing (issue 17: an explicit
			// transaction around it cost three round trips more); refused inside an open transaction, whose commit
			// would come only after the parsing
			DatabaseTransactions.refuseInside("storing a raw notification");
			rawId = rawLog.insert(raw);
		}
		catch (RuntimeException ex) {
			log.error("notify {} account={}: could not store the raw notification ({}); answering failure so the provider retries",
					channel.wireName(), accountId, ex.toString());
			Reply reply = processor.failure(channel, Verdict.ERROR, "temporary failure, retry later");
			return new NotificationProcessor.Outcome(Verdict.ERROR, "raw store failed", reply);
		}
		NotificationProcessor.Outcome outcome = processor.process(rawId, raw);
		if (NotificationProcessor.unauthenticated(outcome.verdict())) {
			abuse.charge(raw.remoteAddr(), raw.accountId(), knownAccount);
		}
		return outcome;
	}

	private void recordRefused(RawRequest raw, Verdict verdict) {
		log.warn("notify {} account={} from {}: {} beyond the abuse limit; only counted (refused_notification)",
				raw.channel().wireName(), LogText.printable(raw.accountId()), raw.remoteAddr(), verdict);
		try {
			refused.record(raw, verdict);
		}
		catch (RuntimeException ex) {
			log.warn("notify: could not count a refused request ({})", ex.toString());
		}
	}

	private RawRequest read(Channel channel, String kind, String accountId, HttpServletRequest request) throws IOException {
		int limit = properties.maxBodyBytes();
		byte[] prefix = new byte[0];
		long total = 0;
		String digest;
		Object received = request.getAttribute(NotifyBodyFilter.BODY);
		if (received instanceof NotifyBodyFilter.ReceivedBody body) { // read within the deadline by the filter
			prefix = body.prefix();
			total = body.total();
			digest = body.sha256();
		}
		else if ("POST".equals(request.getMethod()) && request.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
			throw new IOException("the body could not be read");
		}
		else {
		MessageDigest sha256 = sha256();
		try (InputStream in = request.getInputStream()) {
			java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			int n;
			while (total < HARD_READ_LIMIT && (n = in.read(buffer)) != -1) {
				sha256.update(buffer, 0, n);
				int keep = (int) Math.max(0, Math.min(n, limit - total));
				kept.write(buffer, 0, keep);
				total += n;
			}
			prefix = kept.toByteArray();
		}
		digest = HexFormat.of().formatHex(sha256.digest());
		}
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : Collections.list(request.getHeaderNames())) {
			String key = name.toLowerCase(Locale.ROOT);
			List<String> values = new ArrayList<>(Collections.list(request.getHeaders(name)));
			if (MASKED_HEADERS.contains(key)) {
				values = List.of("****");
			}
			headers.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values);
		}
		return new RawRequest(clock.instant(), channel, kind, accountId, request.getMethod(), request.getRequestURI(),
				request.getQueryString(), request.getRemoteAddr(), request.getContentType(), headers, prefix, total,
				total > limit, digest);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
