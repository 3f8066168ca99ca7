package com.payrecon.sandbox;

import static com.payrecon.db.Tables.SANDBOX_DELIVERY;
import static com.payrecon.db.Tables.SANDBOX_DELIVERY_ATTEMPT;
import static com.payrecon.db.Tables.SANDBOX_ORDER;
import static com.payrecon.db.Tables.SANDBOX_REFUND;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import com.payrecon.account.Channel;
import com.payrecon.db.tables.records.SandboxDeliveryAttemptRecord;
import com.payrecon.db.tables.records.SandboxDeliveryRecord;
import com.payrecon.db.tables.records.SandboxOrderRecord;
import com.payrecon.db.tables.records.SandboxRefundRecord;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.annotation.Transactional;

/**
 * The sandbox's provider-side ledger over the {@code sandbox_*} tables. State changes are compare-and-set updates on
 * the status (and version), so concurrent calls (a payer paying while the merchant closes) cannot both win.
 */
public class SandboxLedger {

	static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
	private static final SecureRandom RANDOM = new SecureRandom();

	private final DSLContext dsl;
	private final Clock clock;

	public SandboxLedger(DSLContext dsl, Clock clock) {
		this.dsl = dsl;
		this.clock = clock;
	}

	/**
	 * A refund as the provider sees it. {@code status} uses WeChat's names: PROCESSING, SUCCESS, CHANGE (abnormal),
	 * REFUNDCLOSE; {@code outcome} is what a PROCESSING refund becomes at {@code dueAt}; {@code source} API or
	 * PLATFORM (made in the merchant platform); {@code requestCount} refund requests received with its number.
	 */
	public record Refund(long id, long orderId, String merchantId, String outRefundNo, String refundId, Fen amount,
			Instant requestedAt, String status, String outcome, Instant dueAt, Instant succeededAt, String reason,
			String notifyUrl, String source, int requestCount) {

		public boolean succeeded() {
			return "SUCCESS".equals(status);
		}
	}

	/** @param refundId the {@code sandbox_refund} row a refund notification is about (null: a payment notification) */
	public record Delivery(long id, String merchantId, Channel channel, Long orderId, String outTradeNo, String notifyId,
			String notifyUrl, String fault, int badSignatureAttempts, String status, int attempts, Instant nextAttemptAt,
			Instant createdAt, int version, Long refundId) {
	}

	public record Attempt(long deliveryId, int attemptNo, Instant attemptedAt, long durationMillis, Integer httpStatus,
			String responseBody, String error, boolean success, String requestSha256) {
	}

	// ---- orders -------------------------------------------------------------------------------------------------

	/** Inserts a new order; empty when the merchant already has that out_trade_no. */
	@Transactional
	public Optional<LedgerOrder> insert(SandboxMerchant merchant, String outTradeNo, Fen amount, String description,
			String attach, String notifyUrl, String tradeType, String status, String authCode) {
		Instant now = clock.instant();
		for (int attempt = 0;; attempt++) {
			try {
				SandboxOrderRecord r = dsl.newRecord(SANDBOX_ORDER);
				r.setMerchantId(merchant.id());
				r.setChannel(merchant.channel().wireName());
				r.setOutTradeNo(outTradeNo);
				r.setProviderTradeNo(newTradeNo(merchant.channel(), now));
				r.setTradeType(tradeType);
				r.setAmountMinor(amount.value());
				r.setCurrency("CNY");
				r.setDescription(description);
				r.setAttach(attach == null || attach.isEmpty() ? null : attach);
				r.setNotifyUrl(notifyUrl);
				r.setStatus(status);
				r.setAuthCode(authCode);
				r.setReverseCalls(0);
				r.setRefundedMinor(0L);
				r.setCreatedAt(now);
				r.setUpdatedAt(now);
				r.setVersion(0);
				r.store();
				return Optional.of(order(r));
			}
			catch (DuplicateKeyException | IntegrityConstraintViolationException ex) {
				if (find(merchant.id(), outTradeNo).isPresent()) {
					return Optional.empty();
				}
				if (attempt > 3) {
					throw ex;
				}
				// a provider trade number collided: draw another
			}
		}
	}

