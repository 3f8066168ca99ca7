package com.payrecon.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.order.ProviderPayment;
import com.payrecon.provider.bill.BillLine;
import com.payrecon.refund.ProviderRefund;
import com.payrecon.refund.RefundService;
import com.payrecon.refund.RefundStatus;
import com.payrecon.reconcile.DiscrepancyEvent.DiscrepancyAssigned;
import com.payrecon.support.i18n.Refusal;
import com.payrecon.support.i18n.Text;
import com.payrecon.security.ConsoleUserRepository;
import com.payrecon.security.Role;
import com.payrecon.security.SeparationOfDuties;
import com.payrecon.support.db.TransactionRetry;

import org.springframework.context.MessageSource;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * What finance does with a discrepancy (a case): assign, resolve, accept, void; and maker-checker for the cases that
 * need an order changed: one finance user proposes, a different finance or admin user, not tied to the proposer
 * ({@link SeparationOfDuties}), approves (the change goes through {@link OrderService}) or rejects. Every step is
 * audited (a refusal too, after its rollback) and written to the discrepancy's history in the transaction of the
 * change. Each step is one transaction run through {@link TransactionRetry}, retried whole on a deadlock or lock
 * wait timeout like every other writer of order state. Settling a case clears the review flag of its order (unless
 * another case about it is still open).
 */
@Service
public class ReconciliationCases {

	private final Discrepancies discrepancies;
	private final Reconciliation reconciliation;
	private final OrderService orderService;
	private final RefundService refundService;
	private final OrderRepository orders;
	private final ConsoleUserRepository users;
	private final CaseRepository cases;
	private final AuditLog audit;
	private final Clock clock;
	private final TransactionRetry tx;
	private final SeparationOfDuties duties;
	private final MessageSource messages;

	ReconciliationCases(Discrepancies discrepancies, Reconciliation reconciliation, OrderService orderService,
			RefundService refundService, OrderRepository orders, ConsoleUserRepository users, CaseRepository cases,
			AuditLog audit, Clock clock, TransactionRetry retry, SeparationOfDuties duties, MessageSource messages) {
		this.duties = duties;
		this.messages = messages;
		this.discrepancies = discrepancies;
		this.reconciliation = reconciliation;
		this.orderService = orderService;
		this.refundService = refundService;
		this.orders = orders;
		this.users = users;
		this.cases = cases;
		this.audit = audit;
		this.clock = clock;
		this.tx = retry;
	}

	/** The operator's request cannot be carried out as asked (the message says why, for the page). */
	public static class CaseRefused extends Refusal {
		public CaseRefused(String code, Object... args) {
			super(code, args);
		}

		public CaseRefused(Text text) {
			super(text);
		}
	}

