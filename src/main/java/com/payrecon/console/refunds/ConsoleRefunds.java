package com.payrecon.console.refunds;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.order.Cause;
import com.payrecon.order.EventSource;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.PaymentOrder;
import com.payrecon.refund.Refund;
import com.payrecon.refund.RefundProperties;
import com.payrecon.refund.RefundRefused;
import com.payrecon.refund.RefundRepository;
import com.payrecon.refund.RefundSender;
import com.payrecon.refund.RefundService;
import com.payrecon.refund.RefundService.AlreadyExists;
import com.payrecon.refund.RefundService.Conflict;
import com.payrecon.refund.RefundService.Created;
import com.payrecon.refund.RefundService.NoSuchOrder;
import com.payrecon.refund.RefundService.NotRefundable;
import com.payrecon.refund.RefundService.RequestRefund;
import com.payrecon.refund.RefundSource;
import com.payrecon.security.Refused;
import com.payrecon.security.SeparationOfDuties;
import com.payrecon.security.StepUp;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * Finance's refunds in the console, maker-checker with the console's rules for every maker-checker: a finance user
 * proposes a refund of an order (amount, reason), confirming with her password ({@link StepUp}); above the account's
 * {@code payrecon.refunds.approval-above} (default 0: every console refund) it waits until a different finance or
 * admin user approves it, again with his password, and only then is it sent; the approver may be neither the proposer
 * nor a user {@link SeparationOfDuties tied} to her (created, promoted, enabled or reset by her recently). At or below
 * the threshold it is sent at once. A rejection closes it unsent. Every step is audited against the order (its
 * timeline shows it); refusals too.
 */
@Service
public class ConsoleRefunds {

	private static final Pattern YUAN = Pattern.compile("(0|[1-9][0-9]{0,12})(\\.[0-9]{1,2})?");
	private static final Pattern OUT_REFUND_NO = Pattern.compile("[0-9A-Za-z_\\-|*@]{1,64}");
	/** WeChat's refund_desc and reason are 80 characters. */
	static final int MAX_REASON = 80;

	private final RefundService refunds;
	private final RefundSender sender;
	private final RefundRepository repository;
	private final OrderRepository orders;
	private final RefundProperties properties;
	private final AuditLog audit;
	private final TransactionRetry retry;
	private final StepUp stepUp;
	private final SeparationOfDuties duties;

	ConsoleRefunds(RefundService refunds, RefundSender sender, RefundRepository repository, OrderRepository orders,
			RefundProperties properties, AuditLog audit, TransactionRetry retry, StepUp stepUp, SeparationOfDuties duties) {
		this.stepUp = stepUp;
		this.duties = duties;
		this.refunds = refunds;
		this.sender = sender;
		this.repository = repository;
		this.orders = orders;
		this.properties = properties;
		this.audit = audit;
		this.retry = retry;
	}

	/** What a proposal did: the refund, and whether it went to the provider or waits for approval. */
	public record Proposed(Refund refund, boolean sent, boolean again) {
	}