	public Optional<LedgerOrder> find(String merchantId, String outTradeNo) {
		return dsl.selectFrom(SANDBOX_ORDER)
			.where(SANDBOX_ORDER.MERCHANT_ID.eq(merchantId), SANDBOX_ORDER.OUT_TRADE_NO.eq(outTradeNo))
			.fetchOptional(SandboxLedger::order);
	}

	public Optional<LedgerOrder> findById(long id) {
		return dsl.selectFrom(SANDBOX_ORDER).where(SANDBOX_ORDER.ID.eq(id)).fetchOptional(SandboxLedger::order);
	}

	public Optional<LedgerOrder> findByProviderTradeNo(String merchantId, String providerTradeNo) {
		return dsl.selectFrom(SANDBOX_ORDER)
			.where(SANDBOX_ORDER.MERCHANT_ID.eq(merchantId), SANDBOX_ORDER.PROVIDER_TRADE_NO.eq(providerTradeNo))
			.fetchOptional(SandboxLedger::order);
	}

	public List<LedgerOrder> recent(String merchantId, int limit) {
		var where = merchantId == null ? SANDBOX_ORDER.ID.isNotNull() : SANDBOX_ORDER.MERCHANT_ID.eq(merchantId);
		return dsl.selectFrom(SANDBOX_ORDER).where(where).orderBy(SANDBOX_ORDER.ID.desc()).limit(limit).fetch(SandboxLedger::order);
	}

	/** NOTPAY/USERPAYING → SUCCESS. False when the order was no longer payable. */
	public boolean markPaid(LedgerOrder order, String payerId, String bankType, Instant at) {
		return dsl.update(SANDBOX_ORDER)
			.set(SANDBOX_ORDER.STATUS, "SUCCESS")
			.set(SANDBOX_ORDER.PAYER_ID, payerId)
			.set(SANDBOX_ORDER.BANK_TYPE, bankType)
			.set(SANDBOX_ORDER.PAID_AT, at)
			.set(SANDBOX_ORDER.SCANNED_AT, order.scannedAt() == null ? at : order.scannedAt())
			.set(SANDBOX_ORDER.UPDATED_AT, clock.instant())
			.set(SANDBOX_ORDER.VERSION, SANDBOX_ORDER.VERSION.plus(1))
			.where(SANDBOX_ORDER.ID.eq(order.id()), SANDBOX_ORDER.STATUS.in("NOTPAY", "USERPAYING"))
			.execute() == 1;
	}

	/** Moves an unpaid order to {@code to} (CLOSED, REVOKED, PAYERROR, USERPAYING). */
	public boolean moveUnpaid(LedgerOrder order, String to) {
		return dsl.update(SANDBOX_ORDER)
			.set(SANDBOX_ORDER.STATUS, to)
			.set(SANDBOX_ORDER.CLOSED_AT, "USERPAYING".equals(to) ? null : clock.instant())
			.set(SANDBOX_ORDER.UPDATED_AT, clock.instant())
			.set(SANDBOX_ORDER.VERSION, SANDBOX_ORDER.VERSION.plus(1))
			.where(SANDBOX_ORDER.ID.eq(order.id()), SANDBOX_ORDER.STATUS.in("NOTPAY", "USERPAYING"))
			.execute() == 1;
	}

	/** Reverse of a paid micropay order: the payment is returned and the order REVOKED. */
	public boolean revokePaid(LedgerOrder order) {
		return dsl.update(SANDBOX_ORDER)
			.set(SANDBOX_ORDER.STATUS, "REVOKED")
			.set(SANDBOX_ORDER.CLOSED_AT, clock.instant())
			.set(SANDBOX_ORDER.UPDATED_AT, clock.instant())
			.set(SANDBOX_ORDER.VERSION, SANDBOX_ORDER.VERSION.plus(1))
			.where(SANDBOX_ORDER.ID.eq(order.id()), SANDBOX_ORDER.STATUS.eq("SUCCESS"))
			.execute() == 1;
	}

