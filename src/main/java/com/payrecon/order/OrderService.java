package com.payrecon.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import com.payrecon.order.PaymentOutcome.Kind;
import com.payrecon.support.LogText;
import com.payrecon.support.money.Fen;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The single door for order state. Every path that changes an order (notification, sweep, re-query, watchdog,
 * operator) calls this service; it locks the row, checks the transition table and writes the history line and the
 * outbound event ({@link OrderOutbox}) in the same transaction.
 */
@Service
public class OrderService {

	private static final Logger log = LoggerFactory.getLogger(OrderService.class);
	static final Duration DEFAULT_EXPIRY = Duration.ofHours(2);

	private final OrderRepository orders;
	private final OrderOutbox outbox;
	private final Clock clock;
	private final MeterRegistry meters;

	/** Metric: payments applied (PENDING → PAID), by account and event source (NOTIFY, QUERY, ...). */
	public static final String PAID_METRIC = "payrecon.orders.paid";

	OrderService(OrderRepository orders, OrderOutbox outbox, Clock clock, MeterRegistry meters) {
		this.orders = orders;
		this.outbox = outbox;
		this.clock = clock;
		this.meters = meters;
	}

	/** A new order from the checkout. {@code expiresAt} null means the default (two hours). */
	public record CreateOrder(String accountId, String outTradeNo, Fen amount, String currency, String description,
			Instant expiresAt) {
	}

	public sealed interface CreateResult permits Created, AlreadyExists, Conflict {
		PaymentOrder order();
	}

	public record Created(PaymentOrder order) implements CreateResult {
	}

	/** An identical retry of an earlier create. */
	public record AlreadyExists(PaymentOrder order) implements CreateResult {
	}

	/** Same out_trade_no, different content. */
	public record Conflict(PaymentOrder order, String field) implements CreateResult {
	}

	@Transactional
	public CreateResult create(CreateOrder command, Cause cause) {
		Instant now = clock.instant();
		Instant expiresAt = command.expiresAt() != null ? command.expiresAt() : now.plus(DEFAULT_EXPIRY);
		Optional<PaymentOrder> inserted = orders.insertIfAbsent(command.accountId(), command.outTradeNo(),
				command.amount(), command.currency(), command.description(), expiresAt, cause.actor(), now);
		if (inserted.isPresent()) {
			PaymentOrder order = inserted.get();
			orders.appendEvent(order.id(), OrderEvent.CREATED, null, OrderStatus.PENDING, cause,
					"amount=" + order.amount().value() + " " + order.currency(), now);
			return new Created(order);
		}
		PaymentOrder existing = orders.find(command.accountId(), command.outTradeNo()).orElseThrow();
		String differs = !existing.amount().equals(command.amount()) ? "amount"
				: !existing.currency().equals(command.currency()) ? "currency"
				: !existing.description().equals(command.description()) ? "description"
				: command.expiresAt() != null && !command.expiresAt().equals(existing.expiresAt()) ? "expiresAt" : null;
		return differs == null ? new AlreadyExists(existing) : new Conflict(existing, differs);
	}

