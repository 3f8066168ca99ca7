package com.payrecon.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.refund.RefundNoticeToConfirm;
import com.payrecon.refund.RefundQueries;
import com.payrecon.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * A refund notification that could not be applied as it stands is confirmed by queries, off the request thread and
 * after its verdict committed: the order first when it is not paid here (a refund notice that came before the
 * payment's, threat case R5), then the refund ({@link RefundQueries#confirm}). At most one question per refund per {@link #MIN_INTERVAL}, so a flood of forged or
 * replayed notices cannot turn PayRecon into a query amplifier (the sweep and the bill catch what this skips).
 */
@Component
class RefundNoticeFollowUp implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RefundNoticeFollowUp.class);
	static final Duration MIN_INTERVAL = Duration.ofSeconds(30);

	private final RefundQueries queries;
	private final OrderRepository orders;
	private final OrderRequery requery;
	private final Clock clock;
	private final Map<String, Instant> lastAsked = new ConcurrentHashMap<>();
	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	RefundNoticeFollowUp(RefundQueries queries, OrderRepository orders, OrderRequery requery, Clock clock) {
		this.queries = queries;
		this.orders = orders;
		this.requery = requery;
		this.clock = clock;
	}

	@TransactionalEventListener(fallbackExecution = true)
	void on(RefundNoticeToConfirm event) {
		if (event.outTradeNo() == null || event.outRefundNo() == null) {
			return;
		}
		String key = event.accountId() + "/" + event.outRefundNo();
		Instant now = clock.instant();
		Instant previous = lastAsked.get(key);
		if (previous != null && Duration.between(previous, now).abs().compareTo(MIN_INTERVAL) < 0) {
			return;
		}
		lastAsked.put(key, now);
		if (lastAsked.size() > 100_000) {
			lastAsked.clear();
		}
		Cause cause = new Cause(EventSource.QUERY, "refund-notice:" + event.rawNotificationId(), event.rawNotificationId(),
				"refund notification " + event.rawNotificationId() + " confirmed by a query (" + event.why() + ")");
		executor.execute(() -> {
			try {
				if (orders.find(event.accountId(), event.outTradeNo()).filter(o -> !o.status().isPaid()).isPresent()) {
					requery.requery(event.accountId(), event.outTradeNo(), cause);
				}
				queries.confirm(event.accountId(), event.outTradeNo(), event.outRefundNo(), cause);
			}
			catch (RuntimeException ex) {
				log.warn("Confirming refund {}/{} failed: {}", event.accountId(),
						LogText.printable(event.outRefundNo()), ex.toString());
			}
		});
	}

	@Override
	public void close() {
		executor.shutdown();
	}
}