	public int countReverseCall(LedgerOrder order) {
		dsl.update(SANDBOX_ORDER)
			.set(SANDBOX_ORDER.REVERSE_CALLS, SANDBOX_ORDER.REVERSE_CALLS.plus(1))
			.where(SANDBOX_ORDER.ID.eq(order.id()))
			.execute();
		return order.reverseCalls() + 1;
	}

	public void markScanned(LedgerOrder order) {
		dsl.update(SANDBOX_ORDER)
			.set(SANDBOX_ORDER.SCANNED_AT, clock.instant())
			.where(SANDBOX_ORDER.ID.eq(order.id()), SANDBOX_ORDER.SCANNED_AT.isNull())
			.execute();
	}

	public void setPayDue(LedgerOrder order, Instant due) {
		dsl.update(SANDBOX_ORDER).set(SANDBOX_ORDER.PAY_DUE_AT, due).where(SANDBOX_ORDER.ID.eq(order.id())).execute();
	}

	/** A refund to record: {@code status} PROCESSING (done at {@code dueAt} as {@code outcome}) or SUCCESS. */
	public record NewRefund(String outRefundNo, Fen amount, String status, String outcome, Instant dueAt, String reason,
			String notifyUrl, String source) {
	}

	/**
	 * Refunds part or all of a paid order: the amount is held on the order (never more than its amount, compare-and-set)
	 * and its status becomes REFUND. Requested at {@code now}: the clock's time, or a time in the past for the demo's
	 * history. Empty when the order cannot give that much back (unpaid, or more than what is left), or the merchant
	 * has that out_refund_no already.
	 */
	@Transactional
	public Optional<Refund> refund(LedgerOrder order, NewRefund refund, Instant now) {
		int updated = dsl.update(SANDBOX_ORDER)
			.set(SANDBOX_ORDER.STATUS, "REFUND")
			.set(SANDBOX_ORDER.REFUNDED_MINOR, SANDBOX_ORDER.REFUNDED_MINOR.plus(refund.amount().value()))
			.set(SANDBOX_ORDER.UPDATED_AT, clock.instant())
			.set(SANDBOX_ORDER.VERSION, SANDBOX_ORDER.VERSION.plus(1))
			.where(SANDBOX_ORDER.ID.eq(order.id()), SANDBOX_ORDER.STATUS.in("SUCCESS", "REFUND"),
					SANDBOX_ORDER.REFUNDED_MINOR.plus(refund.amount().value()).le(SANDBOX_ORDER.AMOUNT_MINOR))
			.execute();
		if (updated != 1) {
			return Optional.empty();
		}
		SandboxRefundRecord r = dsl.newRecord(SANDBOX_REFUND);
		r.setOrderId(order.id());
		r.setMerchantId(order.merchantId());
		r.setOutRefundNo(refund.outRefundNo());
		r.setRefundId(order.channel() == Channel.ALIPAY ? refund.outRefundNo() : "5030" + DAY.format(now.atZone(BEIJING)) + digits(17));
		r.setAmountMinor(refund.amount().value());
		r.setRequestedAt(now);
		r.setStatus(refund.status());
		r.setOutcome(refund.outcome());
		r.setDueAt(refund.dueAt());
		r.setSucceededAt("SUCCESS".equals(refund.status()) ? now : null);
		r.setFinishedAt("PROCESSING".equals(refund.status()) ? null : now);
		r.setReason(refund.reason());
		r.setNotifyUrl(refund.notifyUrl());
		r.setSource(refund.source());
		r.setRequestCount(1);
		r.setVersion(0);
		try {
			r.store();
		}
		catch (DuplicateKeyException | IntegrityConstraintViolationException ex) {
			throw new DuplicateRefundNumber(refund.outRefundNo());
		}
		return Optional.of(refund(r));
	}

