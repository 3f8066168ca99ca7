package com.payrecon.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.security.Refused;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What finance must hear about after the fact: a run that changed a day finance had signed off (the sign-off was
 * cleared). A notice stays on the reconciliation pages until a finance user marks it read (audited).
 */
@Service
public class FinanceNotices {

	public static final String SIGN_OFF_CLEARED = "SIGN_OFF_CLEARED";

	/**
	 * @param changes what the run changed, as codes: {@code status:FROM:TO}, {@code provider}, {@code local},
	 * {@code open:N} (shown in the reader's language)
	 */
	public record Notice(long id, String accountId, LocalDate businessDate, String kind, long runId, String signedBy,
			List<String> changes, Instant createdAt, String readBy, Instant readAt) {
	}

	private final RunRequestRepository repository;
	private final AuditLog audit;
	private final Clock clock;

	FinanceNotices(RunRequestRepository repository, AuditLog audit, Clock clock) {
		this.repository = repository;
		this.audit = audit;
		this.clock = clock;
	}

	/** Joins the caller's transaction (the one that clears the sign-off). */
	void signOffCleared(String accountId, LocalDate day, long runId, String signedBy, List<String> changes) {
		repository.notice(accountId, day, SIGN_OFF_CLEARED, runId, signedBy, changes, clock.instant());
	}

	@Transactional(readOnly = true)
	public List<Notice> unread() {
		return repository.unreadNotices(100);
	}

	@PreAuthorize("hasRole('FINANCE') and #operator == authentication.name")
	@Transactional
	public void markRead(long id, String operator) {
		Notice notice = repository.findNotice(id).orElseThrow(() -> new Refused("recon.notice.unknown", id));
		boolean marked = repository.markRead(id, operator, clock.instant());
		audit.record(operator, AuditAction.FINANCE_NOTICE_READ, DaySignOffs.target(notice.accountId(), notice.businessDate()),
				marked ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE, "notice " + id + (marked ? "" : ": read already"));
	}
}
