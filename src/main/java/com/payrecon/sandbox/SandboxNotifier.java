package com.payrecon.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.payrecon.account.Channel;
import com.payrecon.sandbox.NotificationMessages.Outgoing;
import com.payrecon.sandbox.SandboxLedger.Attempt;
import com.payrecon.sandbox.SandboxLedger.Delivery;
import com.payrecon.sandbox.SandboxMerchants.NotificationFaults;
import com.payrecon.sandbox.SandboxProperties.WechatV2Schedule;
import com.payrecon.support.money.Fen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * Payment notifications: decides per paid order (faults) which deliveries exist, and a poller sends the due ones on
 * the channel's retry schedule until the channel's exact success answer. All state is in {@code sandbox_delivery}, so
 * deliveries survive a restart; a claimed delivery is leased, so one whose sender died is picked up again.
 */
public class SandboxNotifier {

	private static final Logger log = LoggerFactory.getLogger(SandboxNotifier.class);

	/** Seconds between attempt n and n+1. */
	static final long[] WECHAT_V2_LEGACY = { 15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600 };
	static final long[] WECHAT_CURRENT = { 15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600,
			21600 };
	static final long[] ALIPAY = { 240, 600, 600, 3600, 7200, 21600, 54000 };
	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

	private final SandboxLedger ledger;
	private final SandboxMerchants merchants;
	private final SandboxProperties properties;
	private final Clock clock;
	private final Environment environment;
	private final HttpClient http;
	private ScheduledExecutorService poller;
	private ExecutorService senders;