	/** The merchant has a refund with that number already (the caller's transaction rolls back). */
	public static class DuplicateRefundNumber extends RuntimeException {
		DuplicateRefundNumber(String outRefundNo) {
			super("refund number " + outRefundNo + " exists");
		}
	}

	public Optional<Refund> findRefund(String merchantId, String outRefundNo) {
		return dsl.selectFrom(SANDBOX_REFUND)
			.where(SANDBOX_REFUND.MERCHANT_ID.eq(merchantId), SANDBOX_REFUND.OUT_REFUND_NO.eq(outRefundNo))
			.fetchOptional(SandboxLedger::refund);
	}

	public Optional<Refund> findRefundByRefundId(String merchantId, String refundId) {
		return dsl.selectFrom(SANDBOX_REFUND)
			.where(SANDBOX_REFUND.MERCHANT_ID.eq(merchantId), SANDBOX_REFUND.REFUND_ID.eq(refundId))
			.fetchOptional(SandboxLedger::refund);
	}

	public Optional<Refund> findRefundById(long id) {
		return dsl.selectFrom(SANDBOX_REFUND).where(SANDBOX_REFUND.ID.eq(id)).fetchOptional(SandboxLedger::refund);
	}

	/** One more refund request arrived with this refund's number. */
	public void countRefundRequest(Refund refund) {
		dsl.update(SANDBOX_REFUND)
			.set(SANDBOX_REFUND.REQUEST_COUNT, SANDBOX_REFUND.REQUEST_COUNT.plus(1))
			.where(SANDBOX_REFUND.ID.eq(refund.id()))
			.execute();
	}

	/** PROCESSING refunds due by {@code now}. */
	public List<Refund> dueRefunds(Instant now, int limit) {
		return dsl.selectFrom(SANDBOX_REFUND)
			.where(SANDBOX_REFUND.STATUS.eq("PROCESSING"), SANDBOX_REFUND.DUE_AT.le(now))
			.orderBy(SANDBOX_REFUND.DUE_AT, SANDBOX_REFUND.ID)
			.limit(limit)
			.fetch(SandboxLedger::refund);
	}

	/**
	 * PROCESSING → {@code to} (SUCCESS, CHANGE, REFUNDCLOSE), compare-and-set. A refund that does not succeed gives its
	 * amount back to the order's refundable amount.
	 */
	@Transactional
	public boolean finishRefund(Refund refund, String to, Instant at) {
		int updated = dsl.update(SANDBOX_REFUND)
			.set(SANDBOX_REFUND.STATUS, to)
			.set(SANDBOX_REFUND.SUCCEEDED_AT, "SUCCESS".equals(to) ? at : null)
			.set(SANDBOX_REFUND.FINISHED_AT, at)
			.set(SANDBOX_REFUND.VERSION, SANDBOX_REFUND.VERSION.plus(1))
			.where(SANDBOX_REFUND.ID.eq(refund.id()), SANDBOX_REFUND.STATUS.eq(refund.status()))
			.execute();
		if (updated == 1 && "REFUNDCLOSE".equals(to)) {
			dsl.update(SANDBOX_ORDER)
				.set(SANDBOX_ORDER.REFUNDED_MINOR, SANDBOX_ORDER.REFUNDED_MINOR.minus(refund.amount().value()))
				.where(SANDBOX_ORDER.ID.eq(refund.orderId()))
				.execute();
		}
		return updated == 1;
	}

	/** Every refund the sandbox holds (the chaos run's checks). */
	public List<Refund> allRefunds(String merchantId) {
		return dsl.selectFrom(SANDBOX_REFUND)
			.where(SANDBOX_REFUND.MERCHANT_ID.eq(merchantId))
			.orderBy(SANDBOX_REFUND.ID)
			.fetch(SandboxLedger::refund);
	}

