package com.payrecon.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.payrecon.notify.NotificationFailedVerification;
import com.payrecon.notify.PayerReturned;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Asks the provider about one PENDING order at once, off the request thread, when something says it may be paid
 * although no notification was applied: a notification for it failed verification (a key rotation, a broken
 * signature), or the payer's browser came back with a verified Alipay return (the 掉单 case: the notification may be
 * lost). Neither signal pays anything: the provider's signed answer does, through {@link OrderRequery}. At most one
 * such question per order per {@link #MIN_INTERVAL}, whatever the signal, so that a flood of forged notifications or
 * replayed returns cannot turn PayRecon into a query amplifier.
 */
@Component
class FollowUpQueries implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(FollowUpQueries.class);
	static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

	/** Actor prefixes of the questions asked (the repair metric's {@code trigger}, see {@link OrderRequery#trigger}). */
	static final String VERIFICATION_FAILURE = "verification-failure";
	static final String PAYER_RETURN = "payer-return";

	private final OrderRepository orders;
	private final OrderRequery requery;
	private final Clock clock;
	private final Map<Long, Instant> lastAsked = new ConcurrentHashMap<>();
	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	FollowUpQueries(OrderRepository orders, OrderRequery requery, Clock clock) {
		this.orders = orders;
		this.requery = requery;
		this.clock = clock;
	}

	@EventListener
	void on(NotificationFailedVerification event) {
		ask(event.accountId(), event.untrustedOutTradeNo(), event.rawNotificationId(), VERIFICATION_FAILURE,
				"notification " + event.rawNotificationId() + " failed verification (" + event.verdict()
						+ "); asked the provider");
	}

	@EventListener
	void on(PayerReturned event) {
		ask(event.accountId(), event.outTradeNo(), event.rawNotificationId(), PAYER_RETURN,
				"the payer's browser returned (verified return " + event.rawNotificationId()
						+ ") while the order is PENDING; asked the provider");
	}

	private void ask(String accountId, String outTradeNo, long rawId, String trigger, String reason) {
		orders.find(accountId, outTradeNo)
			.filter(order -> order.status() == OrderStatus.PENDING)
			.ifPresent(order -> {
				Instant now = clock.instant();
				Instant previous = lastAsked.get(order.id());
				if (previous != null && Duration.between(previous, now).compareTo(MIN_INTERVAL) < 0) {
					return;
				}
				lastAsked.put(order.id(), now);
				Cause cause = new Cause(EventSource.QUERY, trigger + ":" + rawId, rawId, reason);
				executor.execute(() -> {
					try {
						requery.requery(order.accountId(), order.outTradeNo(), cause);
					}
					catch (RuntimeException ex) {
						log.warn("Follow-up query ({}) of order {} failed: {}", trigger, order.id(), ex.toString());
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
