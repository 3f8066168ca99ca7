package com.payrecon.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The append-only audit log of operator actions. Call it inside the transaction that makes the change: the entry
 * commits or rolls back with it. A refusal is the exception ({@link #recordRefusal}): it must survive the rollback
 * of the action it refuses. Never put a secret (password, key) into {@code details}.
 */
@Service
public class AuditLog {

	private final AuditEntryRepository entries;
	private final Clock clock;
	private final TransactionTemplate ownTransaction;

	AuditLog(AuditEntryRepository entries, Clock clock, PlatformTransactionManager transactions) {
		this.entries = entries;
		this.clock = clock;
		this.ownTransaction = new TransactionTemplate(transactions);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Records a refused action (outcome FAILURE) so that the entry survives the rollback of the action's transaction
	 * (issue 11: a refused operator action is about to throw and roll back): it is written when the surrounding
	 * transaction has ended, committed or rolled back, in a transaction of its own; at once, in its own transaction,
	 * when there is none. Not in a nested REQUIRES_NEW transaction while the action's is still open: the action may
	 * already hold the audit chain head's lock, which the nested one would wait for until the lock wait timeout.
	 */
	public void recordRefusal(String actor, AuditAction action, String target, String details) {
		String remoteAddr = currentRemoteAddr(); // taken now: the write may come after the request is done
		Runnable write = () -> ownTransaction
			.executeWithoutResult(status -> record(actor, action, target, AuditOutcome.FAILURE, details, remoteAddr));
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCompletion(int status) {
					write.run();
				}
			});
		}
		else {
			write.run();
		}
	}

	/** Records an action; the remote address is taken from the current request, if there is one. */
	@Transactional(propagation = Propagation.REQUIRED)
	public AuditEntry record(String actor, AuditAction action, String target, AuditOutcome outcome, String details) {
		return record(actor, action, target, outcome, details, currentRemoteAddr());
	}

	@Transactional(propagation = Propagation.REQUIRED)
	public AuditEntry record(String actor, AuditAction action, String target, AuditOutcome outcome, String details,
			String remoteAddr) {
		// DATETIME(6) keeps microseconds: hash what is stored
		Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
		return entries.append(at, clean(actor == null ? "anonymous" : actor, 128), action, clean(target, 256), outcome,
				clean(details, 4000), clean(remoteAddr, 64));
	}

	/** No control characters (log and terminal injection, threat case C7), bounded length. */
	static String clean(String text, int max) {
		if (text == null) {
			return null;
		}
		StringBuilder out = new StringBuilder(Math.min(text.length(), max));
		text.codePoints().forEach(cp -> {
			if (out.length() < max) {
				out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp);
			}
		});
		return out.length() > max ? out.substring(0, max) : out.toString();
	}

	private static String currentRemoteAddr() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes instanceof ServletRequestAttributes servlet) {
			HttpServletRequest request = servlet.getRequest();
			return request.getRemoteAddr();
		}
		return null;
	}
}
