package com.payrecon.reconcile;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.provider.bill.BillParser;
import com.payrecon.reconcile.BillArchive.Archived;
import com.payrecon.reconcile.DiscrepancyRepository.Match;
import com.payrecon.reconcile.DiscrepancyRepository.RefundMatch;
import com.payrecon.reconcile.LineMatcher.Action;
import com.payrecon.reconcile.LineMatcher.Verdict;
import com.payrecon.reconcile.ReconciliationRunRepository.ChunkTotals;
import com.payrecon.refund.RefundQueries;
import com.payrecon.refund.RefundStatus;
import com.payrecon.repair.OrderRequery;
import com.payrecon.support.db.TransactionRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The steps of one run, small enough for a Spring Batch job to call one by one: {@link #start} (run row, bill
 * download, archive), {@link #open} (a parser over the archived bytes), {@link #match} (one chunk: one order lookup,
 * the repairs, one transaction of upserts that also moves the run's last committed line), {@link #complete} (the
 * day's unmatched paid orders by one anti-join, near-midnight orders held or settled, local totals, and the switch
 * of the day's current run with carried-over resolutions) or {@link #fail}.
 */
@Component
class ReconciliationSteps {

	private static final Logger log = LoggerFactory.getLogger(ReconciliationSteps.class);

	/** The refund repairs metric's trigger for a refund the day's bill showed. */
	static final String TRIGGER = "reconciliation";

	private final OrderRequery requery;
	private final OrderService orderService;
	private final ReconOrderQuery orders;
	private final ReconRefundQuery refunds;
	private final RefundQueries refundQueries;
	private final ReconciliationRunRepository runs;
	private final DiscrepancyRepository discrepancies;
	private final BillArchive archive;
	private final TransactionRetry retry;
	private final Clock clock;

	ReconciliationSteps(OrderRequery requery, OrderService orderService, ReconOrderQuery orders,
			ReconRefundQuery refunds, RefundQueries refundQueries, ReconciliationRunRepository runs,
			DiscrepancyRepository discrepancies, BillArchive archive, TransactionRetry retry, Clock clock) {
		this.requery = requery;
		this.orderService = orderService;
		this.orders = orders;
		this.refunds = refunds;
		this.refundQueries = refundQueries;
		this.runs = runs;
		this.discrepancies = discrepancies;
		this.archive = archive;
		this.retry = retry;
		this.clock = clock;
	}

	/** Inserts the run and archives its bill; the context is already finished when the run FAILED. */
	RunContext start(Account account, LocalDate day, RunOptions options, Supplier<BillDownload> source) {
		long runId = retry.inTransaction(
				() -> runs.start(account.id(), day, options.dryRun(), options.triggeredBy(), clock.instant()));
		RunContext ctx = new RunContext(runId, account, day, options);
		BillDownload download;
		try {
			download = source.get();
		}
		catch (RuntimeException ex) {
			fail(ctx, "bill download failed: " + ex.getClass().getSimpleName());
			return ctx;
		}
		ctx.format = download.format();
		if (download.noBill()) {
			ctx.noBill = true;
			retry.inTransaction(() -> {
				runs.recordBill(runId, download.format(), download.errorCode(), null, null, null);
				return null;
			});
			return ctx;
		}
		if (download.content() == null) {
			retry.inTransaction(() -> {
				runs.recordBill(runId, download.format(), download.errorCode(), null, null, null);
				return null;
			});
			fail(ctx, "no bill: provider error " + download.errorCode() + " (retried by a later run)");
			return ctx;
		}
		try {
			Archived archived = options.dryRun() ? archive.archiveTemporarily(account.id(), day, download)
					: archive.archive(account.id(), day, download);
			ctx.archive = archived.path();
			retry.inTransaction(() -> {
				runs.recordBill(runId, download.format(), null, options.dryRun() ? null : archived.path().toString(),
						archived.sha256(), archived.bytes());
				return null;
			});
		}
		catch (IOException ex) {
			fail(ctx, "bill rejected, not parsed: " + ex.getMessage());
		}
		return ctx;
	}

	/** Picks up a RUNNING run after a crash: same archived bill, from its last committed line. */
	RunContext resume(Account account, RunSummary run, RunOptions options) {
		if (run.status() != RunStatus.RUNNING) {
			throw new IllegalStateException("run " + run.id() + " is " + run.status() + ", not RUNNING");
		}
		RunContext ctx = new RunContext(run.id(), account, run.businessDate(), options);
		ctx.format = run.billFormat();
		ctx.noBill = run.archivePath() == null;
		ctx.archive = run.archivePath() == null ? null : java.nio.file.Path.of(run.archivePath());
		ctx.lastCommittedLine = run.lastCommittedLine();
		return ctx;
	}

	BillParser open(RunContext ctx) throws IOException {
		return BillParser.open(new BillDownload(false, null, Files.newInputStream(ctx.archive), ctx.format),
				ctx.account.zone());
	}

	/** Matches one chunk of lines; lines at or before the last committed line (a restart) are skipped. */
	void match(RunContext ctx, List<BillLine> chunk) {
		List<BillLine> lines = chunk.stream().filter(l -> l.lineNumber() > ctx.lastCommittedLine).toList();
		if (lines.isEmpty()) {
			return;
		}
		Set<String> nos = new HashSet<>();
		Set<String> refundNos = new HashSet<>();
		Set<String> refundIds = new HashSet<>();
		for (BillLine line : lines) {
			if (line.outTradeNo() != null) {
				nos.add(line.outTradeNo());
			}
			if (line.type() == BillLine.Type.REFUND) {
				if (line.outRefundNo() != null) {
					refundNos.add(line.outRefundNo());
				}
				if (line.refundId() != null) {
					refundIds.add(line.refundId());
				}
			}
		}
		Map<String, LocalOrder> local = orders.byOutTradeNos(ctx.account.id(), nos);
		ReconRefundQuery.Lookup localRefunds = refunds.byNumbers(ctx.account.id(), refundNos, refundIds);
		ChunkTotals totals = new ChunkTotals();
		List<Match> matches = new ArrayList<>();
		List<RefundMatch> refundMatches = new ArrayList<>();
		List<NewDiscrepancy> found = new ArrayList<>();
		boolean alipay = ctx.account.channel() == Channel.ALIPAY;
		for (BillLine line : lines) {
			add(totals, line, alipay);
			LocalOrder order = line.outTradeNo() == null ? null : local.get(line.outTradeNo());
			LocalRefund refund = line.type() == BillLine.Type.REFUND
					? localRefunds.find(line.outRefundNo(), line.refundId()).orElse(null) : null;
			Verdict verdict = LineMatcher.judge(line, order, refund);
			if (verdict.orderId() != null) {
				matches.add(new Match(line.lineNumber(), verdict.orderId()));
			}
			if (verdict.action() == Action.MATCHED && order != null && order.paidAt() == null) {
				paidTimeFromLine(ctx, line, order.outTradeNo(), order.providerTxnId());
			}
			NewDiscrepancy d = verdict.discrepancy();
			if (verdict.action() == Action.ASK_REFUND) {
				RefundAsked asked = askRefund(ctx, line, verdict);
				d = asked.discrepancy();
				refund = asked.refund();
			}
			else if (d != null && (verdict.action() == Action.REPAIR || verdict.action() == Action.LATE)) {
				d = repair(ctx, line, order, verdict);
			}
			if (d != null) {
				found.add(d);
			}
			if (refund != null) {
				refundMatches.add(new RefundMatch(line.lineNumber(), refund.id()));
			}
		}
		long from = ctx.lastCommittedLine;
		long to = lines.get(lines.size() - 1).lineNumber();
		Instant now = clock.instant();
		retry.inTransaction(() -> {
			if (!runs.addChunk(ctx.runId, from, to, totals)) {
				throw new IllegalStateException("run " + ctx.runId + " was advanced past line " + from + " by another writer");
			}
			discrepancies.insertMatches(ctx.runId, matches);
			discrepancies.insertRefundMatches(ctx.runId, refundMatches);
			discrepancies.insert(ctx.runId, ctx.account.id(), ctx.day, found, now);
			return null;
		});
		ctx.lastCommittedLine = to;
	}

	/** The signed query answer, never the unsigned bill, changes the order. */
	private NewDiscrepancy repair(RunContext ctx, BillLine line, LocalOrder order, Verdict verdict) {
		NewDiscrepancy d = verdict.discrepancy();
		if (ctx.options.dryRun()) {
			return d.withDetail("dry run: the order would be re-queried");
		}
		Cause cause = Cause.query(ctx.actor(), "in the " + ctx.day + " bill, " + order.status() + " here");
		Optional<OrderRequery.Result> result = requery.requery(ctx.account.id(), order.outTradeNo(), cause);
		if (result.isEmpty()) {
			return d.withDetail("query not possible");
		}
		String outcome = result.get().outcome();
		PaymentOrder repaired = result.get().after();
		OrderStatus after = repaired.status();
		if (verdict.action() == Action.REPAIR && after == OrderStatus.PAID && repaired.paidAt() == null) {
			paidTimeFromLine(ctx, line, repaired.outTradeNo(), repaired.providerTxnId());
		}
		if (verdict.action() == Action.REPAIR && after.isPaid()) {
			return d.repaired("repaired by a signed query: " + outcome, ctx.actor());
		}
		return d.withDetail("query: " + outcome);
	}

	/**
	 * A paid order whose paid time is unknown (the provider's query answer gave none) takes the provider's time from
	 * its payment line: the payment then counts on the day the provider says. Not in a dry run.
	 */
	private void paidTimeFromLine(RunContext ctx, BillLine line, String outTradeNo, String providerTxnId) {
		if (ctx.options.dryRun() || line.type() != BillLine.Type.PAYMENT || line.tradedAt() == null
				|| (line.providerTxnId() != null && !line.providerTxnId().equals(providerTxnId))) {
			return;
		}
		Cause cause = Cause.query(ctx.actor(), "paid time from line " + line.lineNumber() + " of the " + ctx.day + " bill");
		retry.inTransaction(() -> orderService.settlePaidTime(ctx.account.id(), outTradeNo, providerTxnId,
				line.tradedAt(), cause));
	}

	/** A refund line's discrepancy after the question, and the local refund the line now accounts for (or none). */
	private record RefundAsked(NewDiscrepancy discrepancy, LocalRefund refund) {
	}

	/**
	 * Refunded at the provider, unknown here or not SUCCESS here: the provider's signed refund query, never the unsigned
	 * bill, records or moves the refund (a refund made elsewhere is recorded as EXTERNAL). Settled → repaired.
	 */
	private RefundAsked askRefund(RunContext ctx, BillLine line, Verdict verdict) {
		NewDiscrepancy d = verdict.discrepancy();
		if (ctx.options.dryRun()) {
			return new RefundAsked(d.withDetail("dry run: the refund would be asked about"), verdict.refund());
		}
		Cause cause = Cause.query(ctx.actor(), "refund line " + line.lineNumber() + " of the " + ctx.day + " bill");
		RefundQueries.Result result = verdict.refund() == null
				? refundQueries.confirm(ctx.account.id(), line.outTradeNo(), line.outRefundNo(), cause, TRIGGER)
				: refundQueries.check(verdict.refund().id(), cause, TRIGGER);
		LocalRefund after = refunds.byNumber(ctx.account.id(),
				verdict.refund() != null ? verdict.refund().outRefundNo() : line.outRefundNo()).orElse(null);
		if (after != null && after.status() == RefundStatus.SUCCESS && line.amount() != null
				&& line.amount().equals(after.amount())) {
			return new RefundAsked(d.repaired("repaired by a signed refund query: " + result, ctx.actor()), after);
		}
		return new RefundAsked(d.withDetail("refund query: " + result + (after == null ? "" : ", " + after.status() + " here")),
				after);
	}

	private static void add(ChunkTotals t, BillLine line, boolean alipay) {
		long amount = line.amount() == null ? 0 : line.amount().value();
		long fee = line.fee() == null ? 0 : alipay ? -line.fee().value() : line.fee().value(); // charged = positive
		t.fees += fee;
		switch (line.type()) {
			case PAYMENT -> {
				t.count++;
				t.gross += amount;
			}
			case REFUND -> {
				t.refundCount++;
				t.refunds += amount;
			}
			case REVERSED -> t.reversedCount++;
		}
	}

	/**
	 * Ends a run whose lines are all matched ({@code summaryDifferences} null for a day without a bill): reports the
	 * day's paid orders no line matched, settles near-midnight orders the neighbouring days held, and makes this run
	 * the day's current one.
	 */
	RunSummary complete(RunContext ctx, List<String> summaryDifferences) {
		ZoneId zone = ctx.account.zone();
		Instant from = ctx.day.atStartOfDay(zone).toInstant();
		Instant to = ctx.day.plusDays(1).atStartOfDay(zone).toInstant();
		Duration window = ctx.options.expectedWindow();
		Optional<RunSummary> previousDay = runs.current(ctx.account.id(), ctx.day.minusDays(1));
		Optional<RunSummary> nextDay = runs.current(ctx.account.id(), ctx.day.plusDays(1));
		List<Long> matchedIn = new ArrayList<>(List.of(ctx.runId));
		previousDay.ifPresent(r -> matchedIn.add(r.id()));
		nextDay.ifPresent(r -> matchedIn.add(r.id()));

		long afterId = 0;
		while (true) {
			List<LocalOrder> page = orders.paidWithoutMatch(ctx.account.id(), from, to, matchedIn, afterId,
					ctx.options.chunkSize());
			if (page.isEmpty()) {
				break;
			}
			List<NewDiscrepancy> found = new ArrayList<>();
			for (LocalOrder order : page) {
				boolean early = order.paidAt().isBefore(from.plus(window));
				boolean late = !order.paidAt().isBefore(to.minus(window));
				Optional<RunSummary> neighbour = early ? previousDay : late ? nextDay : Optional.empty();
				LocalDate neighbourDay = early ? ctx.day.minusDays(1) : ctx.day.plusDays(1);
				NewDiscrepancy missing = NewDiscrepancy.open(DiscrepancyType.MISSING_AT_PROVIDER, "order:" + order.id(),
						order.outTradeNo(), order.providerTxnId(), order.id(), null, order.amount(), null,
						order.status().name(), null, "paid here at " + order.paidAt() + ", not in the " + ctx.day + " bill");
				if (!early && !late) {
					found.add(missing);
				}
				else if (neighbour.isPresent() && neighbour.get().status().isConclusive()) {
					if (!discrepancies.has(neighbour.get().id(), DiscrepancyType.MISSING_AT_PROVIDER, order.id())) {
						found.add(missing.withDetail("nor in the " + neighbourDay + " bill"));
					}
				}
				else {
					found.add(new NewDiscrepancy(DiscrepancyType.EXPECTED, "order:" + order.id(), order.outTradeNo(),
							order.providerTxnId(), order.id(), null, order.amount(), null, order.status().name(), null,
							neighbourDay, "paid here at " + order.paidAt() + ", near midnight: held for the " + neighbourDay
									+ " bill",
							false, Resolution.OPEN, null, null));
				}
				afterId = order.id();
			}
			Instant now = clock.instant();
			retry.inTransaction(() -> {
				discrepancies.insert(ctx.runId, ctx.account.id(), ctx.day, found, now);
				return null;
			});
		}

		refundsNotAtProvider(ctx, from, to, matchedIn, previousDay, nextDay);
		settleHeld(ctx, previousDay, nextDay);

		Totals local = orders.localTotals(ctx.account.id(), from, to);
		boolean noBill = summaryDifferences == null;
		Boolean summaryOk = noBill ? null : summaryDifferences.isEmpty();
		Instant now = clock.instant();
		retry.inTransaction(() -> {
			RunStatus status = noBill ? RunStatus.NO_BILL
					: summaryOk && !discrepancies.unbalances(ctx.runId) ? RunStatus.BALANCED : RunStatus.UNBALANCED;
			runs.finish(ctx.runId, status, local, summaryOk, summaryDifferences, discrepancies.countOfRun(ctx.runId),
					null, now);
			Optional<RunSummary> previous = runs.lockCurrent(ctx.account.id(), ctx.day);
			runs.makeCurrent(ctx.runId, previous.map(RunSummary::id).orElse(null));
			previous.ifPresent(p -> discrepancies.carryOver(p.id(), ctx.runId));
			return null;
		});
		ctx.finished = runs.find(ctx.runId).orElseThrow();
		log.info("Reconciliation {} of {} for {}: {} ({} discrepancies{})", ctx.runId, ctx.account.id(), ctx.day,
				ctx.finished.status(), ctx.finished.discrepancyCount(), ctx.options.dryRun() ? ", dry run" : "");
		return ctx.finished;
	}

	/**
	 * The day's SUCCESS refunds no refund line of this run (or of the neighbouring days' current runs) accounts for:
	 * REFUND_NOT_AT_PROVIDER. A refund near midnight whose neighbouring day has no conclusive run yet is not raised by
	 * this run (refunds are not held as EXPECTED: see docs/refunds.md).
	 */
	private void refundsNotAtProvider(RunContext ctx, Instant from, Instant to, List<Long> matchedIn,
			Optional<RunSummary> previousDay, Optional<RunSummary> nextDay) {
		Duration window = ctx.options.expectedWindow();
		long afterId = 0;
		while (true) {
			List<LocalRefund> page = refunds.succeededWithoutMatch(ctx.account.id(), from, to, matchedIn, afterId,
					ctx.options.chunkSize());
			if (page.isEmpty()) {
				return;
			}
			List<NewDiscrepancy> found = new ArrayList<>();
			for (LocalRefund refund : page) {
				Instant at = refund.at();
				boolean early = at.isBefore(from.plus(window));
				boolean late = !at.isBefore(to.minus(window));
				Optional<RunSummary> neighbour = early ? previousDay : late ? nextDay : Optional.empty();
				if ((early || late) && (neighbour.isEmpty() || !neighbour.get().status().isConclusive())) {
					afterId = refund.id();
					continue;
				}
				found.add(NewDiscrepancy.open(DiscrepancyType.REFUND_NOT_AT_PROVIDER, "refund:" + refund.id(),
						refund.outTradeNo(), null, refund.orderId(), null, refund.amount(), null, refund.status().name(),
						null, "refund " + refund.outRefundNo() + " (" + refund.source() + ") SUCCESS here, asked for at " + at
								+ ", not in the " + ctx.day + " bill" + (early || late ? " nor in the neighbouring day's" : "")));
				afterId = refund.id();
			}
			Instant now = clock.instant();
			retry.inTransaction(() -> {
				discrepancies.insert(ctx.runId, ctx.account.id(), ctx.day, found, now);
				return null;
			});
		}
	}

	/** Orders the neighbouring days held as EXPECTED for this day: matched here → VOID; absent here too → raised. */
	private void settleHeld(RunContext ctx, Optional<RunSummary> previousDay, Optional<RunSummary> nextDay) {
		List<Long> neighbours = new ArrayList<>();
		previousDay.ifPresent(r -> neighbours.add(r.id()));
		nextDay.ifPresent(r -> neighbours.add(r.id()));
		for (Discrepancy held : discrepancies.expectedOn(neighbours, ctx.day)) {
			Instant now = clock.instant();
			retry.inTransaction(() -> {
				boolean matched = held.orderId() != null && discrepancies.matched(ctx.runId, held.orderId());
				String note = matched ? "matched in the " + ctx.day + " bill (run " + ctx.runId + ")"
						: "absent from the " + ctx.day + " bill too: raised as MISSING_AT_PROVIDER in run " + ctx.runId;
				if (!matched) {
					discrepancies.insert(ctx.runId, ctx.account.id(), ctx.day,
							List.of(NewDiscrepancy.open(DiscrepancyType.MISSING_AT_PROVIDER, "order:" + held.orderId(),
									held.outTradeNo(), held.providerTxnId(), held.orderId(), null, held.localAmount(), null,
									held.localStatus(), null, "held as EXPECTED by the " + held.businessDate()
											+ " run, absent from both bills")),
							now);
				}
				if (!held.resolution().isSettled()) {
					discrepancies.move(held.id(), held.version(), held.resolution(), Resolution.VOID, note, null,
							ctx.actor(), now);
				}
				return null;
			});
		}
	}

	void recordSummary(long runId, List<String> differences) {
		retry.inTransaction(() -> {
			runs.recordSummary(runId, differences);
			return null;
		});
	}

	/** Records why the run could not use its bill; nothing of it counts (the run never becomes current). */
	RunSummary fail(RunContext ctx, String reason) {
		Instant now = clock.instant();
		retry.inTransaction(() -> {
			runs.finish(ctx.runId, RunStatus.FAILED, null, null, null, 0, reason, now);
			return null;
		});
		log.warn("Reconciliation {} of {} for {} FAILED: {}", ctx.runId, ctx.account.id(), ctx.day, reason);
		ctx.finished = runs.find(ctx.runId).orElseThrow();
		return ctx.finished;
	}
}