	/**
	 * Applies a payment the provider vouches for, exactly once: locks the order row, compares amount and currency,
	 * moves PENDING → PAID with a compare-and-set update and appends the event. Never changes an order on a mismatch;
	 * a payment for a closed, failed or reversed order flags the order for review instead.
	 */
	@Transactional
	public PaymentOutcome applyPayment(String accountId, ProviderPayment payment, Cause cause) {
		Instant now = clock.instant();
		Optional<PaymentOrder> locked = orders.lockForUpdate(accountId, payment.outTradeNo());
		if (locked.isEmpty()) {
			return new PaymentOutcome(Kind.UNKNOWN_ORDER, null, "no order " + payment.outTradeNo() + " in account " + accountId);
		}
		PaymentOrder order = locked.get();
		if (!order.amount().equals(payment.amount())) {
			return new PaymentOutcome(Kind.AMOUNT_MISMATCH, order,
					"expected " + order.amount().value() + " fen, received " + payment.amount().value() + " fen");
		}
		if (!order.currency().equals(payment.currency())) {
			return new PaymentOutcome(Kind.CURRENCY_MISMATCH, order,
					"expected " + order.currency() + ", received " + payment.currency());
		}
		if (order.status().isPaid()) {
			if (Objects.equals(order.providerTxnId(), payment.providerTxnId())) {
				return new PaymentOutcome(Kind.DUPLICATE, order, "already " + order.status() + " by " + order.providerTxnId());
			}
			String detail = "already paid by " + order.providerTxnId() + ", now also by " + payment.providerTxnId();
			return flag(order, payment, Kind.CONFLICTING_PAYMENT, OrderEvent.CONFLICTING_PAYMENT, detail, cause, now);
		}
		if (order.status().isTerminalWithoutPayment()) {
			String detail = "paid at the provider by " + payment.providerTxnId() + " at " + payment.paidAt()
					+ " while the order is " + order.status();
			return flag(order, payment, Kind.LATE_PAYMENT, OrderEvent.LATE_PAYMENT, detail, cause, now);
		}
		if (!orders.markPaid(order, payment, now)) {
			// cannot happen under the row lock; refuse loudly rather than guess
			throw new IllegalStateException("order " + order.id() + " changed under its row lock");
		}
		long line = orders.appendEvent(order.id(), OrderEvent.STATUS_CHANGED, order.status(), OrderStatus.PAID, cause,
				"transaction " + payment.providerTxnId() + ", " + paidAt(payment), now);
		PaymentOrder paid = OrderRepository.asPaid(order, payment, now); // what the compare-and-set wrote: no re-read
		outbox.statusChanged(order, paid, line, cause, now);
		if (cause.source() == EventSource.NOTIFY) {
			// the notification's own verdict line names the order and the raw row (issue 17: one INFO line fewer)
			log.debug("Order {}/{} PAID by {} ({})", accountId, LogText.printable(order.outTradeNo()),
					cause.source(), cause.actor());
		}
		else {
			log.info("Order {}/{} PAID by {} ({})", accountId, LogText.printable(order.outTradeNo()),
					cause.source(), cause.actor());
		}
		countPaid(accountId, cause);
		return new PaymentOutcome(Kind.APPLIED, paid, "PENDING → PAID");
	}

	/**
	 * Maker-checker only: applies a payment the provider received for a CLOSED order (a late payment), CLOSED → PAID,
	 * after a second operator approved it. The cause must be an OPERATOR cause naming proposer and approver. Refused
	 * (empty) unless the order is CLOSED and the payment's amount and currency are the order's.
	 */
	@Transactional
	public Optional<PaymentOrder> reopenForLatePayment(String accountId, ProviderPayment payment, Cause cause) {
		if (cause.source() != EventSource.OPERATOR) {
			throw new IllegalArgumentException("a late payment is applied by an operator's approval only");
		}
		Instant now = clock.instant();
		PaymentOrder order = orders.lockForUpdate(accountId, payment.outTradeNo())
			.orElseThrow(() -> new UnknownOrder(accountId, payment.outTradeNo()));
		if (order.status() != OrderStatus.CLOSED || !order.status().canMoveTo(OrderStatus.PAID)
				|| !order.amount().equals(payment.amount()) || !order.currency().equals(payment.currency())) {
			log.warn("Refused late payment of order {}/{} ({}, {} {}) by {}", accountId,
					LogText.printable(order.outTradeNo()),
					order.status(), payment.amount().value(), payment.currency(), cause.actor());
			return Optional.empty();
		}
		if (!orders.reopenPaid(order, payment, now)) {
			throw new IllegalStateException("order " + order.id() + " changed under its row lock");
		}
		long line = orders.appendEvent(order.id(), OrderEvent.STATUS_CHANGED, order.status(), OrderStatus.PAID, cause,
				"late payment: transaction " + payment.providerTxnId() + ", paid at " + payment.paidAt(), now);
		PaymentOrder paid = orders.findById(order.id()).orElseThrow();
		outbox.statusChanged(order, paid, line, cause, now);
		log.info("Order {}/{} CLOSED → PAID (late payment) by {}", accountId,
				LogText.printable(order.outTradeNo()), cause.actor());
		countPaid(accountId, cause);
		return Optional.of(paid);
	}

	private static String paidAt(ProviderPayment payment) {
		return payment.paidAt() == null ? "paid time unknown (the provider gave none; the day's bill line will give it)"
				: "paid at " + payment.paidAt();
	}

