package com.payrecon.refund;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The refund sweep (issue 14): every refund still waiting for the provider's word (PROCESSING, ABNORMAL) that was
 * sent more than {@code staleAfter} ago and whose next check is due is asked about through {@link RefundQueries}
 * (WeChat v2 {@code refundquery}, v3 query by out_refund_no, {@code alipay.trade.fastpay.refund.query}); a definite
 * answer is applied as a notification's would have been (event source QUERY), which repairs a missed refund
 * notification; each refund follows its own backoff. Refunds recorded and free to go but never sent (a crash
 * between recording and sending) are sent. Accounts side by side, bounded concurrency per account; every change is a
 * compare-and-set through {@link RefundService}, so two sweeps at once change nothing twice.
 */
@Service
public class RefundSweep {

	private static final Logger log = LoggerFactory.getLogger(RefundSweep.class);

	private final AccountRegistry accounts;
	private final RefundRepository refunds;
	private final RefundQueries queries;
	private final RefundSender sender;
	private final Clock clock;

	RefundSweep(AccountRegistry accounts, RefundRepository refunds, RefundQueries queries, RefundSender sender, Clock clock) {
		this.accounts = accounts;
		this.refunds = refunds;
		this.queries = queries;
		this.sender = sender;
		this.clock = clock;
	}

	/**
	 * @param staleAfter refunds sent more recently are left to their notification (and to their request still on its
	 * way)
	 * @param concurrency questions in flight per account
	 * @param maxPerAccount refunds asked about per account per run
	 * @param accountIds the accounts to sweep; empty: all
	 */
	public record Parameters(Duration staleAfter, int concurrency, int maxPerAccount, Set<String> accountIds) {
		public Parameters {
			if (staleAfter.isNegative() || concurrency < 1 || maxPerAccount < 1) {
				throw new IllegalArgumentException("staleAfter >= 0, concurrency >= 1, maxPerAccount >= 1");
			}
			accountIds = Set.copyOf(accountIds);
		}
	}

	/** What one run did: asked, repaired (moved by a definite answer), sent again, given up, sent (never sent before). */
	public record Summary(int asked, int repaired, int resent, int gaveUp, int unchanged, int errors, int sent) {
	}

	public Summary sweep(Parameters parameters, String runId) {
		Instant now = clock.instant();
		Counters counters = new Counters();
		try (ExecutorService perAccount = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> running = new ArrayList<>();
			for (Account account : accounts.all()) {
				if (parameters.accountIds().isEmpty() || parameters.accountIds().contains(account.id())) {
					running.add(perAccount.submit(() -> sweepAccount(account, parameters, now, runId, counters)));
				}
			}
			for (Future<?> f : running) {
				try {
					f.get();
				}
				catch (Exception ex) {
					counters.errors.incrementAndGet();
					log.warn("Refund sweep {} of an account failed: {}", runId, ex.toString());
				}
			}
		}
		Summary summary = counters.summary();
		log.info("Refund sweep {}: {}", runId, summary);
		return summary;
	}

	private void sweepAccount(Account account, Parameters parameters, Instant now, String runId, Counters counters) {
		Instant before = now.minus(parameters.staleAfter());
		Cause cause = new Cause(EventSource.QUERY, runId, null, "refund waiting for the provider, asked about by the sweep");
		String job = runId.contains("#") ? runId.substring(0, runId.indexOf('#')) : runId;
		for (Refund unsent : refunds.unsent(account.id(), before, 0, parameters.maxPerAccount())) {
			try {
				sender.send(unsent.id(), new Cause(EventSource.JOB, runId, null, "recorded but never sent: sent by the sweep"));
				counters.sent.incrementAndGet();
			}
			catch (RuntimeException ex) {
				counters.errors.incrementAndGet();
				log.warn("Refund sweep could not send refund {}: {}", unsent.id(), ex.toString());
			}
		}
		Semaphore inFlight = new Semaphore(parameters.concurrency());
		long afterId = 0;
		int taken = 0;
		try (ExecutorService questions = Executors.newVirtualThreadPerTaskExecutor()) {
			while (taken < parameters.maxPerAccount()) {
				List<Refund> due = refunds.dueForCheck(account.id(), before, now, afterId,
						Math.min(200, parameters.maxPerAccount() - taken));
				if (due.isEmpty()) {
					break;
				}
				for (Refund refund : due) {
					inFlight.acquireUninterruptibly();
					questions.execute(() -> {
						try {
							counters.asked.incrementAndGet();
							switch (queries.check(refund.id(), cause, job)) {
								case REPAIRED -> counters.repaired.incrementAndGet();
								case RESENT -> counters.resent.incrementAndGet();
								case GAVE_UP -> counters.gaveUp.incrementAndGet();
								case UNCHANGED -> counters.unchanged.incrementAndGet();
								case NO_ANSWER -> counters.errors.incrementAndGet();
							}
						}
						catch (RuntimeException ex) {
							counters.errors.incrementAndGet();
							log.warn("Refund sweep could not ask about refund {}: {}", refund.id(), ex.toString());
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

	private static final class Counters {
		final AtomicInteger asked = new AtomicInteger();
		final AtomicInteger repaired = new AtomicInteger();
		final AtomicInteger resent = new AtomicInteger();
		final AtomicInteger gaveUp = new AtomicInteger();
		final AtomicInteger unchanged = new AtomicInteger();
		final AtomicInteger errors = new AtomicInteger();
		final AtomicInteger sent = new AtomicInteger();

		Summary summary() {
			return new Summary(asked.get(), repaired.get(), resent.get(), gaveUp.get(), unchanged.get(), errors.get(),
					sent.get());
		}
	}
}
