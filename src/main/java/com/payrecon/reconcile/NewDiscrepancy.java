package com.payrecon.reconcile;

import java.time.LocalDate;

import com.payrecon.support.money.Fen;

/** A discrepancy found by matching, before it is stored. */
record NewDiscrepancy(DiscrepancyType type, String sourceKey, String outTradeNo, String providerTxnId, Long orderId,
		Long billLine, Fen localAmount, Fen providerAmount, String localStatus, String providerStatus,
		LocalDate expectedOn, String detail, boolean autoRepaired, Resolution resolution, String resolutionNote,
		String resolvedBy) {

	static NewDiscrepancy open(DiscrepancyType type, String sourceKey, String outTradeNo, String providerTxnId,
			Long orderId, Long billLine, Fen localAmount, Fen providerAmount, String localStatus, String providerStatus,
			String detail) {
		return new NewDiscrepancy(type, sourceKey, outTradeNo, providerTxnId, orderId, billLine, localAmount,
				providerAmount, localStatus, providerStatus, null, detail, false, Resolution.OPEN, null, null);
	}

	NewDiscrepancy expectedOn(LocalDate day) {
		return new NewDiscrepancy(type, sourceKey, outTradeNo, providerTxnId, orderId, billLine, localAmount,
				providerAmount, localStatus, providerStatus, day, detail, autoRepaired, resolution, resolutionNote,
				resolvedBy);
	}

	NewDiscrepancy repaired(String note, String by) {
		return new NewDiscrepancy(type, sourceKey, outTradeNo, providerTxnId, orderId, billLine, localAmount,
				providerAmount, localStatus, providerStatus, expectedOn, detail, true, Resolution.RESOLVED, note, by);
	}

	NewDiscrepancy withDetail(String more) {
		return new NewDiscrepancy(type, sourceKey, outTradeNo, providerTxnId, orderId, billLine, localAmount,
				providerAmount, localStatus, providerStatus, expectedOn, detail + "; " + more, autoRepaired, resolution,
				resolutionNote, resolvedBy);
	}
}