	/**
	 * Gives a paid order whose paid time is unknown the provider's time (the trade time of its bill line), once: only
	 * while {@code paid_at} is still unset and only for the same provider transaction. The status does not change;
	 * the event says where the time came from. False when there is nothing to set.
	 */
	@Transactional
	public boolean settlePaidTime(String accountId, String outTradeNo, String providerTxnId, Instant paidAt, Cause cause) {
		Instant now = clock.instant();
		Optional<PaymentOrder> locked = orders.lockForUpdate(accountId, outTradeNo);
		if (locked.isEmpty() || locked.get().paidAt() != null
				|| (locked.get().status() != OrderStatus.PAID && locked.get().status() != OrderStatus.REFUNDED)
				|| !Objects.equals(locked.get().providerTxnId(), providerTxnId)) {
			return false;
		}
		PaymentOrder order = locked.get();
		if (!orders.setPaidTime(order, paidAt, now)) {
			throw new IllegalStateException("order " + order.id() + " changed under its row lock");
		}
		orders.appendEvent(order.id(), OrderEvent.PAID_TIME_SET, order.status(), order.status(), cause,
				"paid at " + paidAt + " (transaction " + providerTxnId + ")", now);
		return true;
	}

	private void countPaid(String accountId, Cause cause) {
		Counter paidCounter = Counter.builder(PAID_METRIC)
			.description("payments applied, by the source of the news")
			.tag("account", accountId)
			.tag("source", cause.source().name())
			.register(meters);
		afterCommit(paidCounter::increment);
	}

	/**
	 * Any other transition of the table (close, fail, reverse), compare-and-set, with its event. PAID has its own doors;
	 * PARTIALLY_REFUNDED and REFUNDED follow from refunds ({@link #applyRefunds}) and are refused here.
	 */
	@Transactional
	public Optional<PaymentOrder> transition(String accountId, String outTradeNo, OrderStatus to, Cause cause) {
		Instant now = clock.instant();
		PaymentOrder order = orders.lockForUpdate(accountId, outTradeNo).orElseThrow(() -> new UnknownOrder(accountId, outTradeNo));
		if (to == OrderStatus.PAID || to.followsRefunds() || !order.status().canMoveTo(to)) {
			log.warn("Refused transition of order {}/{}: {} → {} by {} ({})", accountId, LogText.printable(outTradeNo),
					order.status(), to, cause.source(), cause.actor());
			return Optional.empty();
		}
		if (!orders.moveStatus(order, to, now)) {
			throw new IllegalStateException("order " + order.id() + " changed under its row lock");
		}
		long line = orders.appendEvent(order.id(), OrderEvent.STATUS_CHANGED, order.status(), to, cause, null, now);
		PaymentOrder changed = orders.findById(order.id()).orElseThrow();
		outbox.statusChanged(order, changed, line, cause, now);
		return Optional.of(changed);
	}

	/**
	 * Locks the order a refund is about ({@code SELECT … FOR UPDATE}), in the caller's transaction: refunds of one order
	 * are decided one at a time, so their sum cannot pass the amount paid however many requests race. Called by the
	 * refund module only (OrderStateWritersTests).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<PaymentOrder> lockForRefund(String accountId, String outTradeNo) {
		return orders.lockForUpdate(accountId, outTradeNo);
	}

	/** The same by the order's id. */
	@Transactional(propagation = Propagation.MANDATORY)
	public Optional<PaymentOrder> lockForRefund(long orderId) {
		return orders.lockForUpdate(orderId);
	}

