package com.payrecon.order.stale;

import java.time.Instant;
import java.time.LocalDate;

import com.payrecon.support.money.Fen;

/**
 * One line of the stale-pending report: on {@code businessDate}, {@code count} orders of {@code accountId} in
 * {@code currency} were still PENDING although created before {@code cutoff}.
 */
public record PendingSnapshot(LocalDate businessDate, String accountId, String currency, long count, Fen amount,
		Instant oldestCreatedAt, Instant cutoff, long jobExecutionId, Instant updatedAt) {
}
