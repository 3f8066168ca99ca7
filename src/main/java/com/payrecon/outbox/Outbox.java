package com.payrecon.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Takes the events of a change inside the change's transaction and writes them just before it commits: the rows
 * commit or roll back with the change (no event without its change, no change without its event). Writing last keeps
 * the account's sequence row locked only for the commit itself, and makes it the last lock any transaction takes, so
 * it cannot be part of a deadlock cycle. Several accounts in one transaction are numbered in account order.
 */
@Service
public class Outbox {

	/** Metric: events written (committed), by account and type. */
	public static final String WRITTEN_METRIC = "payrecon.outbox.events";

	private final OutboxRepository repository;
	private final MeterRegistry meters;
	private final ApplicationEventPublisher publisher;

	Outbox(OutboxRepository repository, MeterRegistry meters, ApplicationEventPublisher publisher) {
		this.repository = repository;
		this.meters = meters;
		this.publisher = publisher;
	}

	/**
	 * Records an event of the current transaction; refused outside one (an event must share its change's fate). Call
	 * it in the service method that makes the change, right after the compare-and-set or the update under
	 * {@code SELECT … FOR UPDATE}, inside the use case's transaction (opened by whoever starts the use case, through
	 * {@code TransactionRetry} where deadlocks are possible):
	 *
	 * <pre>{@code
	 * refunds.markSucceeded(refund, providerRefundId, now);
	 * outbox.append(new NewEvent(EventType.REFUND_SUCCEEDED, refund.accountId(), refund.orderId(), null,
	 *         refund.outTradeNo(), refund.id(), EventCause.NOTIFICATION, null, now, data));
	 * }</pre>
	 *
	 * The row is written in the transaction's {@code beforeCommit}, numbered in the account's sequence; a rollback
	 * writes nothing and takes no number. The stored JSON is {@code {"id","type","timestamp","account","sequence",
	 * "data":{…, "cause":{"type","trigger"}}}} ({@link OutboxRepository#body}). The event types are
	 * {@link EventType}'s; docs/webhooks.md lists them with their {@code data}, and says how a new one is added.
	 */
	public void append(NewEvent event) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.isSynchronizationActive()) {
			throw new IllegalStateException("an outbox event is written in the transaction of its change: none is active");
		}
		pending().events.add(event);
	}

	private Pending pending() {
		for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
			if (s instanceof Pending p && p.owner == this) {
				return p;
			}
		}
		Pending p = new Pending(this);
		TransactionSynchronizationManager.registerSynchronization(p);
		return p;
	}

	/** The events of one transaction, written in {@code beforeCommit}. */
	private static final class Pending implements TransactionSynchronization {

		final Outbox owner;
		final List<NewEvent> events = new ArrayList<>();
		final List<OutboxEvent> written = new ArrayList<>();

		Pending(Outbox owner) {
			this.owner = owner;
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE; // after every other synchronization's own writes
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			written.clear(); // a retried commit (never by Spring today) would write again, never twice
			Map<String, List<NewEvent>> byAccount = new TreeMap<>(); // a fixed lock order over accounts
			for (NewEvent e : events) {
				byAccount.computeIfAbsent(e.accountId(), a -> new ArrayList<>()).add(e); // in the order taken
			}
			byAccount.forEach((account, list) -> {
				long seq = owner.repository.allocate(account, list.size());
				for (NewEvent e : list) {
					written.add(owner.repository.insert(e, EventIds.next(e.occurredAt()), seq++));
				}
			});
		}

		@Override
		public void afterCommit() {
			Map<String, Integer> accounts = new LinkedHashMap<>();
			for (OutboxEvent e : written) {
				Counter.builder(WRITTEN_METRIC)
					.description("outbox events written (committed)")
					.tag("account", e.accountId())
					.tag("type", e.type())
					.register(owner.meters)
					.increment();
				accounts.merge(e.accountId(), 1, Integer::sum);
			}
			if (!written.isEmpty()) {
				owner.publisher.publishEvent(new EventsWritten(accounts.keySet(), written.size()));
			}
		}
	}
}
