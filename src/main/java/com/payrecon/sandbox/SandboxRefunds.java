package com.payrecon.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.payrecon.account.Channel;
import com.payrecon.sandbox.SandboxLedger.DuplicateRefundNumber;
import com.payrecon.sandbox.SandboxLedger.NewRefund;
import com.payrecon.sandbox.SandboxLedger.Refund;
import com.payrecon.sandbox.SandboxMerchants.RefundFaults;
import com.payrecon.support.money.Fen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;

/**
 * Refunds as the providers run them, shared by the three wire formats and the control API. A refund request is
 * idempotent by its number (the same number and amount again answers the same refund and is counted in
 * {@code request_count}; another amount or order is a conflict); its amount is held on the order so refunds never pass
 * the amount paid. WeChat refunds are PROCESSING for {@code refund-delay}, then SUCCESS, or CHANGE (abnormal) as the
 * merchant's {@code refund-abnormal-share} decides; Alipay refunds succeed at once. Finished refunds are notified
 * with the merchant's notification faults (dropped, duplicated, forged). Refunds made in the merchant platform
 * ({@link #platformRefund}) are refunds the merchant's systems never asked for.
 */
public class SandboxRefunds {

	private static final Logger log = LoggerFactory.getLogger(SandboxRefunds.class);

	private final SandboxLedger ledger;
	private final SandboxNotifier notifier;
	private final SandboxMerchants merchants;
	private final SandboxProperties properties;
	private final Clock clock;
	private ScheduledExecutorService poller;

	public SandboxRefunds(SandboxLedger ledger, SandboxNotifier notifier, SandboxMerchants merchants,
			SandboxProperties properties, Clock clock) {
		this.ledger = ledger;
		this.notifier = notifier;
		this.merchants = merchants;
		this.properties = properties;
		this.clock = clock;
	}

	public enum RequestOutcome {
		/** a new refund */
		CREATED,
		/** the same number, order and amount again: the refund as it is */
		SAME,
		/** the same number with another order or amount */
		CONFLICT,
		/** the order is not paid */
		NOT_PAID,
		/** more than the order has left to refund */
		EXCEEDS
	}

	/** @param lostAnswer the request is carried out, but the caller must answer a bare 502 (fault) */
	public record Requested(RequestOutcome outcome, Refund refund, boolean lostAnswer) {
	}

	/** A refund request through the provider's API. */
	public Requested request(SandboxMerchant merchant, LedgerOrder order, String outRefundNo, Fen amount, String reason,
			String notifyUrl) {
		Optional<Refund> existing = ledger.findRefund(merchant.id(), outRefundNo);
		if (existing.isPresent()) {
			return again(existing.get(), order, amount);
		}
		if (!order.isPaid()) {
			return new Requested(RequestOutcome.NOT_PAID, null, false);
		}
		RefundFaults faults = merchants.drawRefund(merchant.id());
		Instant now = clock.instant();
		boolean wechat = merchant.channel() != Channel.ALIPAY;
		NewRefund refund = wechat
				? new NewRefund(outRefundNo, amount, "PROCESSING", faults.abnormal() ? "CHANGE" : "SUCCESS",
						now.plus(properties.refundDelay()), reason, notifyUrl, "API")
				: new NewRefund(outRefundNo, amount, "SUCCESS", "SUCCESS", null, reason, null, "API");
		Optional<Refund> created;
		try {
			created = ledger.refund(order, refund, now);
		}
		catch (DuplicateRefundNumber ex) { // the same number, at the same moment
			return again(ledger.findRefund(merchant.id(), outRefundNo).orElseThrow(), order, amount);
		}
		if (created.isEmpty()) {
			return new Requested(RequestOutcome.EXCEEDS, null, false);
		}
		log.info("sandbox {}: refund {} of {} ({} fen) {}", merchant.id(), outRefundNo, order.outTradeNo(), amount.value(),
				created.get().status());
		if (created.get().succeeded()) {
			notifier.refundNotified(created.get());
		}
		return new Requested(RequestOutcome.CREATED, created.get(), faults.lostAnswer());
	}

	private Requested again(Refund existing, LedgerOrder order, Fen amount) {
		ledger.countRefundRequest(existing);
		boolean same = existing.orderId() == order.id() && existing.amount().equals(amount);
		return new Requested(same ? RequestOutcome.SAME : RequestOutcome.CONFLICT,
				ledger.findRefundById(existing.id()).orElseThrow(), false);
	}

	/**
	 * A refund made in the merchant platform (not through the API) at {@code at}: SUCCESS at once; notified (with the
	 * merchant's faults) when {@code notify}, else its notification is lost and only a query or the bill tell.
	 */
	public Optional<Refund> platformRefund(LedgerOrder order, Fen amount, String outRefundNo, Instant at, boolean notify) {
		Optional<Refund> refund = ledger.refund(order,
				new NewRefund(outRefundNo, amount, "SUCCESS", "SUCCESS", null, "refund in the merchant platform", null,
						"PLATFORM"),
				at);
		if (refund.isPresent() && notify) {
			notifier.refundNotified(refund.get());
		}
		return refund;
	}

	/** The refund as it is now (a due WeChat refund is finished first, as the provider would have). */
	public Refund settle(Refund refund) {
		if ("PROCESSING".equals(refund.status()) && refund.dueAt() != null && !clock.instant().isBefore(refund.dueAt())) {
			finish(refund);
			return ledger.findRefundById(refund.id()).orElseThrow();
		}
		return refund;
	}

	/** Finishes due PROCESSING refunds; each is notified once, by whoever finished it. */
	void finishDue() {
		for (Refund due : ledger.dueRefunds(clock.instant(), 200)) {
			finish(due);
		}
	}

	private void finish(Refund refund) {
		String to = refund.outcome() == null ? "SUCCESS" : refund.outcome();
		if (ledger.finishRefund(refund, to, clock.instant())) {
			Refund finished = ledger.findRefundById(refund.id()).orElseThrow();
			log.info("sandbox {}: refund {} {}", finished.merchantId(), finished.outRefundNo(), to);
			notifier.refundNotified(finished);
		}
	}

	@EventListener(ApplicationReadyEvent.class)
	public synchronized void start() {
		if (poller != null) {
			return;
		}
		poller = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "sandbox-refunds");
			t.setDaemon(true);
			return t;
		});
		long period = Math.max(20, properties.pollInterval().toMillis());
		poller.scheduleWithFixedDelay(() -> {
			try {
				finishDue();
			}
			catch (RuntimeException ex) {
				log.warn("sandbox refunds poll failed: {}", ex.toString());
			}
		}, period, period, TimeUnit.MILLISECONDS);
	}

	@EventListener(ContextClosedEvent.class)
	public synchronized void stop() {
		if (poller != null) {
			poller.shutdownNow();
			poller = null;
		}
	}
}
