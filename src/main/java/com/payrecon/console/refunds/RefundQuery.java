package com.payrecon.console.refunds;

import static com.payrecon.db.Tables.PAYMENT_ORDER;
import static com.payrecon.db.Tables.REFUND;

import java.time.Instant;
import java.util.List;

import com.payrecon.db.tables.records.RefundRecord;
import com.payrecon.refund.RefundStatus;
import com.payrecon.support.money.Fen;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Refunds for the console (read only: a {@code *Query} may read refund rows, only the refund module writes them): an
 * order's refunds and what is left to refund, and the refunds waiting for a second person's approval.
 */
@Component
@PreAuthorize("hasAnyRole('SUPPORT', 'FINANCE', 'ADMIN')")
public class RefundQuery {

	private final DSLContext dsl;

	RefundQuery(DSLContext dsl) {
		this.dsl = dsl;
	}

	/** One refund as the console shows it. */
	public record Row(long id, String accountId, long orderId, String outTradeNo, String outRefundNo, Fen amount,
			String currency, String reason, String status, String source, String providerRefundId, String requestedBy,
			boolean approvalRequired, String approvedBy, Instant createdAt, Instant succeededAt, boolean needsReview,
			String reviewReason) {

		public boolean awaitsApproval() {
			return RefundStatus.REQUESTED.name().equals(status) && approvalRequired && approvedBy == null;
		}
	}

	/** An order's refunds and what may still be refunded (the amount paid less every refund that is not CLOSED). */
	public record OfOrder(List<Row> refunds, Fen refundable, boolean paid) {
	}

	@Transactional(readOnly = true)
	public OfOrder forOrder(long orderId) {
		var order = dsl.select(PAYMENT_ORDER.AMOUNT_MINOR, PAYMENT_ORDER.STATUS)
			.from(PAYMENT_ORDER)
			.where(PAYMENT_ORDER.ID.eq(orderId))
			.fetchOne();
		List<Row> rows = dsl.selectFrom(REFUND).where(REFUND.ORDER_ID.eq(orderId)).orderBy(REFUND.ID).fetch(RefundQuery::toRow);
		if (order == null) {
			return new OfOrder(rows, Fen.ZERO, false);
		}
		boolean paid = com.payrecon.order.OrderStatus.valueOf(order.value2()).isPaid();
		long held = rows.stream().filter(r -> !RefundStatus.CLOSED.name().equals(r.status())).mapToLong(r -> r.amount().value()).sum();
		return new OfOrder(rows, paid ? Fen.of(order.value1() - held) : Fen.ZERO, paid);
	}

	/** Refunds waiting for a second person's approval, oldest first. */
	@Transactional(readOnly = true)
	public List<Row> awaitingApproval(int limit) {
		return dsl.selectFrom(REFUND)
			.where(awaiting())
			.orderBy(REFUND.CREATED_AT, REFUND.ID)
			.limit(limit)
			.fetch(RefundQuery::toRow);
	}

	/** The latest refunds, newest first (with the ones kept for review). */
	@Transactional(readOnly = true)
	public List<Row> recent(String status, int limit) {
		Condition where = status == null || status.isBlank() ? DSL.noCondition() : REFUND.STATUS.eq(status);
		return dsl.selectFrom(REFUND).where(where).orderBy(REFUND.ID.desc()).limit(limit).fetch(RefundQuery::toRow);
	}

	/** How many wait for approval (the navigation's badge). */
	@Transactional(readOnly = true)
	public int awaitingCount() {
		return dsl.fetchCount(REFUND, awaiting());
	}

	/** A new number for a console refund, rendered into the form so that submitting it twice is one refund. */
	public static String newOutRefundNo(long orderId) {
		return "C" + orderId + "-" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
	}

	private static Condition awaiting() {
		return REFUND.STATUS.eq(RefundStatus.REQUESTED.name()).and(REFUND.APPROVAL_REQUIRED.isTrue())
			.and(REFUND.APPROVED_BY.isNull());
	}

	private static Row toRow(RefundRecord r) {
		return new Row(r.getId(), r.getAccountId(), r.getOrderId(), r.getOutTradeNo(), r.getOutRefundNo(),
				Fen.of(r.getAmountMinor()), r.getCurrency(), r.getReason(), r.getStatus(), r.getSource(),
				r.getProviderRefundId(), r.getRequestedBy(), r.getApprovalRequired(), r.getApprovedBy(), r.getCreatedAt(),
				r.getSucceededAt(), r.getNeedsReview(), r.getReviewReason());
	}
}