	/**
	 * The order's refunded amount is now {@code refunded} (the sum of its SUCCESS refunds, computed by the refund module
	 * under the order's lock from {@link #lockForRefund}): the status follows ({@link OrderStatus#afterRefunds}),
	 * compare-and-set, with its event. Nothing happens when the sum did not change. The refunded amount never goes
	 * down (a SUCCESS refund is final).
	 * @throws IllegalStateException when the order is not paid, the sum is above its amount or below what it was
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public PaymentOrder applyRefunds(PaymentOrder locked, Fen refunded, Cause cause, String detail) {
		Instant now = clock.instant();
		if (!locked.status().isPaid()) {
			throw new IllegalStateException("order " + locked.id() + " is " + locked.status() + ": nothing to refund");
		}
		if (refunded.compareTo(locked.amount()) > 0 || refunded.compareTo(locked.refunded()) < 0) {
			throw new IllegalStateException("order " + locked.id() + ": refunded " + refunded + " after "
					+ locked.refunded() + ", of " + locked.amount());
		}
		if (refunded.equals(locked.refunded())) {
			return locked;
		}
		OrderStatus to = OrderStatus.afterRefunds(locked.amount(), refunded);
		if (to != locked.status() && !locked.status().canMoveTo(to)) {
			throw new IllegalStateException("order " + locked.id() + ": " + locked.status() + " → " + to + " is not allowed");
		}
		if (!orders.setRefunded(locked, to, refunded, now)) {
			throw new IllegalStateException("order " + locked.id() + " changed under its row lock");
		}
		String details = "refunded " + refunded.toYuan() + " of " + locked.amount().toYuan() + " " + locked.currency()
				+ (detail == null ? "" : "; " + detail);
		long line = orders.appendEvent(locked.id(),
				to == locked.status() ? OrderEvent.REFUNDED_AMOUNT : OrderEvent.STATUS_CHANGED, locked.status(), to, cause,
				details, now);
		log.info("Order {}/{} {} → {} (refunded {} of {} fen) by {} ({})", locked.accountId(),
				LogText.printable(locked.outTradeNo()), locked.status(), to, refunded.value(), locked.amount().value(),
				cause.source(), cause.actor());
		PaymentOrder changed = orders.findById(locked.id()).orElseThrow();
		outbox.statusChanged(locked, changed, line, cause, now); // order.partially_refunded or order.refunded
		return changed;
	}

	/**
	 * Clears the order's review flag (raised by a late or conflicting payment): a person settled what it was raised
	 * for. The cause names who and why; the event keeps the reason the flag had. Empty when the order is not flagged
	 * (nothing to clear) or does not exist.
	 */
	@Transactional
	public Optional<PaymentOrder> clearReview(long orderId, Cause cause) {
		Optional<PaymentOrder> found = orders.findById(orderId);
		if (found.isEmpty()) {
			return Optional.empty();
		}
		Instant now = clock.instant();
		PaymentOrder order = orders.lockForUpdate(found.get().accountId(), found.get().outTradeNo()).orElseThrow();
		if (!order.needsReview()) {
			return Optional.empty();
		}
		if (!orders.clearReview(order, now)) {
			throw new IllegalStateException("order " + order.id() + " changed under its row lock");
		}
		long line = orders.appendEvent(order.id(), OrderEvent.REVIEW_CLEARED, order.status(), order.status(), cause,
				"was flagged: " + order.reviewReason(), now);
		PaymentOrder cleared = orders.findById(order.id()).orElseThrow();
		outbox.reviewCleared(cleared, line, cause, now);
		log.info("Order {}/{} review flag cleared by {} ({})", order.accountId(), LogText.printable(order.outTradeNo()),
				cause.source(), LogText.printable(cause.actor()));
		return Optional.of(cleared);
	}

	/** Holds a payment for review: the order keeps its status, is flagged, and the merchant is told. */
	private PaymentOutcome flag(PaymentOrder order, ProviderPayment payment, Kind kind, String eventType, String detail,
			Cause cause, Instant now) {
		if (!orders.flagForReview(order, kind + ": " + detail, now)) {
			throw new IllegalStateException("order " + order.id() + " changed under its row lock");
		}
		long line = orders.appendEvent(order.id(), eventType, order.status(), order.status(), cause, detail, now);
		PaymentOrder flagged = orders.findById(order.id()).orElseThrow();
		outbox.paymentHeld(flagged, payment, kind == Kind.LATE_PAYMENT, line, cause, now);
		log.warn("Order {}/{} flagged for review: {}", order.accountId(), LogText.printable(order.outTradeNo()), kind);
		return new PaymentOutcome(kind, flagged, detail);
	}

	/** Counts only what was committed: a transaction retried after a deadlock applies (and counts) once. */
	private static void afterCommit(Runnable action) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			action.run();
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				action.run();
			}
		});
	}

	/** No such order in that account. */
	public static class UnknownOrder extends RuntimeException {
		public UnknownOrder(String accountId, String outTradeNo) {
			super("no order " + LogText.printable(outTradeNo) + " in account " + accountId);
		}
	}
}