	public SandboxNotifier(SandboxLedger ledger, SandboxMerchants merchants, SandboxProperties properties, Clock clock,
			Environment environment) {
		this.ledger = ledger;
		this.merchants = merchants;
		this.properties = properties;
		this.clock = clock;
		this.environment = environment;
		this.http = HttpClient.newBuilder()
			.connectTimeout(properties.notifyTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	long[] schedule(Channel channel) {
		return switch (channel) {
			case WECHATPAY_V2 -> properties.wechatV2Schedule() == WechatV2Schedule.LEGACY ? WECHAT_V2_LEGACY : WECHAT_CURRENT;
			case WECHATPAY_V3 -> WECHAT_CURRENT;
			case ALIPAY -> ALIPAY;
		};
	}

	/** The notify URL of an order: its own, else the merchant's, else this server's PayRecon endpoint. */
	Optional<String> notifyUrl(SandboxMerchant merchant, LedgerOrder order) {
		if (order.notifyUrl() != null && !order.notifyUrl().isBlank()) {
			return Optional.of(order.notifyUrl());
		}
		if ("MICROPAY".equals(order.tradeType()) || "PAY".equals(order.tradeType())) {
			return Optional.empty(); // payment-code payments: the merchant learns the result from the call itself
		}
		if (merchant.notifyUrl() != null && !merchant.notifyUrl().isBlank()) {
			return Optional.of(merchant.notifyUrl());
		}
		String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
		return Optional.of("http://127.0.0.1:" + port + "/notify/" + merchant.channel().wireName() + "/" + merchant.id());
	}

	/** Creates the deliveries for a freshly paid order, as the merchant's faults decide. */
	public List<Delivery> paymentNotified(LedgerOrder order) {
		SandboxMerchant merchant = merchants.find(order.merchantId()).orElseThrow();
		Optional<String> url = notifyUrl(merchant, order);
		if (url.isEmpty()) {
			return List.of();
		}
		NotificationFaults f = merchants.drawNotification(merchant.id());
		Instant now = clock.instant();
		String notifyId = newNotifyId(merchant.channel(), now);
		int badFirst = merchants.faults(merchant.id()).badSignatureFirstAttempts();
		if (f.drop()) {
			log.info("sandbox {}: notification for {} DROPPED (fault)", merchant.id(), order.outTradeNo());
			return List.of(ledger.insertDelivery(merchant, order.id(), order.outTradeNo(), notifyId, url.get(), "DROPPED", 0,
					"DROPPED", null));
		}
		String fault = f.tamperAmount() ? "TAMPERED_AMOUNT" : f.badSignature() ? "BAD_SIGNATURE" : "NONE";
		Instant first = now.plusMillis(f.holdMillis());
		var deliveries = new java.util.ArrayList<Delivery>();
		deliveries.add(ledger.insertDelivery(merchant, order.id(), order.outTradeNo(), notifyId, url.get(), fault, badFirst,
				"PENDING", first));
		if (f.duplicate()) {
			deliveries.add(ledger.insertDelivery(merchant, order.id(), order.outTradeNo(), notifyId, url.get(),
					"DUPLICATE".equals(fault) || "NONE".equals(fault) ? "DUPLICATE" : fault, badFirst, "PENDING",
					first.plusMillis(f.duplicateOffsetMillis())));
		}
		if (f.unknownOrder()) {
			deliveries.add(unknownOrder(merchant, order, url.get(), "UNKNOWN" + SandboxLedger.digits(12)));
		}
		return deliveries;
	}

	/**
	 * Creates the deliveries for a finished refund (WeChat: SUCCESS, CHANGE, REFUNDCLOSE; Alipay: SUCCESS), with the
	 * same faults as payment notifications (no unknown-order extra). WeChat sends them to the refund's notify_url,
	 * else the order's; Alipay to the trade's notify_url (its refund API has none). URLs off this machine are replaced
	 * by the merchant's notify URL on this server.
	 */
	public List<Delivery> refundNotified(SandboxLedger.Refund refund) {
		SandboxMerchant merchant = merchants.find(refund.merchantId()).orElseThrow();
		LedgerOrder order = ledger.findById(refund.orderId()).orElseThrow();
		// a refund's own notify_url is used when it is on this machine (the sandbox never posts elsewhere); else the
		// order's, else the merchant's default on this server
		Optional<String> url = refund.notifyUrl() != null && isLoopback(refund.notifyUrl()) ? Optional.of(refund.notifyUrl())
				: notifyUrl(merchant, order).filter(SandboxNotifier::isLoopback).or(() -> Optional.of(defaultUrl(merchant)));
		NotificationFaults f = merchants.drawNotification(merchant.id());
		Instant now = clock.instant();
		String notifyId = newNotifyId(merchant.channel(), now);
		int badFirst = merchants.faults(merchant.id()).badSignatureFirstAttempts();
		if (f.drop()) {
			log.info("sandbox {}: refund notification for {} DROPPED (fault)", merchant.id(), refund.outRefundNo());
			return List.of(ledger.insertDelivery(merchant, order.id(), refund.id(), order.outTradeNo(), notifyId, url.get(),
					"DROPPED", 0, "DROPPED", null));
		}
		String fault = f.tamperAmount() ? "TAMPERED_AMOUNT" : f.badSignature() ? "BAD_SIGNATURE" : "NONE";
		Instant first = now.plusMillis(f.holdMillis());
		var deliveries = new java.util.ArrayList<Delivery>();
		deliveries.add(ledger.insertDelivery(merchant, order.id(), refund.id(), order.outTradeNo(), notifyId, url.get(),
				fault, badFirst, "PENDING", first));
		if (f.duplicate()) {
			deliveries.add(ledger.insertDelivery(merchant, order.id(), refund.id(), order.outTradeNo(), notifyId, url.get(),
					"NONE".equals(fault) ? "DUPLICATE" : fault, badFirst, "PENDING", first.plusMillis(f.duplicateOffsetMillis())));
		}
		return deliveries;
	}

	private String defaultUrl(SandboxMerchant merchant) {
		if (merchant.notifyUrl() != null && !merchant.notifyUrl().isBlank()) {
			return merchant.notifyUrl();
		}
		String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
		return "http://127.0.0.1:" + port + "/notify/" + merchant.channel().wireName() + "/" + merchant.id();
	}

	/** A correctly signed notification for an order the merchant never placed (fault injection). */
	public Delivery unknownOrder(SandboxMerchant merchant, LedgerOrder template, String url, String outTradeNo) {
		log.info("sandbox {}: notification for unknown order {} (fault)", merchant.id(), outTradeNo);
		return ledger.insertDelivery(merchant, template.id(), outTradeNo, newNotifyId(merchant.channel(), clock.instant()),
				url, "UNKNOWN_ORDER", 0, "PENDING", clock.instant());
	}

	static String newNotifyId(Channel channel, Instant now) {
		return switch (channel) {
			case WECHATPAY_V2 -> SandboxCrypto.randomAlphanumeric(32);
			case WECHATPAY_V3 -> UUID.randomUUID().toString();
			case ALIPAY -> DAY.format(now.atZone(SandboxLedger.BEIJING)) + "00222" + SandboxLedger.digits(21);
		};
	}

	// ---- the poller ---------------------------------------------------------------------------------------------

	@EventListener(ApplicationReadyEvent.class)
	public synchronized void start() {
		if (poller != null) {
			return;
		}
		senders = Executors.newVirtualThreadPerTaskExecutor();
		poller = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "sandbox-notifier");
			t.setDaemon(true);
			return t;
		});
		long period = Math.max(20, properties.pollInterval().toMillis());
		poller.scheduleWithFixedDelay(this::pollSafely, period, period, TimeUnit.MILLISECONDS);
		log.info("sandbox notifier started (poll every {} ms, time scale {})", period, properties.timeScale());
	}

	@EventListener(ContextClosedEvent.class)
	public synchronized void stop() {
		if (poller != null) {
			poller.shutdownNow();
			senders.shutdownNow();
			poller = null;
		}
	}

	private void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			log.warn("sandbox notifier poll failed: {}", ex.toString());
		}
	}

	void poll() {
		Instant now = clock.instant();
		Instant lease = now.plus(properties.notifyTimeout()).plusSeconds(30);
		for (Delivery d : ledger.dueDeliveries(now, 200)) {
			if (ledger.claim(d, lease)) {
				senders.submit(() -> {
					try {
						attempt(d);
					}
					catch (RuntimeException ex) {
						log.warn("sandbox delivery {} failed unexpectedly: {}", d.id(), ex.toString());
					}
				});
			}
		}
	}

	void attempt(Delivery d) {
		SandboxMerchant merchant = merchants.find(d.merchantId()).orElse(null);
		if (merchant == null) {
			ledger.recordAttempt(new Attempt(d.id(), d.attempts() + 1, clock.instant(), 0, null, null, "merchant gone", false, null),
					"GAVE_UP", null);
			return;
		}
		Instant now = clock.instant();
		Optional<Instant> outage = merchants.outageEnd(merchant.id(), now);
		if (outage.isPresent()) {
			ledger.postpone(d, outage.get());
			return;
		}
		LedgerOrder order = d.orderId() == null ? null : ledger.findById(d.orderId()).orElse(null);
		if (order == null) {
			ledger.recordAttempt(new Attempt(d.id(), d.attempts() + 1, now, 0, null, null, "order gone", false, null), "GAVE_UP", null);
			return;
		}
		if (!isLoopback(d.notifyUrl())) {
			// the sandbox plays the provider on this machine only: it never posts anywhere else
			ledger.recordAttempt(new Attempt(d.id(), d.attempts() + 1, now, 0, null, null,
					"refused: notify URL is not on this machine", false, null), "GAVE_UP", null);
			log.warn("sandbox {}: notification for {} not sent: {} is not a loopback address", merchant.id(),
					d.outTradeNo(), d.notifyUrl());
			return;
		}
		int attemptNo = d.attempts() + 1;
		boolean badSignature = "BAD_SIGNATURE".equals(d.fault()) || attemptNo <= d.badSignatureAttempts();
		SandboxLedger.Refund refund = d.refundId() == null ? null : ledger.findRefundById(d.refundId()).orElse(null);
		Outgoing out = refund == null ? NotificationMessages.build(merchant, order, d, badSignature, now)
				: NotificationMessages.refund(merchant, order, refund, refundedUpTo(refund), d, badSignature, now);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(d.notifyUrl()))
			.timeout(properties.notifyTimeout())
			.header("Content-Type", out.contentType())
			.header("User-Agent", "PayRecon-Sandbox/" + merchant.channel().wireName())
			.POST(HttpRequest.BodyPublishers.ofByteArray(out.body()));
		out.headers().forEach(request::header);
		long started = System.nanoTime();
		Integer status = null;
		String body = null;
		String error = null;
		try {
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			status = response.statusCode();
			body = response.body();
		}
		catch (java.io.IOException ex) {
			error = ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return; // shutting down: the lease brings it back after a restart
		}
		long millis = (System.nanoTime() - started) / 1_000_000;
		boolean success = status != null && isSuccess(merchant.channel(), status, body);
		long[] schedule = schedule(merchant.channel());
		String next;
		Instant nextAt = null;
		if (success) {
			next = "DELIVERED";
		}
		else if (attemptNo - 1 < schedule.length) {
			next = "PENDING";
			nextAt = now.plusMillis((long) Math.ceil(schedule[attemptNo - 1] * 1000 / properties.timeScale()));
		}
		else {
			next = "GAVE_UP";
		}
		ledger.recordAttempt(new Attempt(d.id(), attemptNo, now, millis, status, body, error, success,
				SandboxCrypto.sha256Hex(out.body())), next, nextAt);
		log.info("sandbox {}: notification {} for {} ({}) attempt {} -> {}{}", merchant.id(), d.id(), d.outTradeNo(),
				d.fault(), attemptNo, status == null ? error : status, success ? " delivered" : " (" + next + ")");
	}

	/** The order's refunds that succeeded, up to and including {@code refund} (Alipay's refund_fee of its notice). */
	private Fen refundedUpTo(SandboxLedger.Refund refund) {
		long sum = ledger.refunds(refund.orderId()).stream()
			.filter(r -> r.succeeded() && r.id() <= refund.id())
			.mapToLong(r -> r.amount().value())
			.sum();
		return Fen.of(sum);
	}

	/** The exact success answers (protocols.md A.3, B.3, C.2). */
	static boolean isSuccess(Channel channel, int status, String body) {
		return switch (channel) {
			case WECHATPAY_V2 -> {
				if (status != 200) {
					yield false;
				}
				Map<String, String> xml = SandboxXml.parse(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
				yield xml != null && "SUCCESS".equals(xml.get("return_code"));
			}
			case WECHATPAY_V3 -> status == 200 || status == 204;
			case ALIPAY -> status == 200 && "success".equals(body);
		};
	}

	static Duration scaled(long seconds, double timeScale) {
		return Duration.ofMillis((long) Math.ceil(seconds * 1000 / timeScale));
	}

	/** 127.0.0.0/8, ::1 or localhost, without any DNS lookup. */
	static boolean isLoopback(String url) {
		try {
			String host = URI.create(url).getHost();
			if (host == null) {
				return false;
			}
			host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
			return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1")
					|| host.equals("0:0:0:0:0:0:0:1");
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}
}
