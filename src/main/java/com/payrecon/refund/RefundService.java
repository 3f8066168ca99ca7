package com.payrecon.refund;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.outbox.EventType;
import com.payrecon.outbox.NewEvent;
import com.payrecon.outbox.Outbox;
import com.payrecon.refund.RefundRepository.NewRefund;
import com.payrecon.support.LogText;
import com.payrecon.support.money.Fen;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The single door for refund state (as {@link OrderService} is for orders). Every method locks the refund's order
 * first ({@link OrderService#lockForRefund}), then the refund, checks the transition table
 * ({@link RefundStatus#canMoveTo}), compare-and-sets and writes the event in the caller's transaction, through one
 * private {@code move}: one place for whatever every change must also do (metrics, and the refund.* event through
 * the {@link Outbox}, written by {@code announce} for a created, submitted or moved refund).
 * The order's lock decides refunds of one order one at a time, so their sum never passes the amount paid, however many
 * requests or notifications race. When a refund succeeds, the order's refunded amount and status follow
 * ({@link OrderService#applyRefunds}) in the same transaction.
 */
@Service
public class RefundService {

	private static final Logger log = LoggerFactory.getLogger(RefundService.class);

	/** Metric: refunds entering a status (created in it, or moved to it), by channel and status. */
	public static final String METRIC = "payrecon.refunds";
	/** Metric: fen refunded (refunds that reached SUCCESS), by account: its increase over a day is the day's amount. */
	public static final String AMOUNT_METRIC = "payrecon.refunds.amount";

	private final RefundRepository refunds;
	private final OrderService orderService;
	private final AccountRegistry accounts;
	private final RefundProperties properties;
	private final Clock clock;
	private final MeterRegistry meters;
	private final Outbox outbox;

	RefundService(RefundRepository refunds, OrderService orderService, AccountRegistry accounts,
			RefundProperties properties, Clock clock, MeterRegistry meters, Outbox outbox) {
		this.outbox = outbox;
		this.refunds = refunds;
		this.orderService = orderService;
		this.accounts = accounts;
		this.properties = properties;
		this.clock = clock;
		this.meters = meters;
	}

	// ------------------------------------------------------------------------------------------ asking

	/**
	 * A refund asked for here.
	 *
	 * @param approvalRequired a second person must approve it before it is sent (console refunds above the account's
	 * threshold)
	 */
	public record RequestRefund(String accountId, String outTradeNo, String outRefundNo, Fen amount, String reason,
			RefundSource source, String requestedBy, boolean approvalRequired) {
	}

	public sealed interface RequestResult permits Created, AlreadyExists, Conflict, NotRefundable, NoSuchOrder {
	}

	public record Created(Refund refund) implements RequestResult {
	}

	/** The same out_refund_no with the same order, amount and reason: the refund as it is now. */
	public record AlreadyExists(Refund refund) implements RequestResult {
	}

	/** The same out_refund_no with something else different ({@code field}). */
	public record Conflict(Refund refund, String field) implements RequestResult {
	}

	/** Above what may still be refunded ({@code refundable}), or the order is not paid. */
	public record NotRefundable(PaymentOrder order, Fen refundable, String why) implements RequestResult {
	}

	public record NoSuchOrder() implements RequestResult {
	}

	/**
	 * Records a refund (REQUESTED), idempotent by {@code outRefundNo}: an identical request answers the refund as it is,
	 * a different one is a conflict. Refused unless the order is paid and the amount fits in what is still refundable
	 * (the amount paid less every refund of the order that is not CLOSED), decided under the order's lock.
	 */
	@Transactional
	public RequestResult request(RequestRefund command, Cause cause) {
		Optional<RequestResult> known = refunds.find(command.accountId(), command.outRefundNo()).map(r -> same(r, command));
		if (known.isPresent()) {
			return known.get();
		}
		Optional<PaymentOrder> locked = orderService.lockForRefund(command.accountId(), command.outTradeNo());
		if (locked.isEmpty()) {
			return new NoSuchOrder();
		}
		PaymentOrder order = locked.get();
		// a request with the same number may have been decided while this one waited for the order's lock
		known = refunds.lock(command.accountId(), command.outRefundNo()).map(r -> same(r, command));
		if (known.isPresent()) {
			return known.get();
		}
		if (!order.status().isPaid()) {
			return new NotRefundable(order, Fen.ZERO, "the order is " + order.status() + ": only paid orders are refunded");
		}
		Fen refundable = order.amount().minus(refunds.held(order.id()));
		if (command.amount().value() <= 0 || command.amount().compareTo(refundable) > 0) {
			return new NotRefundable(order, refundable, "refundable: " + refundable.toYuan() + " " + order.currency()
					+ " (paid " + order.amount().toYuan() + ", other refunds " + order.amount().minus(refundable).toYuan() + ")");
		}
		Instant now = clock.instant();
		Optional<Refund> inserted = refunds.insertIfAbsent(new NewRefund(command.accountId(), order.id(),
				order.outTradeNo(), command.outRefundNo(), command.amount(), order.currency(), command.reason(),
				RefundStatus.REQUESTED, command.source(), null, command.requestedBy(), command.approvalRequired(), null,
				null), now);
		if (inserted.isEmpty()) { // the number is taken by a refund of another order, decided meanwhile
			Refund other = refunds.lock(command.accountId(), command.outRefundNo()).orElseThrow();
			return same(other, command);
		}
		Refund refund = inserted.get();
		created(order, refund, cause, "amount=" + refund.amount().value() + " " + refund.currency()
				+ (command.approvalRequired() ? "; waits for a second person's approval" : ""), now);
		return new Created(refund);
	}

	private static RequestResult same(Refund existing, RequestRefund command) {
		String differs = !existing.outTradeNo().equals(command.outTradeNo()) ? "outTradeNo"
				: !existing.amount().equals(command.amount()) ? "amount"
				: !Objects.equals(blankToNull(existing.reason()), blankToNull(command.reason())) ? "reason" : null;
		return differs == null ? new AlreadyExists(existing) : new Conflict(existing, differs);
	}

	/** A second person approves a refund that waits for it. */
	@Transactional
	public Refund approve(long refundId, String approver, Cause cause) {
		Locked l = lock(refundId);
		Refund refund = l.refund();
		if (!refund.awaitsApproval()) {
			throw new RefundRefused("refund.refused.notAwaiting", refund.outRefundNo(), refund.status());
		}
		if (refund.requestedBy().equals(approver)) {
			throw new RefundRefused("refund.refused.own", refund.outRefundNo());
		}
		Instant now = clock.instant();
		if (!refunds.approve(refund, approver, now)) {
			throw new IllegalStateException("refund " + refundId + " changed under its lock");
		}
		refunds.appendEvent(refundId, RefundEvent.APPROVED, refund.status(), refund.status(), cause,
				"asked for by " + refund.requestedBy() + ", approved by " + approver, now);
		return refunds.findById(refundId).orElseThrow();
	}

	/** A refund that waits for approval is rejected: REQUESTED → CLOSED, nothing was sent. */
	@Transactional
	public Refund reject(long refundId, String rejector, Cause cause) {
		Locked l = lock(refundId);
		Refund refund = l.refund();
		if (!refund.awaitsApproval()) {
			throw new RefundRefused("refund.refused.notAwaiting", refund.outRefundNo(), refund.status());
		}
		move(l.order(), refund, RefundStatus.CLOSED, null, "REJECTED", null, cause,
				"rejected by " + rejector + "; asked for by " + refund.requestedBy());
		return refunds.findById(refundId).orElseThrow();
	}

	// ------------------------------------------------------------------------------------------ sending

	/** What the provider is asked, exactly the same every time: the refund and its order. */
	public record Submission(Refund refund, PaymentOrder order) {
	}

	/**
	 * REQUESTED → PROCESSING, committed before anything is sent (so a crash after sending cannot lead to a second,
	 * different request): the caller sends the refund after this transaction. Empty when the refund is not ready to
	 * be sent (waits for approval, or was sent already).
	 */
	@Transactional
	public Optional<Submission> submit(long refundId, Cause cause) {
		Locked l = lock(refundId);
		Refund refund = l.refund();
		if (!refund.readyToSend()) {
			return Optional.empty();
		}
		Instant now = clock.instant();
		if (!refunds.markSubmitted(refund, now.plus(properties.firstCheckAfter()), now)) {
			throw new IllegalStateException("refund " + refundId + " changed under its lock");
		}
		refunds.appendEvent(refundId, RefundEvent.SUBMITTED, refund.status(), RefundStatus.PROCESSING, cause,
				"request 1 sent to the provider" + (refund.approvedBy() == null ? "" : " (approved by " + refund.approvedBy() + ")"),
				now);
		counted(refund.accountId(), RefundStatus.PROCESSING, null);
		Refund submitted = refunds.findById(refundId).orElseThrow();
		announce(l.order(), submitted, refund.status(), cause, now);
		return Optional.of(new Submission(submitted, l.order()));
	}

	/**
	 * Sends the same request again (same out_refund_no, same amount), only after the provider said it has no such
	 * refund: a request that never arrived. At most {@code max-requests} in all; the caller names the request count it
	 * saw, so two sweeps cannot both send.
	 */
	@Transactional
	public Optional<Submission> resubmit(long refundId, int sentSoFar, Cause cause) {
		Locked l = lock(refundId);
		Refund refund = l.refund();
		if (refund.status() != RefundStatus.PROCESSING || refund.submitCount() != sentSoFar
				|| sentSoFar >= properties.maxRequests()) {
			return Optional.empty();
		}
		Instant now = clock.instant();
		if (!refunds.markSubmitted(refund, now.plus(properties.firstCheckAfter()), now)) {
			throw new IllegalStateException("refund " + refundId + " changed under its lock");
		}
		refunds.appendEvent(refundId, RefundEvent.RESUBMITTED, refund.status(), refund.status(), cause,
				"request " + (sentSoFar + 1) + " sent with the same number: the provider had no refund " + refund.outRefundNo(),
				now);
		return Optional.of(new Submission(refunds.findById(refundId).orElseThrow(), l.order()));
	}

	/**
	 * The provider never got the refund although it was sent {@code max-requests} times: PROCESSING → CLOSED, kept
	 * for review (nothing moved at the provider).
	 */
	@Transactional
	public Outcome giveUp(long refundId, Cause cause, String why) {
		Locked l = lock(refundId);
		Refund refund = l.refund();
		if (refund.status() != RefundStatus.PROCESSING) {
			return new Outcome(Kind.UNCHANGED, refund, "the refund is " + refund.status());
		}
		move(l.order(), refund, RefundStatus.CLOSED, null, "NOT_FOUND", null, cause, why);
		Refund closed = refunds.findById(refundId).orElseThrow();
		refunds.flagForReview(closed, why, clock.instant());
		return new Outcome(Kind.APPLIED, refunds.findById(refundId).orElseThrow(), why);
	}

	/** A refund request the provider definitely did not accept: PROCESSING → CLOSED with its reason. */
	@Transactional
	public Outcome refused(long refundId, String providerCode, Cause cause, String why) {
		Locked l = lock(refundId);
		Refund refund = l.refund();
		if (!refund.status().canMoveTo(RefundStatus.CLOSED) || refund.status() == RefundStatus.REQUESTED) {
			return new Outcome(Kind.UNCHANGED, refund, "the refund is " + refund.status());
		}
		move(l.order(), refund, RefundStatus.CLOSED, null, providerCode, null, cause, why);
		return new Outcome(Kind.APPLIED, refunds.findById(refundId).orElseThrow(), why);
	}

	/** The provider's answer left the refund's state unknown: nothing changes, the history says so. */
	@Transactional
	public void answerUnknown(long refundId, String errorCode, Cause cause) {
		Refund refund = refunds.findById(refundId).orElseThrow();
		refunds.appendEvent(refundId, RefundEvent.ANSWER_UNKNOWN, refund.status(), refund.status(), cause,
				"no definite answer (" + errorCode + "): the refund keeps its number and is settled by a query",
				clock.instant());
	}

	/** After a question about a refund still waiting for the provider: when to ask next (null: not again). */
	@Transactional
	public void scheduleNextCheck(long refundId, Instant nextCheckAt) {
		refunds.scheduleNextCheck(refundId, nextCheckAt);
	}

	// ------------------------------------------------------------------------------------------ the provider's word

	/** What {@link #providerSays} did. */
	public enum Kind {
		/** the refund moved (or a refund made elsewhere was recorded) */
		APPLIED,
		/** a refund made outside PayRecon was recorded (source EXTERNAL) */
		RECORDED,
		/** the refund is in that state already */
		DUPLICATE,
		/** nothing to do (the refund is not where this word applies) */
		UNCHANGED,
		/** the provider's word disagrees with the refund or its order: kept for review, nothing changed */
		MISMATCH,
		/** the provider's state cannot follow the refund's (SUCCESS → CLOSED): kept for review */
		REFUSED_TRANSITION,
		/** no such order in the account */
		UNKNOWN_ORDER,
		/** the order is not paid here (a refund notice before the payment): the payment must be repaired first */
		ORDER_NOT_PAID,
		/** no refund with that number here, and the caller does not record refunds made elsewhere from this word */
		UNKNOWN_REFUND
	}

	public record Outcome(Kind kind, Refund refund, String detail) {
	}

	/**
	 * Applies what the provider vouches for about a refund (a verified notification, a signed query answer, the
	 * answer to our request): found by out_refund_no (or the provider's refund id) under the order's lock; moves it if
	 * the table allows, exactly once; a refund unknown here is recorded as EXTERNAL when {@code mayRecord} (the word
	 * carries the refund's own amount and is authenticated well enough), else answered UNKNOWN_REFUND for the caller to
	 * confirm by a query. Never changes anything on a mismatch of order, amount or refund id.
	 */
	@Transactional
	public Outcome providerSays(String accountId, ProviderRefund word, Cause cause, boolean mayRecord) {
		Optional<PaymentOrder> locked = orderService.lockForRefund(accountId, word.outTradeNo());
		if (locked.isEmpty()) {
			return new Outcome(Kind.UNKNOWN_ORDER, null, "no order " + word.outTradeNo() + " in account " + accountId);
		}
		PaymentOrder order = locked.get();
		Optional<Refund> found = word.outRefundNo() == null ? Optional.empty() : refunds.lock(accountId, word.outRefundNo());
		if (found.isEmpty() && word.providerRefundId() != null) {
			found = refunds.lockByProviderId(accountId, word.providerRefundId());
		}
		if (found.isEmpty()) {
			return mayRecord ? recordExternal(order, word, cause)
					: new Outcome(Kind.UNKNOWN_REFUND, null, "no refund " + word.outRefundNo() + " here");
		}
		if (found.get().orderId() != order.id()) {
			return new Outcome(Kind.MISMATCH, found.get(), "refund " + word.outRefundNo() + " belongs to order "
					+ found.get().outTradeNo() + ", the provider names " + word.outTradeNo());
		}
		return apply(order, found.get(), word, cause);
	}

	/** The same, for a refund known by id (the answer to our own request or query). */
	@Transactional
	public Outcome providerSays(long refundId, ProviderRefund word, Cause cause) {
		Locked l = lock(refundId);
		return apply(l.order(), l.refund(), word, cause);
	}

	private Outcome apply(PaymentOrder order, Refund refund, ProviderRefund word, Cause cause) {
		Instant now = clock.instant();
		String mismatch = mismatch(order, refund, word);
		if (mismatch != null) {
			refunds.appendEvent(refund.id(), RefundEvent.MISMATCH, refund.status(), refund.status(), cause, mismatch, now);
			refunds.flagForReview(refunds.findById(refund.id()).orElseThrow(), mismatch, now);
			log.warn("Refund {}/{} kept for review: {}", refund.accountId(),
					LogText.printable(refund.outRefundNo()), LogText.printable(mismatch));
			return new Outcome(Kind.MISMATCH, refunds.findById(refund.id()).orElseThrow(), mismatch);
		}
		RefundStatus to = word.status();
		if (to == refund.status()) {
			if (word.providerRefundId() != null && refund.providerRefundId() == null) {
				refunds.noteProvider(refund, word.providerRefundId(), word.providerStatus(), now);
				refunds.appendEvent(refund.id(), RefundEvent.PROVIDER_ID, to, to, cause,
						"the provider's refund id is " + word.providerRefundId(), now);
			}
			return new Outcome(Kind.DUPLICATE, refunds.findById(refund.id()).orElseThrow(), "already " + to);
		}
		if (!refund.status().canMoveTo(to)) {
			String why = "the provider says " + to + " (" + word.providerStatus() + ") while the refund is " + refund.status();
			if (refund.status().isFinal()) {
				refunds.appendEvent(refund.id(), RefundEvent.MISMATCH, refund.status(), refund.status(), cause, why, now);
				refunds.flagForReview(refund, why, now);
				log.warn("Refund {}/{} kept for review: {}", refund.accountId(),
						LogText.printable(refund.outRefundNo()), why);
				return new Outcome(Kind.REFUSED_TRANSITION, refunds.findById(refund.id()).orElseThrow(), why);
			}
			return new Outcome(Kind.UNCHANGED, refund, why);
		}
		if (to == RefundStatus.SUCCESS && !order.status().isPaid()) {
			return new Outcome(Kind.ORDER_NOT_PAID, refund, "the order is " + order.status());
		}
		move(order, refund, to, word.providerRefundId(), word.providerStatus(), word.succeededAt(), cause,
				"the provider says " + word.providerStatus());
		return new Outcome(Kind.APPLIED, refunds.findById(refund.id()).orElseThrow(), refund.status() + " → " + to);
	}

	/** Why the provider's word is not about this refund as we know it; null when it agrees. */
	private String mismatch(PaymentOrder order, Refund refund, ProviderRefund word) {
		if (word.outTradeNo() != null && !word.outTradeNo().equals(refund.outTradeNo())) {
			return "the provider names order " + word.outTradeNo() + ", the refund is of " + refund.outTradeNo();
		}
		if (word.amount() != null && !word.amount().equals(refund.amount())) {
			return "the provider says " + word.amount().value() + " fen, the refund is of " + refund.amount().value() + " fen";
		}
		if (word.orderAmount() != null && !word.orderAmount().equals(order.amount())) {
			return "the provider says the order is of " + word.orderAmount().value() + " fen, it is of "
					+ order.amount().value() + " fen here";
		}
		if (word.providerRefundId() != null && refund.providerRefundId() != null
				&& !word.providerRefundId().equals(refund.providerRefundId())) {
			return "the provider names refund id " + word.providerRefundId() + ", known here as " + refund.providerRefundId();
		}
		// Alipay states only the order's refunded total, which (refunds of one order may finish in any order) bounds
		// this refund from above
		if (word.cumulative() != null && (word.cumulative().compareTo(refund.amount()) < 0
				|| word.cumulative().compareTo(order.amount()) > 0)) {
			return "the provider says " + word.cumulative().value() + " fen of " + order.amount().value()
					+ " fen are refunded in all, which cannot include this refund of " + refund.amount().value() + " fen";
		}
		return null;
	}

	/** A refund made outside PayRecon, as the provider vouches for it: recorded (EXTERNAL), never dropped. */
	private Outcome recordExternal(PaymentOrder order, ProviderRefund word, Cause cause) {
		if (!order.status().isPaid()) {
			return new Outcome(Kind.ORDER_NOT_PAID, null, "the order is " + order.status());
		}
		if (word.amount() == null || word.outRefundNo() == null || word.amount().value() <= 0) {
			return new Outcome(Kind.UNKNOWN_REFUND, null, "a refund made elsewhere without its own number or amount");
		}
		if (word.orderAmount() != null && !word.orderAmount().equals(order.amount())) {
			return new Outcome(Kind.MISMATCH, null, "the provider says the order is of " + word.orderAmount().value()
					+ " fen, it is of " + order.amount().value() + " fen here");
		}
		Fen succeeded = refunds.succeeded(order.id());
		if (word.status() == RefundStatus.SUCCESS && succeeded.plus(word.amount()).compareTo(order.amount()) > 0) {
			return new Outcome(Kind.MISMATCH, null, "a refund of " + word.amount().value() + " fen besides "
					+ succeeded.value() + " fen refunded already would pass the order's " + order.amount().value() + " fen");
		}
		Instant now = clock.instant();
		Optional<Refund> inserted = refunds.insertIfAbsent(new NewRefund(order.accountId(), order.id(), order.outTradeNo(),
				word.outRefundNo(), word.amount(), order.currency(), "made outside PayRecon", word.status(),
				RefundSource.EXTERNAL, word.providerRefundId(), "provider", false,
				word.status() == RefundStatus.SUCCESS ? (word.succeededAt() != null ? word.succeededAt() : now) : null,
				word.providerStatus()), now);
		if (inserted.isEmpty()) {
			return new Outcome(Kind.MISMATCH, refunds.lock(order.accountId(), word.outRefundNo()).orElse(null),
					"refund number " + word.outRefundNo() + " is taken by a refund of another order");
		}
		Refund refund = inserted.get();
		boolean overHeld = refunds.held(order.id()).compareTo(order.amount()) > 0;
		created(order, refund, cause, "made outside PayRecon (" + word.providerStatus() + "), learnt by " + cause.source(),
				now);
		if (overHeld) {
			refunds.flagForReview(refund, "with this refund made elsewhere, the order's refunds pass its amount: "
					+ "one of the refunds still processing will be refused by the provider", now);
		}
		if (refund.status() == RefundStatus.SUCCESS) {
			orderService.applyRefunds(order, refunds.succeeded(order.id()), cause,
					"refund " + refund.outRefundNo() + " of " + refund.amount().toYuan() + " made outside PayRecon");
		}
		log.info("Refund {}/{} made outside PayRecon recorded ({}, {} fen) from {}", refund.accountId(),
				LogText.printable(refund.outRefundNo()), refund.status(), refund.amount().value(), cause.source());
		return new Outcome(Kind.RECORDED, refunds.findById(refund.id()).orElseThrow(), "recorded " + refund.status());
	}

	// ------------------------------------------------------------------------------------------ the one move

	private record Locked(PaymentOrder order, Refund refund) {
	}

	/** The refund's order, then the refund (always in this order, so two writers cannot deadlock on them). */
	private Locked lock(long refundId) {
		Refund known = refunds.findById(refundId).orElseThrow(() -> new RefundNotFound(refundId));
		PaymentOrder order = orderService.lockForRefund(known.orderId()).orElseThrow();
		return new Locked(order, refunds.lock(refundId).orElseThrow());
	}

	/**
	 * Every status change of an existing refund passes here: compare-and-set, the event, the order's refunded amount
	 * when it succeeded, the refund.* event (before the order's own event), the metrics after commit.
	 */
	private void move(PaymentOrder order, Refund refund, RefundStatus to, String providerRefundId, String providerStatus,
			Instant succeededAt, Cause cause, String details) {
		if (!refund.status().canMoveTo(to)) {
			throw new IllegalStateException("refund " + refund.id() + ": " + refund.status() + " → " + to + " is not allowed");
		}
		Instant now = clock.instant();
		if (!refunds.moveStatus(refund, to, providerRefundId, providerStatus, succeededAt, now)) {
			throw new IllegalStateException("refund " + refund.id() + " changed under its lock");
		}
		refunds.appendEvent(refund.id(), RefundEvent.STATUS_CHANGED, refund.status(), to, cause, details, now);
		announce(order, refunds.findById(refund.id()).orElseThrow(), refund.status(), cause, now);
		if (to == RefundStatus.SUCCESS) {
			orderService.applyRefunds(order, refunds.succeeded(order.id()), cause,
					"refund " + refund.outRefundNo() + " of " + refund.amount().toYuan() + " succeeded");
		}
		log.info("Refund {}/{} {} → {} by {} ({})", refund.accountId(),
				LogText.printable(refund.outRefundNo()), refund.status(),
				to, cause.source(), cause.actor());
		counted(refund.accountId(), to, to == RefundStatus.SUCCESS ? refund.amount() : null);
	}

	/** A new refund row's event and metrics (its first status is its move). */
	private void created(PaymentOrder order, Refund refund, Cause cause, String details, Instant now) {
		refunds.appendEvent(refund.id(), RefundEvent.CREATED, null, refund.status(), cause, details, now);
		announce(order, refund, null, cause, now);
		counted(refund.accountId(), refund.status(), refund.status() == RefundStatus.SUCCESS ? refund.amount() : null);
	}

	/**
	 * The refund.* event of a refund that was created in, or moved to, its present status: through the {@link Outbox},
	 * in this transaction (OutboxWritersTests: the refund module writes only here). The data holds the refund and its
	 * order's refunded amount as they are after the change, amounts in fen; never who asked or approved (logins, API
	 * clients), never a key.
	 */
	private void announce(PaymentOrder order, Refund refund, RefundStatus previous, Cause cause, Instant now) {
		EventType type = switch (refund.status()) { // exhaustive: a new status breaks compilation here
			case REQUESTED -> EventType.REFUND_REQUESTED;
			case PROCESSING -> EventType.REFUND_PROCESSING;
			case SUCCESS -> EventType.REFUND_SUCCEEDED;
			case CLOSED -> EventType.REFUND_CLOSED;
			case ABNORMAL -> EventType.REFUND_ABNORMAL;
		};
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("outRefundNo", refund.outRefundNo());
		r.put("status", refund.status().name());
		if (previous != null) {
			r.put("previousStatus", previous.name());
		}
		r.put("amount", refund.amount().value());
		r.put("currency", refund.currency());
		r.put("source", refund.source().name());
		if (refund.providerRefundId() != null) {
			r.put("providerRefundId", refund.providerRefundId());
		}
		if (refund.succeededAt() != null) {
			r.put("succeededAt", refund.succeededAt().toString());
		}
		// the order as it is once this change is applied (a SUCCESS refund counts in its refunded amount)
		Fen refunded = refunds.succeeded(order.id());
		Map<String, Object> o = new LinkedHashMap<>();
		o.put("outTradeNo", order.outTradeNo());
		o.put("amount", order.amount().value());
		o.put("refunded", refunded.value());
		o.put("status", (order.status().isPaid() ? OrderStatus.afterRefunds(order.amount(), refunded) : order.status()).name());
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("refund", r);
		data.put("order", o);
		outbox.append(new NewEvent(type, refund.accountId(), order.id(), null, order.outTradeNo(), refund.id(),
				cause.eventCause(), cause.eventTrigger(), now, data));
	}

	private void counted(String accountId, RefundStatus status, Fen amount) {
		String channel = accounts.find(accountId).map(a -> a.channel().wireName()).orElse("unknown");
		Counter counter = Counter.builder(METRIC)
			.description("refunds entering a status, by channel and status")
			.tag("channel", channel)
			.tag("status", status.name())
			.register(meters);
		Counter fen = amount == null ? null : Counter.builder(AMOUNT_METRIC)
			.description("fen refunded (refunds that reached SUCCESS), by account")
			.baseUnit("fen")
			.tag("account", accountId)
			.register(meters);
		afterCommit(() -> {
			counter.increment();
			if (fen != null) {
				fen.increment(amount.value());
			}
		});
	}

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

	private static String blankToNull(String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

	/** No refund with that id. */
	public static class RefundNotFound extends RuntimeException {
		public RefundNotFound(long id) {
			super("no refund " + id);
		}
	}
}
