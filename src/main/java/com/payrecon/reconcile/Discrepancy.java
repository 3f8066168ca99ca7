package com.payrecon.reconcile;

import java.time.Instant;
import java.time.LocalDate;

import com.payrecon.support.money.Fen;

/**
 * One mismatch between a provider's bill and our orders, with finance's progress on it.
 *
 * @param billLine the bill line that showed it (null when a local order did)
 * @param expectedOn for {@link DiscrepancyType#EXPECTED}: the neighbouring day whose bill should hold the order
 * @param autoRepaired the order was repaired by a signed provider query during the run
 * @param carriedFrom the discrepancy of the superseded run whose resolution this one took over
 */
public record Discrepancy(long id, long runId, String accountId, LocalDate businessDate, DiscrepancyType type,
		String outTradeNo, String providerTxnId, Long orderId, Long billLine, Fen localAmount, Fen providerAmount,
		String localStatus, String providerStatus, LocalDate expectedOn, String detail, boolean autoRepaired,
		Resolution resolution, String resolutionNote, String assignedTo, String resolvedBy, Instant resolvedAt,
		Long carriedFrom, int version) {
}