	public List<Refund> refunds(long orderId) {
		return dsl.selectFrom(SANDBOX_REFUND).where(SANDBOX_REFUND.ORDER_ID.eq(orderId)).orderBy(SANDBOX_REFUND.ID).fetch(SandboxLedger::refund);
	}

	/** Orders of one merchant paid in [from, to). */
	public List<LedgerOrder> paidBetween(String merchantId, Instant from, Instant to) {
		return dsl.selectFrom(SANDBOX_ORDER)
			.where(SANDBOX_ORDER.MERCHANT_ID.eq(merchantId), SANDBOX_ORDER.PAID_AT.ge(from), SANDBOX_ORDER.PAID_AT.lt(to))
			.orderBy(SANDBOX_ORDER.PAID_AT, SANDBOX_ORDER.ID)
			.fetch(SandboxLedger::order);
	}

	/** Refunds of one merchant requested in [from, to), each with its order. */
	public List<RefundRow> refundsBetween(String merchantId, Instant from, Instant to) {
		return dsl.select(SANDBOX_REFUND, SANDBOX_ORDER)
			.from(SANDBOX_REFUND)
			.join(SANDBOX_ORDER)
			.on(SANDBOX_ORDER.ID.eq(SANDBOX_REFUND.ORDER_ID))
			.where(SANDBOX_REFUND.MERCHANT_ID.eq(merchantId), SANDBOX_REFUND.REQUESTED_AT.ge(from),
					SANDBOX_REFUND.REQUESTED_AT.lt(to))
			.orderBy(SANDBOX_REFUND.REQUESTED_AT, SANDBOX_REFUND.ID)
			.fetch(r -> new RefundRow(refund(r.value1()), order(r.value2())));
	}

	public record RefundRow(Refund refund, LedgerOrder order) {
	}

	// ---- deliveries ---------------------------------------------------------------------------------------------

	public Delivery insertDelivery(SandboxMerchant merchant, Long orderId, String outTradeNo, String notifyId,
			String notifyUrl, String fault, int badSignatureAttempts, String status, Instant nextAttemptAt) {
		return insertDelivery(merchant, orderId, null, outTradeNo, notifyId, notifyUrl, fault, badSignatureAttempts,
				status, nextAttemptAt);
	}

	public Delivery insertDelivery(SandboxMerchant merchant, Long orderId, Long refundId, String outTradeNo,
			String notifyId, String notifyUrl, String fault, int badSignatureAttempts, String status,
			Instant nextAttemptAt) {
		Instant now = clock.instant();
		SandboxDeliveryRecord r = dsl.newRecord(SANDBOX_DELIVERY);
		r.setSandboxRefundId(refundId);
		r.setMerchantId(merchant.id());
		r.setChannel(merchant.channel().wireName());
		r.setOrderId(orderId);
		r.setOutTradeNo(outTradeNo);
		r.setNotifyId(notifyId);
		r.setNotifyUrl(notifyUrl);
		r.setFault(fault);
		r.setBadSignatureAttempts(badSignatureAttempts);
		r.setStatus(status);
		r.setAttempts(0);
		r.setNextAttemptAt(nextAttemptAt);
		r.setCreatedAt(now);
		r.setUpdatedAt(now);
		r.setVersion(0);
		r.store();
		return delivery(r);
	}

	public List<Delivery> dueDeliveries(Instant now, int limit) {
		return dsl.selectFrom(SANDBOX_DELIVERY)
			.where(SANDBOX_DELIVERY.NEXT_ATTEMPT_AT.le(now))
			.orderBy(SANDBOX_DELIVERY.NEXT_ATTEMPT_AT, SANDBOX_DELIVERY.ID)
			.limit(limit)
			.fetch(SandboxLedger::delivery);
	}

