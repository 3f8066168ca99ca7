package com.payrecon.reconcile;

import com.payrecon.support.i18n.Refusal;
import com.payrecon.support.i18n.Text;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import com.payrecon.reconcile.DiscrepancyEvent.DiscrepancyAccepted;
import com.payrecon.reconcile.DiscrepancyEvent.DiscrepancyAssigned;
import com.payrecon.reconcile.DiscrepancyEvent.DiscrepancyResolved;
import com.payrecon.reconcile.DiscrepancyEvent.DiscrepancyVoided;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What finance does with the current discrepancies (the console's service): list with filters, assign, resolve,
 * accept, void. Each move is one compare-and-set on (state, version) and publishes a {@link DiscrepancyEvent} in its
 * transaction. Only discrepancies of a current run can move; a superseded run's are history.
 */
@Service
public class Discrepancies {

	private final DiscrepancyRepository repository;
	private final ApplicationEventPublisher events;
	private final Clock clock;

	Discrepancies(DiscrepancyRepository repository, ApplicationEventPublisher events, Clock clock) {
		this.repository = repository;
		this.events = events;
		this.clock = clock;
	}

	@Transactional(readOnly = true)
	public List<Discrepancy> current(DiscrepancyFilter filter) {
		return repository.current(filter);
	}

	@Transactional(readOnly = true)
	public Discrepancy get(long id) {
		return repository.find(id).orElseThrow(() -> new DiscrepancyNotFound(id));
	}

	/** Whether another current case about this order still waits for finance (then its review flag stays). */
	@Transactional(readOnly = true)
	public boolean othersUnsettledFor(long orderId, long exceptId) {
		return repository.othersUnsettledFor(orderId, exceptId);
	}

	@Transactional
	public Discrepancy assign(long id, String assignee, String operator) {
		required(assignee, "assignee");
		return move(id, Resolution.ASSIGNED, null, assignee, operator);
	}

	@Transactional
	public Discrepancy resolve(long id, String note, String operator) {
		return move(id, Resolution.RESOLVED, required(note, "note"), null, operator);
	}

	/** The difference is real and accepted as it is (e.g. a fee booked elsewhere). */
	@Transactional
	public Discrepancy accept(long id, String note, String operator) {
		return move(id, Resolution.ACCEPTED, required(note, "note"), null, operator);
	}

	/** Not a discrepancy after all (e.g. a test order). */
	@Transactional
	public Discrepancy voidDiscrepancy(long id, String note, String operator) {
		return move(id, Resolution.VOID, required(note, "note"), null, operator);
	}

	private Discrepancy move(long id, Resolution to, String note, String assignee, String operator) {
		required(operator, "operator");
		Discrepancy d = repository.find(id).orElseThrow(() -> new DiscrepancyNotFound(id));
		if (!repository.isCurrent(id)) {
			throw new IllegalResolutionTransition(id, d.resolution(), to, true);
		}
		if (!d.resolution().canMoveTo(to)) {
			throw new IllegalResolutionTransition(id, d.resolution(), to, false);
		}
		Instant now = clock.instant();
		if (!repository.move(id, d.version(), d.resolution(), to, note, assignee, operator, now)) {
			throw new ConcurrentDiscrepancyUpdate(id);
		}
		events.publishEvent(switch (to) {
			case ASSIGNED -> new DiscrepancyAssigned(id, d.resolution(), to, assignee, operator, now);
			case RESOLVED -> new DiscrepancyResolved(id, d.resolution(), to, note, operator, now);
			case ACCEPTED -> new DiscrepancyAccepted(id, d.resolution(), to, note, operator, now);
			case VOID -> new DiscrepancyVoided(id, d.resolution(), to, note, operator, now);
			case OPEN -> throw new IllegalStateException("nothing moves back to OPEN");
		});
		return repository.find(id).orElseThrow();
	}

	private static String required(String value, String what) {
		if (value == null || value.isBlank()) {
			throw new Refusal("case.required." + what);
		}
		return value.strip();
	}

	/** No discrepancy with that id. */
	public static class DiscrepancyNotFound extends Refusal {
		public DiscrepancyNotFound(long id) {
			super("case.refused.notFound", id);
		}
	}

	/** The transition table (or the run's supersession) does not allow the move. */
	public static class IllegalResolutionTransition extends Refusal {
		public IllegalResolutionTransition(long id, Resolution from, Resolution to, boolean superseded) {
			super(superseded ? "case.refused.transition.superseded" : "case.refused.transition", id,
					Text.of("case.state." + from), Text.of("case.state." + to));
		}
	}

	/** Someone else moved the discrepancy first. */
	public static class ConcurrentDiscrepancyUpdate extends Refusal {
		public ConcurrentDiscrepancyUpdate(long id) {
			super("case.refused.concurrent", id);
		}
	}
}