	// ------------------------------------------------------------------------------------------ case moves

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public Discrepancy assign(long id, String assignee, String operator) {
		return audited(AuditAction.DISCREPANCY_ASSIGNED, id, operator, () -> {
			String login = ConsoleUserRepository.normalise(assignee == null || assignee.isBlank() ? operator : assignee);
			boolean finance = users.findByLogin(login).filter(u -> u.enabled() && u.roles().contains(Role.FINANCE)).isPresent();
			if (!finance) {
				throw new CaseRefused("case.refused.assignee", login);
			}
			return discrepancies.assign(id, login, operator);
		});
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public Discrepancy resolve(long id, String note, String operator) {
		return audited(AuditAction.DISCREPANCY_RESOLVED, id, operator, () -> {
			noPendingProposal(id);
			return discrepancies.resolve(id, note, operator);
		});
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public Discrepancy accept(long id, String note, String operator) {
		return audited(AuditAction.DISCREPANCY_ACCEPTED, id, operator, () -> {
			noPendingProposal(id);
			return discrepancies.accept(id, note, operator);
		});
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public Discrepancy voidDiscrepancy(long id, String note, String operator) {
		return audited(AuditAction.DISCREPANCY_VOIDED, id, operator, () -> {
			noPendingProposal(id);
			return discrepancies.voidDiscrepancy(id, note, operator);
		});
	}

	private void noPendingProposal(long discrepancyId) {
		if (cases.hasPending(discrepancyId)) {
			throw new CaseRefused("case.refused.proposalWaits");
		}
	}

	/** Every move of a case (also the ones made outside the console) is audited and kept in its history. */
	@EventListener
	public void recordMove(DiscrepancyEvent event) {
		String detail = switch (event) {
			case DiscrepancyAssigned a -> "assigned to " + a.assignee();
			case DiscrepancyEvent.DiscrepancyResolved r -> r.note();
			case DiscrepancyEvent.DiscrepancyAccepted a -> a.note();
			case DiscrepancyEvent.DiscrepancyVoided v -> v.note();
		};
		AuditAction action = switch (event.to()) {
			case ASSIGNED -> AuditAction.DISCREPANCY_ASSIGNED;
			case RESOLVED -> AuditAction.DISCREPANCY_RESOLVED;
			case ACCEPTED -> AuditAction.DISCREPANCY_ACCEPTED;
			case VOID -> AuditAction.DISCREPANCY_VOIDED;
			case OPEN -> throw new IllegalStateException("nothing moves back to OPEN");
		};
		cases.addHistory(event.discrepancyId(), event.to().name(), event.from().name(), event.to().name(),
				event.operator(), detail, event.at());
		audit.record(event.operator(), action, target(event.discrepancyId()), AuditOutcome.SUCCESS,
				event.from() + " → " + event.to() + ": " + detail);
		if (event.to().isSettled()) {
			clearReviewOfItsOrder(event.discrepancyId(), event.operator(), event.to() + ": " + detail);
		}
	}

	/**
	 * A settled case (resolved, accepted, voided, or resolved by an approved proposal) has been looked at by a person:
	 * its order's review flag is cleared, unless another current case about the order still waits.
	 */
	private void clearReviewOfItsOrder(long discrepancyId, String operator, String why) {
		Long orderId = discrepancies.get(discrepancyId).orderId();
		if (orderId == null || discrepancies.othersUnsettledFor(orderId, discrepancyId)) {
			return;
		}
		orderService.clearReview(orderId, new Cause(EventSource.OPERATOR, operator, null,
				"discrepancy " + discrepancyId + " " + why));
	}

	// ------------------------------------------------------------------------------------------ maker-checker

	/** Proposes the order change the case calls for; checked against the provider's line in the archived bill. */
	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public Proposal propose(long discrepancyId, AdjustmentKind kind, String note, String operator) {
		return audited(AuditAction.ADJUSTMENT_PROPOSED, discrepancyId, operator, () -> {
			String why = required(note, "case.required.proposalNote");
			Discrepancy d = discrepancies.get(discrepancyId);
			if (d.resolution().isSettled()) {
				throw new CaseRefused("case.refused.settled", Text.of("case.state." + d.resolution()));
			}
			if (reconciliation.currentRun(d.accountId(), d.businessDate()).filter(r -> r.id() == d.runId()).isEmpty()) {
				throw new CaseRefused("case.refused.superseded");
			}
			if (d.orderId() == null || d.billLine() == null) {
				throw new CaseRefused("case.refused.noLine");
			}
			PaymentOrder order = orders.findById(d.orderId()).orElseThrow();
			BillLine line = reconciliation.billLine(d.runId(), d.billLine())
				.orElseThrow(() -> new CaseRefused("case.refused.lineUnreadable", d.billLine()));
			checkApplicable(kind, d, order, line);
			Instant now = clock.instant();
			Proposal draft = new Proposal(0, d.id(), d.accountId(), d.businessDate(), order.id(), order.outTradeNo(), kind,
					line.providerTxnId(), line.amount(), order.currency(), line.tradedAt(), why, Proposal.PROPOSED,
					operator, now, null, null, null, 0);
			long id = cases.propose(draft)
				.orElseThrow(() -> new CaseRefused("case.refused.proposalExists"));
			String what = describe(kind, order, line);
			cases.addHistory(d.id(), "PROPOSED", null, null, operator, "proposal " + id + ": " + what + " — " + why, now);
			audit.record(operator, AuditAction.ADJUSTMENT_PROPOSED, target(d.id()), AuditOutcome.SUCCESS,
					"proposal " + id + ": " + what + " — " + why);
			return cases.proposal(id).orElseThrow();
		});
	}

	private static void checkApplicable(AdjustmentKind kind, Discrepancy d, PaymentOrder order, BillLine line) {
		switch (kind) {
			case REOPEN_LATE_PAYMENT -> {
				if (d.type() != com.payrecon.reconcile.DiscrepancyType.LATE_PAYMENT || line.type() != BillLine.Type.PAYMENT
						|| order.status() != OrderStatus.CLOSED) {
					throw new CaseRefused("case.refused.reopenNotClosed", Text.of("order.status." + order.status()));
				}
				if (!order.amount().equals(line.amount())) {
					throw new CaseRefused("case.refused.reopenAmount");
				}
			}
			case MARK_REFUNDED -> {
				if (d.type() != com.payrecon.reconcile.DiscrepancyType.REFUND_UNKNOWN || line.type() != BillLine.Type.REFUND
						|| !order.status().isPaid()) {
					throw new CaseRefused("case.refused.refundNotPaid", Text.of("order.status." + order.status()));
				}
				if (line.amount() == null || line.amount().compareTo(order.amount()) > 0) {
					throw new CaseRefused("case.refused.refundLarger");
				}
			}
		}
	}

	private static String describe(AdjustmentKind kind, PaymentOrder order, BillLine line) {
		return switch (kind) {
			case REOPEN_LATE_PAYMENT -> "apply the late payment " + line.providerTxnId() + " of " + line.amount().toYuan()
					+ " to order " + order.outTradeNo() + " (CLOSED → PAID)";
			case MARK_REFUNDED -> "record the refund of " + line.amount().toYuan() + " made at the provider for order "
					+ order.outTradeNo() + " (refund " + refundNo(line) + ")";
		};
	}

	/**
	 * A different operator approves: the order changes through {@link OrderService} (cause OPERATOR naming proposer,
	 * approver and discrepancy), the proposal becomes APPROVED and the case RESOLVED, all in one transaction. When the
	 * order refuses the change (it moved meanwhile), the proposal becomes FAILED and nothing else changes.
	 */
	@PreAuthorize("hasAnyRole('FINANCE', 'ADMIN') and #operator == authentication.name")
	public Proposal approve(long proposalId, String note, String operator) {
		Proposal p = cases.proposal(proposalId).orElseThrow(() -> new CaseRefused("case.refused.noProposal", proposalId));
		try {
			return audited(AuditAction.ADJUSTMENT_APPROVED, p.discrepancyId(), operator, () -> {
				Proposal current = pending(proposalId);
				if (current.proposedBy().equals(operator)) {
					throw new CaseRefused("case.refused.ownProposal");
				}
				// nor one tied to the proposer (created or given power by them, or by the same person, recently)
				duties.refusal(current.proposedBy(), operator).ifPresent(r -> {
					throw new CaseRefused(r.text());
				});
				// the checker says why they approve: the note goes into the order event and the audit log
				String checked = required(note, "case.required.note");
				Instant now = clock.instant();
				String reason = "maker-checker proposal " + current.id() + " for discrepancy " + current.discrepancyId()
						+ ": proposed by " + current.proposedBy() + ", approved by " + operator + " — " + current.note()
						+ " / " + checked;
				Cause cause = new Cause(EventSource.OPERATOR, operator, null, reason);
				// the proposal's compare-and-set first: a second approver waits on its row and then loses here
				if (!cases.decide(current, Proposal.APPROVED, operator, checked, now)) {
					throw new CaseRefused("case.refused.decidedFirst");
				}
				Optional<PaymentOrder> changed = switch (current.kind()) {
					case REOPEN_LATE_PAYMENT -> orderService.reopenForLatePayment(current.accountId(),
							new ProviderPayment(current.outTradeNo(), current.providerTxnId(), current.amount(),
									current.currency(), current.providerTime()),
							cause);
					case MARK_REFUNDED -> recordRefund(current, cause);
				};
				if (changed.isEmpty()) {
					throw new AdjustmentRefusedByOrder(current);
				}
				cases.addHistory(current.discrepancyId(), "APPROVED", null, null, operator,
						"proposal " + current.id() + " applied: order " + current.outTradeNo() + " is "
								+ changed.get().status(), now);
				audit.record(operator, AuditAction.ADJUSTMENT_APPROVED, target(current.discrepancyId()), AuditOutcome.SUCCESS,
						"proposal " + current.id() + " (" + current.kind() + ") by " + current.proposedBy()
								+ " applied: order " + current.outTradeNo() + " is " + changed.get().status());
				discrepancies.resolve(current.discrepancyId(), "applied by proposal " + current.id() + " ("
						+ current.kind() + "), proposed by " + current.proposedBy() + ", approved by " + operator, operator);
				return cases.proposal(current.id()).orElseThrow();
			});
		}
		catch (AdjustmentRefusedByOrder ex) {
			tx.inTransaction(() -> {
				Proposal current = pending(proposalId);
				cases.decide(current, Proposal.FAILED, operator, ex.getMessage(), clock.instant());
				cases.addHistory(current.discrepancyId(), "FAILED", null, null, operator, ex.getMessage(), clock.instant());
				return null;
			});
			throw ex;
		}
	}

	/**
	 * A refund made at the provider, from the run's archived bill line, recorded as an EXTERNAL refund (the order's
	 * refunded amount and status follow); empty when the refunds refuse it.
	 */
	private Optional<PaymentOrder> recordRefund(Proposal p, Cause cause) {
		Discrepancy d = discrepancies.get(p.discrepancyId());
		BillLine line = reconciliation.billLine(d.runId(), d.billLine()).orElse(null);
		if (line == null || line.amount() == null) {
			return Optional.empty();
		}
		ProviderRefund word = new ProviderRefund(p.outTradeNo(), line.providerTxnId(), refundNo(line), line.refundId(),
				line.amount(), null, null, RefundStatus.SUCCESS, line.tradedAt(), "bill line " + line.lineNumber());
		RefundService.Outcome outcome = refundService.providerSays(p.accountId(), word, cause, true);
		return switch (outcome.kind()) {
			case APPLIED, RECORDED, DUPLICATE -> orders.findById(p.orderId());
			default -> Optional.empty();
		};
	}

	/** The bill line's merchant refund number, or one made of the provider's refund id when it has none. */
	static String refundNo(BillLine line) {
		return line.outRefundNo() != null && !line.outRefundNo().isBlank() ? line.outRefundNo()
				: "BILL-" + (line.refundId() != null ? line.refundId() : line.lineNumber());
	}

	@PreAuthorize("hasAnyRole('FINANCE', 'ADMIN') and #operator == authentication.name")
	public Proposal reject(long proposalId, String reason, String operator) {
		Proposal p = cases.proposal(proposalId).orElseThrow(() -> new CaseRefused("case.refused.noProposal", proposalId));
		return audited(AuditAction.ADJUSTMENT_REJECTED, p.discrepancyId(), operator, () -> {
			String why = required(reason, "case.required.rejectReason");
			Proposal current = pending(proposalId);
			Instant now = clock.instant();
			if (!cases.decide(current, Proposal.REJECTED, operator, why, now)) {
				throw new CaseRefused("case.refused.decidedFirst");
			}
			cases.addHistory(current.discrepancyId(), "REJECTED", null, null, operator,
					"proposal " + current.id() + " rejected: " + why, now);
			audit.record(operator, AuditAction.ADJUSTMENT_REJECTED, target(current.discrepancyId()), AuditOutcome.SUCCESS,
					"proposal " + current.id() + " (" + current.kind() + ") by " + current.proposedBy() + " rejected: " + why);
			return cases.proposal(current.id()).orElseThrow();
		});
	}

	private Proposal pending(long proposalId) {
		Proposal p = cases.proposal(proposalId).orElseThrow(() -> new CaseRefused("case.refused.noProposal", proposalId));
		if (!p.pending()) {
			throw new CaseRefused("case.refused.proposalDecided", proposalId, Text.of("proposal.state." + p.state()));
		}
		return p;
	}

	/** The order did not take the approved change (it moved since the proposal). */
	public static class AdjustmentRefusedByOrder extends CaseRefused {
		AdjustmentRefusedByOrder(Proposal p) {
			super("case.refused.orderRefused", p.outTradeNo(), Text.of("proposal.kind." + p.kind()));
		}
	}

	// ------------------------------------------------------------------------------------------ helpers

	/**
	 * Runs {@code work} in one transaction, retried whole on a deadlock or lock wait timeout; when it is refused, the
	 * refusal is audited after the rollback (so the failed attempt is on record even though its change is not).
	 */
	private <T> T audited(AuditAction action, long discrepancyId, String operator, Supplier<T> work) {
		try {
			return tx.inTransaction(work);
		}
		catch (Refusal | IllegalArgumentException ex) {
			audit.record(operator, action, target(discrepancyId), AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	static String target(long discrepancyId) {
		return "discrepancy:" + discrepancyId;
	}

	/** {@code what}: the message key of the required thing's sentence ("A note saying why is required."). */
	private static String required(String value, String what) {
		if (value == null || value.isBlank()) {
			throw new CaseRefused(what);
		}
		return value.strip();
	}
}