	/** Takes a due delivery for one attempt (a lease: if the sender dies, it is due again at {@code leaseUntil}). */
	public boolean claim(Delivery d, Instant leaseUntil) {
		return dsl.update(SANDBOX_DELIVERY)
			.set(SANDBOX_DELIVERY.NEXT_ATTEMPT_AT, leaseUntil)
			.set(SANDBOX_DELIVERY.VERSION, SANDBOX_DELIVERY.VERSION.plus(1))
			.where(SANDBOX_DELIVERY.ID.eq(d.id()), SANDBOX_DELIVERY.VERSION.eq(d.version()))
			.execute() == 1;
	}

	/** Postpones a claimed delivery without an attempt (merchant outage). */
	public void postpone(Delivery d, Instant until) {
		dsl.update(SANDBOX_DELIVERY)
			.set(SANDBOX_DELIVERY.NEXT_ATTEMPT_AT, until)
			.set(SANDBOX_DELIVERY.UPDATED_AT, clock.instant())
			.where(SANDBOX_DELIVERY.ID.eq(d.id()))
			.execute();
	}

	/** Records an attempt and what follows: the next attempt, or the end (status DELIVERED or GAVE_UP). */
	@Transactional
	public void recordAttempt(Attempt attempt, String status, Instant nextAttemptAt) {
		SandboxDeliveryAttemptRecord a = dsl.newRecord(SANDBOX_DELIVERY_ATTEMPT);
		a.setDeliveryId(attempt.deliveryId());
		a.setAttemptNo(attempt.attemptNo());
		a.setAttemptedAt(attempt.attemptedAt());
		a.setDurationMs(attempt.durationMillis());
		a.setHttpStatus(attempt.httpStatus());
		a.setResponseBody(truncate(attempt.responseBody(), 1024));
		a.setError(truncate(attempt.error(), 512));
		a.setSuccess(attempt.success());
		a.setRequestSha256(attempt.requestSha256());
		a.setVersion(0);
		a.store();
		dsl.update(SANDBOX_DELIVERY)
			.set(SANDBOX_DELIVERY.ATTEMPTS, attempt.attemptNo())
			.set(SANDBOX_DELIVERY.STATUS, status)
			.set(SANDBOX_DELIVERY.NEXT_ATTEMPT_AT, nextAttemptAt)
			.set(SANDBOX_DELIVERY.UPDATED_AT, clock.instant())
			.where(SANDBOX_DELIVERY.ID.eq(attempt.deliveryId()), SANDBOX_DELIVERY.STATUS.ne("CANCELLED"))
			.execute();
	}