	/**
	 * Proposes a refund of order {@code orderId}. {@code outRefundNo} is the number the form was rendered with, so a
	 * second submit of the same form is the same refund, not a second one.
	 * @throws RefundRefused with the message key of the reason
	 * @throws Refused the password was wrong (step-up)
	 */
	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	public Proposed propose(long orderId, String yuan, String reason, String outRefundNo, String password,
			String operator) {
		PaymentOrder order = orders.findById(orderId).orElseThrow(() -> new RefundRefused("refund.refused.noOrder"));
		String target = "order:" + orderId;
		try {
			Fen amount = parseYuan(yuan);
			stepUp.confirm(operator, password, "propose refund " + outRefundNo + " of order " + orderId);
			String why = reason == null ? "" : reason.strip();
			if (why.isEmpty() || why.length() > MAX_REASON || why.chars().anyMatch(Character::isISOControl)) {
				throw new RefundRefused("refund.refused.reason", MAX_REASON);
			}
			if (outRefundNo == null || !OUT_REFUND_NO.matcher(outRefundNo).matches()) {
				throw new RefundRefused("refund.refused.number");
			}
			boolean approval = amount.compareTo(properties.approvalAbove(order.accountId())) > 0;
			Cause cause = new Cause(EventSource.OPERATOR, operator, null, "refund proposed in the console: " + why);
			RefundService.RequestResult result = retry.inTransaction(() -> refunds.request(new RequestRefund(
					order.accountId(), order.outTradeNo(), outRefundNo, amount, why, RefundSource.CONSOLE, operator, approval),
					cause));
			Proposed proposed = switch (result) {
				case Created created -> new Proposed(approval ? created.refund()
						: sender.send(created.refund().id(), cause), !approval, false);
				case AlreadyExists existing -> new Proposed(existing.refund(), false, true);
				case Conflict conflict -> throw new RefundRefused("refund.refused.conflict", outRefundNo, conflict.field());
				case NotRefundable refused -> throw new RefundRefused("refund.refused.exceeds", refused.refundable().toYuan(),
						order.currency());
				case NoSuchOrder none -> throw new RefundRefused("refund.refused.noOrder");
			};
			audit.record(operator, AuditAction.REFUND_PROPOSED, target, AuditOutcome.SUCCESS, "refund "
					+ proposed.refund().outRefundNo() + " of " + amount.toYuan() + " " + order.currency() + " — " + why
					+ (approval ? " (waits for a second person's approval)" : " (sent at once: at or below the approval threshold)"));
			return proposed;
		}
		catch (RefundRefused | Refused ex) {
			audit.record(operator, AuditAction.REFUND_PROPOSED, target, AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	/**
	 * A second finance or admin user approves, confirming with his password; the refund is sent at once.
	 * @throws RefundRefused own refund, or not waiting for approval
	 * @throws Refused the password was wrong, or the approver is tied to the proposer
	 */
	@PreAuthorize("hasAnyRole('FINANCE', 'ADMIN') and #operator == authentication.name")
	public Refund approve(long refundId, String password, String operator) {
		Refund refund = repository.findById(refundId).orElseThrow(() -> new RefundRefused("refund.refused.noRefund"));
		String target = "order:" + refund.orderId();
		try {
			if (refund.requestedBy().equals(operator)) {
				throw new RefundRefused("refund.refused.own", refund.outRefundNo());
			}
			duties.checkMayApprove(refund.requestedBy(), operator);
			stepUp.confirm(operator, password, "approve refund " + refund.outRefundNo() + " of order " + refund.orderId());
			Cause cause = new Cause(EventSource.OPERATOR, operator, null, "refund " + refund.outRefundNo()
					+ " approved in the console: asked for by " + refund.requestedBy() + ", approved by " + operator);
			retry.inTransaction(() -> refunds.approve(refundId, operator, cause));
			Refund sent = sender.send(refundId, cause);
			audit.record(operator, AuditAction.REFUND_APPROVED, target, AuditOutcome.SUCCESS, "refund "
					+ refund.outRefundNo() + " of " + refund.amount().toYuan() + " " + refund.currency() + " by "
					+ refund.requestedBy() + " approved and sent: " + sent.status());
			return sent;
		}
		catch (RefundRefused | Refused ex) {
			audit.record(operator, AuditAction.REFUND_APPROVED, target, AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	/** A finance or admin user rejects a refund waiting for approval: CLOSED, nothing is sent. */
	@PreAuthorize("hasAnyRole('FINANCE', 'ADMIN') and #operator == authentication.name")
	public Refund reject(long refundId, String reason, String operator) {
		Refund refund = repository.findById(refundId).orElseThrow(() -> new RefundRefused("refund.refused.noRefund"));
		String target = "order:" + refund.orderId();
		try {
			String why = reason == null ? "" : reason.strip();
			if (why.isEmpty()) {
				throw new RefundRefused("refund.refused.rejectReason");
			}
			Cause cause = new Cause(EventSource.OPERATOR, operator, null, "refund " + refund.outRefundNo()
					+ " rejected in the console: " + why);
			Refund closed = retry.inTransaction(() -> refunds.reject(refundId, operator, cause));
			audit.record(operator, AuditAction.REFUND_REJECTED, target, AuditOutcome.SUCCESS, "refund "
					+ refund.outRefundNo() + " of " + refund.amount().toYuan() + " by " + refund.requestedBy()
					+ " rejected: " + why);
			return closed;
		}
		catch (RefundRefused ex) {
			audit.record(operator, AuditAction.REFUND_REJECTED, target, AuditOutcome.FAILURE, ex.getMessage());
			throw ex;
		}
	}

	static Fen parseYuan(String text) {
		String t = text == null ? "" : text.strip();
		if (!YUAN.matcher(t).matches()) {
			throw new RefundRefused("refund.refused.amount");
		}
		Fen fen = Fen.of(new BigDecimal(t).movePointRight(2).longValueExact());
		if (fen.value() <= 0) {
			throw new RefundRefused("refund.refused.amount");
		}
		return fen;
	}
}
