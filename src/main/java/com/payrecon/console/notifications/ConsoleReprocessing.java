package com.payrecon.console.notifications;

import java.util.Optional;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.notify.NotificationProcessor.Outcome;
import com.payrecon.notify.NotificationReprocessor;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;

/**
 * An admin re-runs a stored notification through verification and application. Not one transaction on purpose:
 * the processor commits in its own retried transactions (deadlock retries must restart the whole unit), so the audit
 * entry is written right after, with the verdict it produced.
 */
@Service
public class ConsoleReprocessing {

	private final NotificationReprocessor reprocessor;
	private final AuditLog audit;

	ConsoleReprocessing(NotificationReprocessor reprocessor, AuditLog audit) {
		this.reprocessor = reprocessor;
		this.audit = audit;
	}

	@PreAuthorize("hasRole('ADMIN') and #operator == authentication.name")
	public Optional<Outcome> reprocess(long rawId, String operator) {
		Optional<Outcome> outcome = reprocessor.reprocess(rawId, operator);
		audit.record(operator, AuditAction.NOTIFICATION_REPROCESSED, "notification:" + rawId,
				outcome.isPresent() ? AuditOutcome.SUCCESS : AuditOutcome.FAILURE,
				outcome.map(o -> "verdict " + o.verdict() + ": " + o.reason()).orElse("no such notification"));
		return outcome;
	}
}
