package com.payrecon.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import com.payrecon.reconcile.DiscrepancyRepository.Match;
import com.payrecon.reconcile.DiscrepancyRepository.RefundMatch;
import com.payrecon.reconcile.LineMatcher.Action;
import com.payrecon.reconcile.LineMatcher.Verdict;
import com.payrecon.reconcile.ReconciliationRunRepository.ChunkTotals;
import com.payrecon.refund.RefundQueries;
import com.payrecon.refund.RefundStatus;
import com.payrecon.repair.OrderRequery;
import com.payrecon.support.db.DatabaseTransactions;
import com.payrecon.support.db.TransactionRetry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The reconciliation engine: the steps of one run, small enough for the {@code daily-reconciliation} job (the only
 * path that reconciles, see {@link Reconciliation}) to call one by one: {@link #obtain} (bill download and archive,
 * outside any transaction), {@link #begin} and {@link #record} (the run row), {@link #open} (a parser over the kept
 * bytes), {@link #match} (one chunk: one order lookup, the repairs, one transaction of upserts that also moves the
 * run's last committed line), {@link #complete} (the day's unmatched paid orders by one anti-join, near-midnight
 * orders held or settled, local totals, and the switch of the day's current run with carried-over resolutions) or
 * {@link #fail}.
 *
 * <p>Transactions: each write is its own transaction ({@code TransactionRetry}); the repairs ask the provider
 * between them, never inside one. A dry run is the exception: all its writes go into the one transaction the dry run
 * opens and rolls back ({@link DryRun}), and it neither repairs nor asks anything.
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
	private final ApplicationEventPublisher events;
	private final Clock clock;
	private final ChunkWrites chunkWrites = new ChunkWrites();
	/**
	 * Per run in progress: the orders (by out_trade_no) and refunds (by number and provider id) its matching changed
	 * or asked about, which lines looked up earlier must read again.
	 */
	private final Map<Long, Set<String>> changedHere = new ConcurrentHashMap<>();
	private static final String ORDER = "order:";
	private static final String REFUND_NO = "refund-no:";
	private static final String REFUND_ID = "refund-id:";

	ReconciliationSteps(OrderRequery requery, OrderService orderService, ReconOrderQuery orders,
			ReconRefundQuery refunds, RefundQueries refundQueries, ReconciliationRunRepository runs,
			DiscrepancyRepository discrepancies, BillArchive archive, TransactionRetry retry,
			ApplicationEventPublisher events, Clock clock) {
		this.events = events;
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

	/** What came of asking for a day's bill, before any run exists (no transaction is open meanwhile). */
	sealed interface Bill permits Kept, NoBill, Unusable {
		String format();
	}

	/** The bill, kept (database archive; a dry run's temporary file). */
	record Kept(String format, BillArchive.Archived archived) implements Bill {
	}

	/** The provider's normal answer "no bill for that day" (no trades). */
	record NoBill(String format, String errorCode) implements Bill {
	}

	/**
	 * No usable bill: a provider error, a rejected file, or ({@code notReady}) a bill the provider is still making,
	 * which the job asks for again later that day.
	 */
	record Unusable(String format, String errorCode, String reason, boolean notReady) implements Bill {
	}

	/**
	 * Asks the provider (through {@code source}) for the day's bill and keeps it: in the database archive, or for a dry
	 * run in a temporary file. Call outside any transaction: the download is a network call and the archive commits
	 * piece by piece.
	 */
	Bill obtain(Account account, LocalDate day, Supplier<BillDownload> source, boolean dryRun, String by) {
		BillDownload download;
		try {
			download = source.get();
		}
		catch (RuntimeException ex) {
			return new Unusable(null, null, "bill download failed: " + ex.getClass().getSimpleName(), false);
		}
		if (download.noBill()) {
			return new NoBill(download.format(), download.errorCode());
		}
		if (download.content() == null) {
			boolean notReady = BillReadiness.notReady(download.errorCode(), day, LocalDate.ofInstant(clock.instant(), account.zone()));
			return new Unusable(download.format(), download.errorCode(), notReady
					? BillReadiness.NOT_READY + " (provider: " + download.errorCode() + ")"
					: "no bill: provider error " + download.errorCode() + " (retried by a later run)", notReady);
		}
		try {
			return new Kept(download.format(), dryRun ? archive.storeTemporarily(download)
					: archive.store(account.id(), day, download, "PROVIDER", by));
		}
		catch (IOException ex) {
			return new Unusable(download.format(), null, "bill rejected, not parsed: " + ex.getMessage(), false);
		}
	}

	/** Inserts the run, RUNNING. */
	RunContext begin(Account account, LocalDate day, RunOptions options) {
		long runId = write(options, () -> runs.start(account.id(), day, options.dryRun(), options.triggeredBy(), clock.instant()));
		return new RunContext(runId, account, day, options);
	}

	/** Records what came of the bill on the run; the context is finished when the run FAILED. */
	void record(RunContext ctx, Bill bill) {
		ctx.format = bill.format();
		switch (bill) {
			case NoBill none -> {
				ctx.noBill = true;
				write(ctx, () -> {
					runs.recordBill(ctx.runId, none.format(), none.errorCode(), null, null, null);
					return null;
				});
			}
			case Unusable unusable -> {
				write(ctx, () -> {
					runs.recordBill(ctx.runId, unusable.format(), unusable.errorCode(), null, null, null);
					return null;
				});
				fail(ctx, unusable.reason());
			}
			case Kept kept -> {
				ctx.archiveId = kept.archived().id();
				ctx.file = kept.archived().file();
				write(ctx, () -> {
					runs.recordBill(ctx.runId, kept.format(), null, kept.archived().id(), kept.archived().sha256(),
							kept.archived().bytes());
					return null;
				});
			}
		}
	}

	/** Picks up a RUNNING run (the next step of the job, a restart, a crash): same archived bill, from its last committed line. */
	RunContext resume(Account account, RunSummary run, RunOptions options) {
		if (run.status() != RunStatus.RUNNING) {
			throw new IllegalStateException("run " + run.id() + " is " + run.status() + ", not RUNNING");
		}
		RunContext ctx = new RunContext(run.id(), account, run.businessDate(), options);
		ctx.format = run.billFormat();
		ctx.noBill = !run.hasBill();
		ctx.archiveId = run.billArchiveId();
		ctx.file = run.billArchiveId() == null && run.archivePath() != null ? java.nio.file.Path.of(run.archivePath()) : null;
		ctx.lastCommittedLine = run.lastCommittedLine();
		return ctx;
	}

	BillParser open(RunContext ctx) throws IOException {
		InputStream bytes = ctx.archiveId != null ? archive.open(ctx.archiveId) : Files.newInputStream(ctx.file);
		return BillParser.open(new BillDownload(false, null, bytes, ctx.format), ctx.account.zone());
	}

	/**
	 * A unit of the run's writes: its own transaction, retried on deadlock, after the run's chunk write in flight
	 * ({@link ChunkWrites}); for a dry run, a part of the one transaction the dry run is made in (rolled back at its
	 * end), which must be open.
	 */
	private <T> T write(RunContext ctx, Supplier<T> work) {
		chunkWrites.await(ctx.runId);
		return write(ctx.options, work);
	}

	private <T> T write(RunOptions options, Supplier<T> work) {
		if (!options.dryRun()) {
			return retry.inTransaction(work);
		}
		if (!DatabaseTransactions.isOpen()) {
			throw new DatabaseTransactions.TransactionRuleViolation("a dry run writes only inside its own transaction");
		}
		return work.get();
	}

	/**
	 * Matches one chunk of lines; lines at or before the last committed line (a restart) are skipped. The chunk's
	 * upserts and the run's new last committed line are committed by a thread of their own while the caller goes on to
	 * the next chunk ({@link ChunkWrites}: one chunk in flight per run, committed in order; a failure is thrown by the
	 * run's next write or by {@link #complete}). A dry run writes on the caller's thread, in its one transaction.
	 */
	void match(RunContext ctx, List<BillLine> chunk) {
		match(ctx, chunk, null);
	}

	/**
	 * {@link #match(RunContext, List)} with what its lines find here already looked up ({@code ahead}: by the bill's
	 * parsing thread, {@link #lookUp}; null: looked up now). An order or refund this run changed since (a repair, a
	 * paid time, a refund query) is read again when a line names it.
	 */
	void match(RunContext ctx, List<BillLine> chunk, @Nullable Collection<Found> ahead) {
		ctx.lastCommittedLine = Math.max(ctx.lastCommittedLine, chunkWrites.lastLineInFlight(ctx.runId));
		List<BillLine> lines = chunk.stream().filter(l -> l.lineNumber() > ctx.lastCommittedLine).toList();
		if (lines.isEmpty()) {
			return;
		}
		Found lookedUp = ahead == null ? lookUp(ctx, lines) : Found.merge(ahead);
		Set<String> changed = changedHere.computeIfAbsent(ctx.runId, id -> ConcurrentHashMap.newKeySet());
		ChunkTotals totals = new ChunkTotals();
		List<Match> matches = new ArrayList<>();
		List<RefundMatch> refundMatches = new ArrayList<>();
		List<NewDiscrepancy> found = new ArrayList<>();
		boolean alipay = ctx.account.channel() == Channel.ALIPAY;
		for (BillLine line : lines) {
			add(totals, line, alipay);
			boolean stale = !changed.isEmpty() && (changed.contains(ORDER + line.outTradeNo())
					|| changed.contains(REFUND_NO + line.outRefundNo()) || changed.contains(REFUND_ID + line.refundId()));
			Found here = stale ? lookUp(ctx, List.of(line)) : lookedUp;
			LocalOrder order = line.outTradeNo() == null ? null : here.orders().get(line.outTradeNo());
			LocalRefund refund = line.type() == BillLine.Type.REFUND
					? here.refunds().find(line.outRefundNo(), line.refundId()).orElse(null) : null;
			Verdict verdict = LineMatcher.judge(line, order, refund);
			if (verdict.orderId() != null) {
				matches.add(new Match(line.lineNumber(), verdict.orderId()));
			}
			if (verdict.action() == Action.MATCHED && order != null && order.paidAt() == null) {
				mark(changed, ORDER, order.outTradeNo());
				paidTimeFromLine(ctx, line, order.outTradeNo(), order.providerTxnId());
			}
			NewDiscrepancy d = verdict.discrepancy();
			if (verdict.action() == Action.ASK_REFUND) {
				mark(changed, ORDER, line.outTradeNo());
				mark(changed, REFUND_NO, line.outRefundNo());
				mark(changed, REFUND_ID, line.refundId());
				if (verdict.refund() != null) {
					mark(changed, REFUND_NO, verdict.refund().outRefundNo());
					mark(changed, REFUND_ID, verdict.refund().providerRefundId());
				}
				RefundAsked asked = askRefund(ctx, line, verdict);
				d = asked.discrepancy();
				refund = asked.refund();
			}
			else if (d != null && (verdict.action() == Action.REPAIR || verdict.action() == Action.LATE)) {
				mark(changed, ORDER, order.outTradeNo());
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
		Supplier<Void> upserts = () -> {
			if (!runs.addChunk(ctx.runId, from, to, totals)) {
				throw new IllegalStateException("run " + ctx.runId + " was advanced past line " + from + " by another writer");
			}
			discrepancies.insertMatches(ctx.runId, matches);
			discrepancies.insertRefundMatches(ctx.runId, refundMatches);
			discrepancies.insert(ctx.runId, ctx.account.id(), ctx.day, found, now);
			return null;
		};
		if (ctx.options.dryRun()) {
			write(ctx, upserts);
		}
		else {
			chunkWrites.start(ctx.runId, to, () -> retry.inTransaction(upserts));
		}
		ctx.lastCommittedLine = to;
	}

	private static void mark(Set<String> changed, String kind, @Nullable String number) {
		if (number != null) {
			changed.add(kind + number);
		}
	}

	/** What a batch of lines finds here: its orders by out_trade_no and its refunds. */
	record Found(Map<String, LocalOrder> orders, ReconRefundQuery.Lookup refunds) {

		static Found merge(Collection<Found> parts) {
			if (parts.size() == 1) {
				return parts.iterator().next();
			}
			Map<String, LocalOrder> orders = new HashMap<>();
			Map<String, LocalRefund> byNo = new HashMap<>();
			Map<String, LocalRefund> byId = new HashMap<>();
			for (Found part : parts) {
				orders.putAll(part.orders());
				byNo.putAll(part.refunds().byNo());
				byId.putAll(part.refunds().byProviderId());
			}
			return new Found(orders, new ReconRefundQuery.Lookup(byNo, byId));
		}
	}

	/**
	 * Looks up what these lines of the run's bill find here: one order query and at most two refund queries. Read
	 * only, outside any transaction, from any thread (the bill's parsing thread looks up each batch ahead of the
	 * matching).
	 */
	Found lookUp(RunContext ctx, List<BillLine> lines) {
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
		return new Found(orders.byOutTradeNos(ctx.account.id(), nos),
				refunds.byNumbers(ctx.account.id(), refundNos, refundIds));
	}

	/** Waits until the run's chunk write in flight, if any, is committed; throws its failure. */
	void awaitChunks(RunContext ctx) {
		chunkWrites.await(ctx.runId);
	}

	/**
	 * Waits for the chunk writes in flight of these runs however they end, without throwing (a step ending, usually
	 * on a failure of its own): a failed one is kept for the run's next write to throw.
	 */
	void settleChunks(List<Long> runIds) {
		runIds.forEach(chunkWrites::settle);
	}

	/** A step starting: what earlier executions left of these runs' chunk writes is dropped; the database is the truth. */
	void forgetChunks(List<Long> runIds) {
		runIds.forEach(chunkWrites::forget);
		runIds.forEach(changedHere::remove);
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
		chunkWrites.await(ctx.runId); // the anti-join below reads every chunk's matches
		changedHere.remove(ctx.runId);
		ZoneId zone = ctx.account.zone();
		Instant from = ctx.day.atStartOfDay(zone).toInstant();
		Instant to = ctx.day.plusDays(1).atStartOfDay(zone).toInstant();
		Duration window = ctx.options.expectedWindow();
		Optional<RunSummary> previousDay = runs.current(ctx.account.id(), ctx.day.minusDays(1));
		Optional<RunSummary> nextDay = runs.current(ctx.account.id(), ctx.day.plusDays(1));
		List<Long> matchedIn = new ArrayList<>(List.of(ctx.runId));
		previousDay.ifPresent(r -> matchedIn.add(r.id()));
		nextDay.ifPresent(r -> matchedIn.add(r.id()));

		LocalOrder after = null;
		while (true) {
			List<LocalOrder> page = orders.paidWithoutMatch(ctx.account.id(), from, to, matchedIn, after,
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
				after = order;
			}
			Instant now = clock.instant();
			write(ctx, () -> {
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
		write(ctx, () -> {
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
		announce(ctx);
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

	/** A finished run (never a dry run's) is announced after its rows are committed. */
	private void announce(RunContext ctx) {
		if (ctx.options.dryRun()) {
			return;
		}
		RunSummary run = ctx.finished;
		events.publishEvent(new ReconciliationFinished(run.id(), run.accountId(), run.businessDate(), run.status(),
				run.discrepancyCount()));
	}

	/** Orders the neighbouring days held as EXPECTED for this day: matched here → VOID; absent here too → raised. */
	private void settleHeld(RunContext ctx, Optional<RunSummary> previousDay, Optional<RunSummary> nextDay) {
		List<Long> neighbours = new ArrayList<>();
		previousDay.ifPresent(r -> neighbours.add(r.id()));
		nextDay.ifPresent(r -> neighbours.add(r.id()));
		for (Discrepancy held : discrepancies.expectedOn(neighbours, ctx.day)) {
			Instant now = clock.instant();
			write(ctx, () -> {
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

	void recordSummary(RunContext ctx, List<String> differences) {
		write(ctx, () -> {
			runs.recordSummary(ctx.runId, differences);
			return null;
		});
	}

	/** Records why the run could not use its bill; nothing of it counts (the run never becomes current). */
	RunSummary fail(RunContext ctx, String reason) {
		changedHere.remove(ctx.runId);
		Instant now = clock.instant();
		write(ctx, () -> {
			runs.finish(ctx.runId, RunStatus.FAILED, null, null, null, 0, reason, now);
			return null;
		});
		log.warn("Reconciliation {} of {} for {} FAILED: {}", ctx.runId, ctx.account.id(), ctx.day, reason);
		ctx.finished = runs.find(ctx.runId).orElseThrow();
		announce(ctx);
		return ctx.finished;
	}
}
