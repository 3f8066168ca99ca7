package com.payrecon.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.payrecon.notify.NotificationFailedVerification;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When a notification for a known PENDING order fails verification, ask the provider about that order at once, off
 * the request thread. At most one such question per order per {@link #MIN_INTERVAL}, so that a flood of forged
 * notifications cannot turn PayRecon into a query amplifier.
 */
@Component
class VerificationFailureFollowUp implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(VerificationFailureFollowUp.class);
	static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

	private final OrderRepository orders;
	private final OrderRequery requery;
	private final Clock clock;
	private final Map<Long, Instant> lastAsked = new ConcurrentHashMap<>();
	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	VerificationFailureFollowUp(OrderRepository orders, OrderRequery requery, Clock clock) {
		this.orders = orders;
		this.requery = requery;
		this.clock = clock;
	}

	@EventListener
	void on(NotificationFailedVerification event) {
		orders.find(event.accountId(), event.untrustedOutTradeNo())
			.filter(order -> order.status() == OrderStatus.PENDING)
			.ifPresent(order -> {
				Instant now = clock.instant();
				Instant previous = lastAsked.get(order.id());
				if (previous != null && Duration.between(previous, now).compareTo(MIN_INTERVAL) < 0) {
					return;
				}
				lastAsked.put(order.id(), now);
				Cause cause = new Cause(EventSource.QUERY, "verification-failure:" + event.rawNotificationId(),
						event.rawNotificationId(), "notification " + event.rawNotificationId() + " failed verification ("
								+ event.verdict() + "); asked the provider");
				executor.execute(() -> {
					try {
						requery.requery(order.accountId(), order.outTradeNo(), cause);
					}
					catch (RuntimeException ex) {
						log.warn("Follow-up query of order {} failed: {}", order.id(), ex.toString());
					}
				});
			});
		if (lastAsked.size() > 100_000) {
			lastAsked.clear();
		}
	}

	@Override
	public void close() {
		executor.shutdown();
	}
}
