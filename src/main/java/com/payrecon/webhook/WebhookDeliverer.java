package com.payrecon.webhook;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.payrecon.outbox.EventsWritten;
import com.payrecon.outbox.OutboxRepository;
import com.payrecon.support.db.TransactionRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The delivery loop of this node: fan new events out, claim due attempts ({@link WebhookDeliveries#claim}), send
 * them ({@code concurrency} at a time, outside any transaction), record each outcome. Idle, it looks again every
 * {@code poll-interval}; an event committed on this node wakes it at once. A round that found less than it could take is
 * followed by a {@code gather} wait, so that the events of a busy notify endpoint go out in one round every few
 * dozen milliseconds rather than one round per event (a round costs a handful of queries even when nothing is
 * subscribed); a round that filled its batch or its free slots goes on at once. Every node runs one; they share the work
 * through the database (locks skipped, never waited for). A node that dies mid-attempt leaves the attempt to be
 * taken over when its lease ends (at-least-once). Stopped with the application: the attempts in flight end first.
 */
@Component
class WebhookDeliverer implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);
	static final int FANOUT_BATCH = 500;

	private final WebhookDeliveries deliveries;
	private final DeliveryRepository repository;
	private final OutboxRepository events;
	private final WebhookEndpoints endpoints;
	private final WebhookSender sender;
	private final DeliveryProperties properties;
	private final TransactionRetry retry;
	private final Clock clock;
	private final WebhookGauges gauges;
	private final String node;
	private final Semaphore slots;
	private final Object wake = new Object();
	private volatile boolean wakeRequested;
	private volatile boolean running;
	private Thread loop;
	private ExecutorService senders;
	private final AtomicLong rounds = new AtomicLong();
	private Instant lastMaintenance = Instant.EPOCH;
	private long lastGauges;

	WebhookDeliverer(WebhookDeliveries deliveries, DeliveryRepository repository, OutboxRepository events,
			WebhookEndpoints endpoints, WebhookSender sender, DeliveryProperties properties, TransactionRetry retry,
			Clock clock, WebhookGauges gauges) {
		this.gauges = gauges;
		this.deliveries = deliveries;
		this.repository = repository;
		this.events = events;
		this.endpoints = endpoints;
		this.sender = sender;
		this.properties = properties;
		this.retry = retry;
		this.clock = clock;
		this.node = properties.node() != null && !properties.node().isBlank() ? properties.node() : defaultNode();
		this.slots = new Semaphore(Math.max(1, properties.concurrency()));
	}

	String node() {
		return node;
	}

	/** Rounds this node has made since it started. */
	long rounds() {
		return rounds.get();
	}

	/** Events were committed here: look now rather than at the next poll. */
	@EventListener
	void eventsWritten(EventsWritten written) {
		wakeUp();
	}

	void wakeUp() {
		// one is pending: the loop clears it before it looks at the database, so whatever was committed before this
		// read is seen by that look (issue 17: every committing request took the monitor and woke the loop in its
		// gather wait, 7 % of the notify path's JVM samples)
		if (wakeRequested) {
			return;
		}
		notifyLoop();
	}

	private void notifyLoop() {
		synchronized (wake) {
			wakeRequested = true;
			wake.notifyAll();
		}
	}

	@Override
	public void start() {
		if (!properties.enabled()) {
			log.info("Webhook delivery is off on this node (payrecon.webhook-delivery.enabled=false)");
			return;
		}
		running = true;
		senders = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-send-", 0).factory());
		loop = Thread.ofPlatform().name("webhook-deliverer").daemon().start(this::run);
		log.info("Webhook delivery on this node as '{}': {} at a time, retries after {}", node, properties.concurrency(),
				properties.retrySchedule());
	}

	@Override
	public void stop() {
		running = false;
		notifyLoop();
		if (loop != null) {
			try {
				loop.join(Duration.ofSeconds(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (senders != null) {
			senders.shutdown();
			try {
				senders.awaitTermination(properties.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100; // stops after the web server stopped taking notifications
	}

	private void run() {
		while (running) {
			Round round = Round.IDLE;
			try {
				round = round();
			}
			catch (RuntimeException ex) {
				log.warn("Webhook delivery round failed (the database away?): {}", ex.toString());
				pause(properties.pollInterval().multipliedBy(5));
			}
			if (round.work() == 0) {
				pause(properties.pollInterval());
			}
			else if (!round.saturated()) {
				gather(properties.gather());
			}
		}
	}

	/**
	 * What a round found.
	 *
	 * @param work events fanned out plus attempts claimed
	 * @param saturated it took as much as it could (a full fan-out batch, or as many attempts as it had slots for):
	 * more is probably waiting
	 */
	record Round(int work, boolean saturated) {
		static final Round IDLE = new Round(0, false);
	}

	/** One round: fan-out, claim, send, maintenance. */
	Round round() {
		rounds.incrementAndGet();
		Round fannedOut = fanOut();
		int free = slots.availablePermits();
		int wanted = Math.min(free, properties.batchSize());
		List<WebhookDeliveries.Claimed> claimed = free == 0 ? List.of()
				: retry.inTransaction(() -> deliveries.claim(node, wanted));
		for (WebhookDeliveries.Claimed c : claimed) {
			slots.acquireUninterruptibly();
			senders.submit(() -> {
				try {
					send(c);
				}
				finally {
					slots.release();
				}
			});
		}
		maintain();
		// all slots busy: nothing claimed; a finished attempt wakes the loop (after the gather wait, if it is in one)
		boolean saturated = fannedOut.saturated() || (wanted > 0 && claimed.size() == wanted);
		return new Round(fannedOut.work() + claimed.size(), saturated);
	}

	/** Fans out what is new of every account; saturated when an account filled a whole batch. */
	private Round fanOut() {
		Map<String, Long> sequences = events.lastSeqOfAll();
		Map<String, Long> positions = repository.fanoutPositions();
		int done = 0;
		boolean full = false;
		for (var entry : sequences.entrySet()) {
			String account = entry.getKey();
			Long position = positions.get(account);
			if (position == null) {
				repository.ensureFanout(account);
				position = 0L;
			}
			if (position < entry.getValue()) {
				int batch = retry.inTransaction(() -> deliveries.fanOut(account, FANOUT_BATCH));
				full |= batch == FANOUT_BATCH;
				done += batch;
			}
		}
		return new Round(done, full);
	}

	private void send(WebhookDeliveries.Claimed c) {
		Instant started = clock.instant();
		WebhookSender.Result result;
		try {
			List<byte[]> keys = deliveries.keys(c);
			result = keys.isEmpty()
					? new WebhookSender.Result(AttemptOutcome.ERROR, null, 0, null, "no secret to sign with", null)
					: sender.send(c.endpoint().url(), c.event().eventId(), started.getEpochSecond(),
							c.event().body().getBytes(java.nio.charset.StandardCharsets.UTF_8), keys);
		}
		catch (RuntimeException ex) {
			result = new WebhookSender.Result(AttemptOutcome.ERROR, null, 0, null, ex.getClass().getSimpleName(), null);
		}
		WebhookSender.Result outcome = result;
		try {
			retry.inTransaction(() -> {
				deliveries.record(c, node, started, outcome);
				return null;
			});
		}
		catch (RuntimeException ex) {
			// the lease runs out and the attempt is made again (at least once)
			log.warn("Outcome of webhook attempt {} of delivery {} not recorded: {}", c.attempt(), c.delivery().id(),
					ex.toString());
		}
		wakeUp(); // a later event of the same order may be waiting for this one
	}

	private void maintain() {
		if (System.nanoTime() - lastGauges > 5_000_000_000L) {
			lastGauges = System.nanoTime();
			gauges.refresh();
		}
		Instant now = clock.instant();
		if (Duration.between(lastMaintenance, now).abs().compareTo(Duration.ofMinutes(1)) < 0) {
			return;
		}
		lastMaintenance = now;
		endpoints.wipeExpiredSecrets();
	}

	private void pause(Duration duration) {
		synchronized (wake) {
			if (!wakeRequested && running) {
				try {
					wake.wait(Math.max(1, duration.toMillis()));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					running = false;
				}
			}
			wakeRequested = false;
		}
	}

	/** Waits {@code duration} whatever wakes the loop meanwhile (stopping excepted): the wake-ups are gathered. */
	private void gather(Duration duration) {
		long until = System.nanoTime() + duration.toNanos();
		synchronized (wake) {
			long left;
			while (running && (left = until - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(wake, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					running = false;
				}
			}
			wakeRequested = false; // what woke it meanwhile is looked at in the round that follows now
		}
	}

	private static String defaultNode() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "node";
		}
		String pid = ManagementFactory.getRuntimeMXBean().getPid() + "";
		return host + "/" + pid + "/" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
	}
}
