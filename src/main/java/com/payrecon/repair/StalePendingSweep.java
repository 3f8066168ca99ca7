package com.payrecon.repair;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The stale-pending sweep (issue 4, job 1): every PENDING order older than {@code staleAfter} whose next check is due
 * is asked about at its provider through {@link OrderRequery}. Accounts are swept side by side, each with its own
 * bounded concurrency, so one slow or failing provider does not stall the others; the provider clients' per-account
 * rate limit bounds the pace. Safe to run twice at once: every change is a compare-and-set through OrderService.
 */
@Service
public class StalePendingSweep {

	private static final Logger log = LoggerFactory.getLogger(StalePendingSweep.class);

	private final AccountRegistry accounts;
	private final OrderRepository orders;
	private final OrderRequery requery;
	private final Clock clock;

	StalePendingSweep(AccountRegistry accounts, OrderRepository orders, OrderRequery requery, Clock clock) {
		this.accounts = accounts;
		this.orders = orders;
		this.requery = requery;
		this.clock = clock;
	}

	/**
	 * @param staleAfter orders younger than this are left to their notification
	 * @param concurrency questions in flight per account
	 * @param maxPerAccount at most this many orders per account per run (the rest wait for the next run)
	 * @param accountIds the accounts to sweep; empty: all
	 */
	public record Parameters(Duration staleAfter, int concurrency, int maxPerAccount, java.util.Set<String> accountIds) {
		public Parameters {
			if (staleAfter.isNegative() || concurrency < 1 || maxPerAccount < 1) {
				throw new IllegalArgumentException("staleAfter >= 0, concurrency >= 1, maxPerAccount >= 1");
			}
		}
	}

	/** What one run did. */
	public record Summary(int asked, int paid, int closed, int failed, int unchanged, int errors) {
	}

	public Summary sweep(Parameters parameters, String runId) {
		Instant now = clock.instant();
		Instant createdBefore = now.minus(parameters.staleAfter());
		Counters counters = new Counters();
		try (ExecutorService perAccount = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> running = new ArrayList<>();
			for (Account account : accounts.all()) {
				if (!parameters.accountIds().isEmpty() && !parameters.accountIds().contains(account.id())) {
					continue;
				}
				running.add(perAccount.submit(() -> sweepAccount(account, parameters, createdBefore, now, runId, counters)));
			}
			for (Future<?> f : running) {
				try {
					f.get();
				}
				catch (Exception ex) {
					counters.errors.incrementAndGet();
					log.warn("Sweep {} of an account failed: {}", runId, ex.toString());
				}
			}
		}
		Summary summary = counters.summary();
		log.info("Stale-pending sweep {}: {}", runId, summary);
		return summary;
	}

	private void sweepAccount(Account account, Parameters parameters, Instant createdBefore, Instant now, String runId,
			Counters counters) {
		Semaphore inFlight = new Semaphore(parameters.concurrency());
		Cause cause = new Cause(EventSource.QUERY, runId, null, "stale PENDING order asked about by the sweep");
		long afterId = 0;
		int taken = 0;
		try (ExecutorService questions = Executors.newVirtualThreadPerTaskExecutor()) {
			while (taken < parameters.maxPerAccount()) {
				List<PaymentOrder> due = orders.dueForCheck(account.id(), createdBefore, now, afterId,
						Math.min(200, parameters.maxPerAccount() - taken));
				if (due.isEmpty()) {
					break;
				}
				for (PaymentOrder order : due) {
					inFlight.acquireUninterruptibly();
					questions.execute(() -> {
						try {
							ask(order, cause, counters);
						}
						finally {
							inFlight.release();
						}
					});
				}
				taken += due.size();
				afterId = due.get(due.size() - 1).id();
			}
		}
	}

	private void ask(PaymentOrder order, Cause cause, Counters counters) {
		try {
			counters.asked.incrementAndGet();
			OrderRequery.Result result = requery.requery(order.accountId(), order.outTradeNo(), cause).orElse(null);
			OrderStatus after = result == null ? order.status() : result.after().status();
			switch (after) {
				case PAID -> counters.paid.incrementAndGet();
				case CLOSED -> counters.closed.incrementAndGet();
				case FAILED -> counters.failed.incrementAndGet();
				default -> {
					if (result != null && !result.answer().isDefinite()) {
						counters.errors.incrementAndGet();
					}
					else {
						counters.unchanged.incrementAndGet();
					}
				}
			}
		}
		catch (RuntimeException ex) {
			counters.errors.incrementAndGet();
			log.warn("Sweep could not ask about order {}: {}", order.id(), ex.toString());
		}
	}

	private static final class Counters {
		final AtomicInteger asked = new AtomicInteger();
		final AtomicInteger paid = new AtomicInteger();
		final AtomicInteger closed = new AtomicInteger();
		final AtomicInteger failed = new AtomicInteger();
		final AtomicInteger unchanged = new AtomicInteger();
		final AtomicInteger errors = new AtomicInteger();

		Summary summary() {
			return new Summary(asked.get(), paid.get(), closed.get(), failed.get(), unchanged.get(), errors.get());
		}
	}
}
