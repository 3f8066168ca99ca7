package com.payrecon.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.payrecon.support.money.Fen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The demo's payers: a steady stream of orders created through PayRecon's REST API ({@code POST /api/orders},
 * {@code placeWithProvider:false}) and registered in the sandbox ledger as if placed, most of them paid after a
 * random delay (the sandbox then notifies PayRecon, with the merchant's faults), some left unpaid. Some paid orders
 * are refunded later: most through PayRecon's refund API, as the merchant's systems would ask, a few in the
 * merchant platform, as if someone refunded them by hand outside PayRecon.
 */
public class PayerSimulation {

	private static final Logger log = LoggerFactory.getLogger(PayerSimulation.class);
	/** What the demo's payers buy (also yesterday's, {@code com.payrecon.demo.DemoHistory}). */
	public static final List<String> GOODS = List.of("会员充值 member top-up", "咖啡 coffee", "电影票 cinema ticket",
			"外卖 delivery", "图书 book", "停车费 parking");

	private final SandboxMerchants merchants;
	private final SandboxLedger ledger;
	private final SandboxTrades trades;
	private final SandboxRefunds refunds;
	private final SandboxProperties.Payer settings;
	private final Environment environment;
	private final Random random;
	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
	private final AtomicLong sequence = new AtomicLong();
	private final AtomicLong created = new AtomicLong();
	private final AtomicLong paid = new AtomicLong();
	private final AtomicLong refunded = new AtomicLong();
	private ScheduledExecutorService executor;

	public PayerSimulation(SandboxMerchants merchants, SandboxLedger ledger, SandboxTrades trades, SandboxRefunds refunds,
			SandboxProperties properties, Environment environment) {
		this.refunds = refunds;
		this.merchants = merchants;
		this.ledger = ledger;
		this.trades = trades;
		this.settings = properties.payer();
		this.environment = environment;
		this.random = new Random(properties.seed());
		if (settings.apiToken() == null || settings.apiToken().isBlank()) {
			throw new IllegalStateException("payrecon.sandbox.payer.api-token: required (a payrecon.api-clients token)");
		}
	}

	public long created() {
		return created.get();
	}

	public long paid() {
		return paid.get();
	}

	/** Refunds asked for through PayRecon's API or made in the merchant platform. */
	public long refunded() {
		return refunded.get();
	}

	@EventListener(ApplicationReadyEvent.class)
	public synchronized void start() {
		if (executor != null) {
			return;
		}
		executor = Executors.newScheduledThreadPool(2, r -> {
			Thread t = new Thread(r, "sandbox-payer");
			t.setDaemon(true);
			return t;
		});
		executor.schedule(this::next, 1, TimeUnit.SECONDS);
		log.info("sandbox payer simulation started: one order per ~{} ms, {} % paid", settings.interval().toMillis(),
				Math.round(settings.payShare() * 100));
	}

	@EventListener(ContextClosedEvent.class)
	public synchronized void stop() {
		if (executor != null) {
			executor.shutdownNow();
			executor = null;
		}
	}

	private synchronized void next() {
		if (executor == null) {
			return;
		}
		try {
			createOne();
		}
		catch (RuntimeException ex) {
			log.warn("payer: order not created ({})", ex.toString());
		}
		long base = settings.interval().toMillis();
		long delay = base / 2 + (long) (random.nextDouble() * base);
		executor.schedule(this::next, Math.max(50, delay), TimeUnit.MILLISECONDS);
	}

	private void createOne() {
		List<SandboxMerchant> pool = merchants.all()
			.stream()
			.filter(m -> settings.merchants().isEmpty() || settings.merchants().contains(m.id()))
			.toList();
		if (pool.isEmpty()) {
			return;
		}
		SandboxMerchant m = pool.get(random.nextInt(pool.size()));
		String outTradeNo = "DEMO" + DateTimeFormatter.ofPattern("yyMMddHHmmss").format(LocalDateTime.now())
				+ String.format("%04d", sequence.incrementAndGet() % 10000);
		long span = Math.max(1, settings.maxAmount() - settings.minAmount());
		Fen amount = Fen.of(settings.minAmount() + (long) (random.nextDouble() * span));
		String description = GOODS.get(random.nextInt(GOODS.size()));
		boolean pays = random.nextDouble() < settings.payShare();
		long payDelay = settings.minPayDelay().toMillis()
				+ (long) (random.nextDouble() * Math.max(0, settings.maxPayDelay().toMillis() - settings.minPayDelay().toMillis()));

		String json = NotificationMessages.JSON.writeValueAsString(Map.of("accountId", m.id(), "outTradeNo", outTradeNo,
				"amount", amount.value(), "currency", "CNY", "description", description, "placeWithProvider", false));
		String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders"))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + settings.apiToken())
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		int status;
		try {
			status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("PayRecon API unreachable: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		if (status != 201) {
			log.warn("payer: POST /api/orders for {} answered {}", m.id(), status);
			return;
		}
		String tradeType = m.channel() == com.payrecon.account.Channel.ALIPAY ? "PRECREATE" : "NATIVE";
		trades.place(m, outTradeNo, amount, description, null, null, tradeType);
		created.incrementAndGet();
		log.info("payer: order {} {} for {} fen created{}", m.id(), outTradeNo, amount.value(),
				pays ? ", pays in " + payDelay + " ms" : ", will not pay");
		if (pays) {
			executor.schedule(() -> pay(m, outTradeNo), payDelay, TimeUnit.MILLISECONDS);
		}
	}

	private void pay(SandboxMerchant m, String outTradeNo) {
		try {
			ledger.find(m.id(), outTradeNo).flatMap(o -> trades.pay(o, null)).ifPresent(o -> {
				paid.incrementAndGet();
				log.info("payer: paid {} {}", m.id(), outTradeNo);
				laterRefund(m, o);
			});
		}
		catch (RuntimeException ex) {
			log.warn("payer: payment of {} failed ({})", outTradeNo, ex.toString());
		}
	}

	/** Draws whether (and how) a paid order is refunded later, and schedules it. */
	private void laterRefund(SandboxMerchant m, LedgerOrder order) {
		double draw;
		boolean partial;
		long delay;
		synchronized (this) {
			draw = random.nextDouble();
			partial = random.nextBoolean();
			long min = settings.refundDelayMin().toMillis();
			delay = min + (long) (random.nextDouble() * Math.max(0, settings.refundDelayMax().toMillis() - min));
		}
		Fen amount = partial && order.amount().value() > 1 ? Fen.of(order.amount().value() / 2) : order.amount();
		if (draw < settings.refundShare()) {
			executor.schedule(() -> askForRefund(m, order, amount), delay, TimeUnit.MILLISECONDS);
		}
		else if (draw < settings.refundShare() + settings.platformRefundShare()) {
			executor.schedule(() -> {
				refunds.platformRefund(order, amount, "P" + order.outTradeNo(), trades.now(), true)
					.ifPresent(r -> {
						refunded.incrementAndGet();
						log.info("payer: {} {} refunded in the merchant platform ({} fen)", m.id(), order.outTradeNo(),
								amount.value());
					});
			}, delay, TimeUnit.MILLISECONDS);
		}
	}

	/** The merchant's systems ask PayRecon for a refund (REST API), as after a returned purchase. */
	private void askForRefund(SandboxMerchant m, LedgerOrder order, Fen amount) {
		String json = NotificationMessages.JSON.writeValueAsString(Map.of("outRefundNo", "R" + order.outTradeNo(),
				"amount", amount.value(), "reason", "顾客退货 returned"));
		String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/" + m.id() + "/"
				+ order.outTradeNo() + "/refunds"))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + settings.apiToken())
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		try {
			int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			if (status == 201 || status == 200) {
				refunded.incrementAndGet();
			}
			log.info("payer: refund of {} {} ({} fen) asked through PayRecon's API: {}", m.id(), order.outTradeNo(),
					amount.value(), status);
		}
		catch (java.io.IOException ex) {
			log.warn("payer: refund of {} not asked ({})", order.outTradeNo(), ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
