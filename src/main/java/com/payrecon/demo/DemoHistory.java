package com.payrecon.demo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.account.Channel;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.ProviderPayment;
import com.payrecon.reconcile.Discrepancy;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.ReconciliationResult;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.RefundService;
import com.payrecon.refund.RefundStatus;
import com.payrecon.sandbox.LedgerOrder;
import com.payrecon.sandbox.PayerSimulation;
import com.payrecon.sandbox.SandboxLedger;
import com.payrecon.sandbox.SandboxMerchant;
import com.payrecon.sandbox.SandboxMerchants;
import com.payrecon.sandbox.SandboxRefunds;
import com.payrecon.sandbox.SandboxTrades;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Demo only: at the first demo start, yesterday (in each demo account's zone) becomes a small realistic day so that
 * the console's Reconciliation pages have something to show. A few dozen orders are paid at the sandbox yesterday
 * and their notifications applied normally; discrepancies are planted (a payment for an order closed here:
 * LATE_PAYMENT; an order paid here the provider never saw: MISSING_AT_PROVIDER; a payment unknown here:
 * MISSING_LOCALLY; and a refund case of each kind: a refund made in the merchant platform whose notification was lost,
 * REFUND_UNKNOWN, recorded by the run's refund query; a refund recorded here the provider never made,
 * REFUND_NOT_AT_PROVIDER; one recorded with another amount, REFUND_AMOUNT_MISMATCH; one recorded as paid back that the
 * provider closed, REFUND_STATUS_MISMATCH, WeChat only); then the day is reconciled for real. Idempotent: a day
 * that already has a reconciliation run is left alone. Every order change goes through {@link OrderService} with a
 * cause naming {@value #ACTOR}.
 */
public class DemoHistory {

	static final String ACTOR = "demo-seed";
	static final int PAID_ORDERS = 30;
	private static final String WHY = "demo data: yesterday's history for the Reconciliation pages";
	private static final Logger log = LoggerFactory.getLogger(DemoHistory.class);
	private static final List<String> GOODS = PayerSimulation.GOODS;

	private final List<String> accountIds;
	private final AccountRegistry accounts;
	private final SandboxMerchants merchants;
	private final SandboxLedger ledger;
	private final SandboxTrades trades;
	private final SandboxRefunds refunds;
	private final OrderService orderService;
	private final OrderRepository orders;
	private final Reconciliation reconciliation;
	private final RefundService refundService;
	private final TransactionRetry retry;
	private final Clock clock;
	private final Duration notificationWait;

	/** What was prepared for one account: the reconciled day, its run and the planted discrepancies' orders. */
	public record Prepared(String accountId, LocalDate day, ReconciliationResult result,
			Map<DiscrepancyType, String> planted) {
	}

	public DemoHistory(List<String> accountIds, AccountRegistry accounts, SandboxMerchants merchants,
			SandboxLedger ledger, SandboxTrades trades, SandboxRefunds refunds, OrderService orderService,
			OrderRepository orders, Reconciliation reconciliation, RefundService refundService, TransactionRetry retry,
			Clock clock, Duration notificationWait) {
		this.refunds = refunds;
		this.refundService = refundService;
		this.retry = retry;
		this.accountIds = List.copyOf(accountIds);
		this.accounts = accounts;
		this.merchants = merchants;
		this.ledger = ledger;
		this.trades = trades;
		this.orderService = orderService;
		this.orders = orders;
		this.reconciliation = reconciliation;
		this.clock = clock;
		this.notificationWait = notificationWait;
	}

	/** In the background, so that start-up is not held up while the sandbox's notifications arrive. */
	@EventListener(ApplicationReadyEvent.class)
	public void onReady() {
		Thread t = new Thread(() -> {
			for (String id : accountIds) {
				try {
					prepare(id);
				}
				catch (RuntimeException ex) {
					log.warn("demo history for {} not prepared ({})", id, ex.toString());
				}
			}
		}, "demo-history");
		t.setDaemon(true);
		t.start();
	}

	/** Prepares and reconciles yesterday for one account; empty when that day already has a reconciliation run. */
	public Optional<Prepared> prepare(String accountId) {
		Account account = accounts.find(accountId).orElseThrow(() -> new IllegalArgumentException("no account " + accountId));
		SandboxMerchant merchant = merchants.find(accountId)
			.orElseThrow(() -> new IllegalArgumentException("no sandbox merchant " + accountId));
		LocalDate day = LocalDate.ofInstant(clock.instant(), account.zone()).minusDays(1);
		if (!reconciliation.runs(accountId, day).isEmpty()) {
			return Optional.empty();
		}
		Random random = new Random(day.toEpochDay());
		ZonedDateTime morning = day.atTime(9, 0).atZone(account.zone());
		String prefix = "HIST" + DateTimeFormatter.ofPattern("yyMMdd").format(day);
		String tradeType = merchant.channel() == Channel.ALIPAY ? "PRECREATE" : "NATIVE";

		// the day's ordinary traffic: placed, paid at the provider, notified and applied as usual
		List<String> paid = new ArrayList<>();
		for (int i = 0; i < PAID_ORDERS; i++) {
			String no = prefix + String.format("%03d", i);
			Fen amount = Fen.of(100 + random.nextInt(20_000));
			Instant at = morning.plusMinutes(20L * i + random.nextInt(15)).toInstant();
			String goods = GOODS.get(random.nextInt(GOODS.size()));
			local(accountId, no, amount, goods);
			LedgerOrder placed = trades.place(merchant, no, amount, goods, null, null, tradeType).order();
			trades.pay(placed, null, at, true);
			paid.add(no);
		}
		awaitPaid(accountId, paid);

		Map<DiscrepancyType, String> planted = new EnumMap<>(DiscrepancyType.class);
		ZonedDateTime evening = day.atTime(20, 0).atZone(account.zone());
		// refunded at the provider in the evening, the refund never reported here
		String refunded = paid.get(paid.size() - 1);
		LedgerOrder refundedAtProvider = ledger.find(accountId, refunded).orElseThrow();
		refunds.platformRefund(refundedAtProvider, refundedAtProvider.amount(), refunded + "R", evening.toInstant(), false);
		planted.put(DiscrepancyType.REFUND_UNKNOWN, refunded); // the run's refund query records it (repaired)

		// refund cases of each other kind (issue 14), on three more of the day's orders
		Cause byHand = new Cause(EventSource.OPERATOR, ACTOR, null, WHY + " (a refund recorded by hand)");
		// recorded here as paid back, never made at the provider
		String phantom = paid.get(paid.size() - 2);
		Fen half = Fen.of(ledger.find(accountId, phantom).orElseThrow().amount().value() / 2);
		recordRefund(accountId, phantom, phantom + "R", half, evening.plusMinutes(5).toInstant(), byHand);
		planted.put(DiscrepancyType.REFUND_NOT_AT_PROVIDER, phantom);
		// refunded in the merchant platform, recorded here with another amount
		String typo = paid.get(paid.size() - 3);
		LedgerOrder typoAtProvider = ledger.find(accountId, typo).orElseThrow();
		long typoHalf = typoAtProvider.amount().value() / 2;
		refunds.platformRefund(typoAtProvider, Fen.of(typoHalf), typo + "R", evening.plusMinutes(6).toInstant(), false);
		recordRefund(accountId, typo, typo + "R", Fen.of(typoHalf + 1), evening.plusMinutes(6).toInstant(), byHand);
		planted.put(DiscrepancyType.REFUND_AMOUNT_MISMATCH, typo);
		// recorded here as paid back, closed at the provider (its bill says REFUNDCLOSE)
		if (merchant.channel() != Channel.ALIPAY) { // Alipay's bill lists completed refunds only
			String closed = paid.get(paid.size() - 4);
			LedgerOrder closedAtProvider = ledger.find(accountId, closed).orElseThrow();
			Fen third = Fen.of(closedAtProvider.amount().value() / 3);
			ledger.refund(closedAtProvider, new SandboxLedger.NewRefund(closed + "R", third, "REFUNDCLOSE", null, null,
					"demo: closed at the bank", null, "PLATFORM"), evening.plusMinutes(7).toInstant());
			recordRefund(accountId, closed, closed + "R", third, evening.plusMinutes(7).toInstant(), byHand);
			planted.put(DiscrepancyType.REFUND_STATUS_MISMATCH, closed);
		}

		// closed here as unpaid, yet the payer paid at the provider and its callback was lost
		String late = prefix + "L";
		Fen lateAmount = Fen.of(8_800);
		local(accountId, late, lateAmount, GOODS.get(0));
		orderService.transition(accountId, late, OrderStatus.CLOSED,
				new Cause(EventSource.OPERATOR, ACTOR, null, WHY + " (closed as unpaid)"));
		LedgerOrder lateAtProvider = trades.place(merchant, late, lateAmount, GOODS.get(0), null, null, tradeType).order();
		trades.pay(lateAtProvider, null, evening.plusMinutes(10).toInstant(), false);
		planted.put(DiscrepancyType.LATE_PAYMENT, late);

		// paid here by a transaction the provider's bill does not know
		String notAtProvider = prefix + "P";
		Fen notAtProviderAmount = Fen.of(4_500);
		local(accountId, notAtProvider, notAtProviderAmount, GOODS.get(1));
		orderService.applyPayment(accountId, new ProviderPayment(notAtProvider, "4200" + notAtProvider,
				notAtProviderAmount, "CNY", evening.plusMinutes(20).toInstant()),
				new Cause(EventSource.QUERY, ACTOR, null, WHY + " (a payment the provider never billed)"));
		planted.put(DiscrepancyType.MISSING_AT_PROVIDER, notAtProvider);

		// paid at the provider for an order this PayRecon never created, its callback lost
		String unknown = prefix + "U";
		LedgerOrder unknownAtProvider = trades.place(merchant, unknown, Fen.of(12_000), GOODS.get(2), null, null, tradeType)
			.order();
		trades.pay(unknownAtProvider, null, evening.plusMinutes(30).toInstant(), false);
		planted.put(DiscrepancyType.MISSING_LOCALLY, unknown);

		ReconciliationResult result = reconciliation.reconcile(accountId, day, reconciliation.options(ACTOR, false));
		log.info("Demo history: {} {} prepared with {} paid orders and planted {}; reconciled: run {} {}, {} discrepancies",
				accountId, day, PAID_ORDERS, planted.keySet(), result.run().id(), result.run().status(),
				result.discrepancies().stream().map(Discrepancy::type).toList());
		return Optional.of(new Prepared(accountId, day, result, planted));
	}

	/** A refund recorded here as succeeded (EXTERNAL), through the one door for refunds. */
	private void recordRefund(String accountId, String outTradeNo, String outRefundNo, Fen amount, Instant at, Cause cause) {
		ProviderRefund word = new ProviderRefund(outTradeNo, null, outRefundNo, null, amount, null, null,
				RefundStatus.SUCCESS, at, "recorded by hand");
		RefundService.Outcome outcome = retry.inTransaction(() -> refundService.providerSays(accountId, word, cause, true));
		if (outcome.kind() != RefundService.Kind.RECORDED) {
			throw new IllegalStateException("demo refund " + outRefundNo + " not recorded: " + outcome.detail());
		}
	}

	private void local(String accountId, String no, Fen amount, String goods) {
		orderService.create(new CreateOrder(accountId, no, amount, "CNY", goods, null),
				new Cause(EventSource.OPERATOR, ACTOR, null, WHY));
	}

	/** Waits (bounded) for the notifications; one still missing then is repaired by the run's query, as in life. */
	private void awaitPaid(String accountId, List<String> outTradeNos) {
		Instant deadline = Instant.now().plus(notificationWait);
		for (String no : outTradeNos) {
			while (orders.find(accountId, no).map(o -> o.status() == OrderStatus.PENDING).orElse(true)) {
				if (Instant.now().isAfter(deadline)) {
					return;
				}
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}
}