	/** Stops every unfinished delivery of a merchant (status CANCELLED); returns how many. */
	public int cancelPending(String merchantId) {
		// one statement (its own transaction) over all the merchant's unfinished rows, while the delivery loop updates
		// them one by one in another order: a deadlock or lock wait is possible (it answered 500 under load), and the
		// statement is safe to run again
		for (int attempt = 1;; attempt++) {
			try {
				return cancelPendingOnce(merchantId);
			}
			catch (org.springframework.dao.PessimisticLockingFailureException ex) {
				if (attempt >= 5) {
					throw ex;
				}
				try {
					Thread.sleep(20L * attempt);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private int cancelPendingOnce(String merchantId) {
		return dsl.update(SANDBOX_DELIVERY)
			.set(SANDBOX_DELIVERY.STATUS, "CANCELLED")
			.setNull(SANDBOX_DELIVERY.NEXT_ATTEMPT_AT)
			.set(SANDBOX_DELIVERY.UPDATED_AT, clock.instant())
			.set(SANDBOX_DELIVERY.VERSION, SANDBOX_DELIVERY.VERSION.plus(1))
			.where(SANDBOX_DELIVERY.MERCHANT_ID.eq(merchantId), SANDBOX_DELIVERY.NEXT_ATTEMPT_AT.isNotNull())
			.execute();
	}

	public List<Delivery> deliveries(String merchantId, String outTradeNo, int limit) {
		var condition = SANDBOX_DELIVERY.ID.isNotNull();
		if (merchantId != null) {
			condition = condition.and(SANDBOX_DELIVERY.MERCHANT_ID.eq(merchantId));
		}
		if (outTradeNo != null) {
			condition = condition.and(SANDBOX_DELIVERY.OUT_TRADE_NO.eq(outTradeNo));
		}
		return dsl.selectFrom(SANDBOX_DELIVERY)
			.where(condition)
			.orderBy(SANDBOX_DELIVERY.ID.desc())
			.limit(limit)
			.fetch(SandboxLedger::delivery);
	}

	public Optional<Delivery> delivery(long id) {
		return dsl.selectFrom(SANDBOX_DELIVERY).where(SANDBOX_DELIVERY.ID.eq(id)).fetchOptional(SandboxLedger::delivery);
	}

	public List<Attempt> attempts(Collection<Long> deliveryIds) {
		return dsl.selectFrom(SANDBOX_DELIVERY_ATTEMPT)
			.where(SANDBOX_DELIVERY_ATTEMPT.DELIVERY_ID.in(deliveryIds))
			.orderBy(SANDBOX_DELIVERY_ATTEMPT.DELIVERY_ID, SANDBOX_DELIVERY_ATTEMPT.ATTEMPT_NO)
			.fetch(r -> new Attempt(r.getDeliveryId(), r.getAttemptNo(), r.getAttemptedAt(), r.getDurationMs(),
					r.getHttpStatus(), r.getResponseBody(), r.getError(), r.getSuccess(), r.getRequestSha256()));
	}

	// ---- mapping ------------------------------------------------------------------------------------------------

	private static LedgerOrder order(SandboxOrderRecord r) {
		return new LedgerOrder(r.getId(), r.getMerchantId(), Channel.fromWire(r.getChannel()).orElseThrow(),
				r.getOutTradeNo(), r.getProviderTradeNo(), r.getTradeType(), Fen.of(r.getAmountMinor()), r.getCurrency(),
				r.getDescription(), r.getAttach(), r.getNotifyUrl(), r.getStatus(), r.getAuthCode(), r.getPayerId(),
				r.getBankType(), r.getScannedAt(), r.getPayDueAt(), r.getPaidAt(), r.getClosedAt(), r.getReverseCalls(),
				Fen.of(r.getRefundedMinor()), r.getCreatedAt(), r.getVersion());
	}

	private static Refund refund(SandboxRefundRecord r) {
		return new Refund(r.getId(), r.getOrderId(), r.getMerchantId(), r.getOutRefundNo(), r.getRefundId(),
				Fen.of(r.getAmountMinor()), r.getRequestedAt(), r.getStatus(), r.getOutcome(), r.getDueAt(),
				r.getSucceededAt(), r.getReason(), r.getNotifyUrl(), r.getSource(), r.getRequestCount());
	}

	private static Delivery delivery(SandboxDeliveryRecord r) {
		return new Delivery(r.getId(), r.getMerchantId(), Channel.fromWire(r.getChannel()).orElseThrow(), r.getOrderId(),
				r.getOutTradeNo(), r.getNotifyId(), r.getNotifyUrl(), r.getFault(), r.getBadSignatureAttempts(),
				r.getStatus(), r.getAttempts(), r.getNextAttemptAt(), r.getCreatedAt(), r.getVersion(),
				r.getSandboxRefundId());
	}

	/** WeChat: 4200 + yyyyMMdd + 16 digits (28); Alipay: yyyyMMdd + 22 + 18 digits (28). */
	static String newTradeNo(Channel channel, Instant now) {
		String day = DAY.format(now.atZone(BEIJING));
		return channel == Channel.ALIPAY ? day + "22" + digits(18) : "4200" + day + digits(16);
	}

	static String digits(int n) {
		StringBuilder sb = new StringBuilder(n);
		for (int i = 0; i < n; i++) {
			sb.append((char) ('0' + RANDOM.nextInt(10)));
		}
		return sb.toString();
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}
}
