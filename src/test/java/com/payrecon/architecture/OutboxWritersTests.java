package com.payrecon.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

import com.payrecon.order.OrderRepository;
import com.payrecon.order.SilentStateChange;
import com.payrecon.outbox.Outbox;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * Threat case D8, the outbox's shape (style §12: one writer, one rule, and a check that the rule can fail): every
 * method that changes an order's state also writes the outbound event; only the order module's {@code OrderOutbox}
 * appends events; only the outbox package writes event rows.
 */
class OutboxWritersTests {

	static final JavaClasses CLASSES = OrderStateWritersTests.CLASSES;

	/** The repository methods that change an order's state (status, refunded amount or review flag). */
	static final Set<String> STATE_WRITERS = Set.of("markPaid", "reopenPaid", "moveStatus", "setRefunded",
			"flagForReview", "clearReview");

	/** The repository methods that create a refund or change its status (issue 14). */
	static final Set<String> REFUND_STATE_WRITERS = Set.of("insertIfAbsent", "markSubmitted", "moveStatus");

	static final String REFUND_REPOSITORY = "com.payrecon.refund.RefundRepository";

	/**
	 * Sends a PROCESSING refund again with the same number (markSubmitted counts the request): its status does not
	 * change, so no event; the rule reported it before it was named here.
	 */
	static final String SAME_STATUS_RESEND = "com.payrecon.refund.RefundService.resubmit";

	/** Who may append events: the order module (its OrderOutbox) and the refund module (RefundService.announce). */
	static final String[] EVENT_WRITERS = { "com.payrecon.order..", "com.payrecon.refund.." };

	@Test
	void everyOrderStateChangeWritesItsEvent() {
		stateChangesWriteTheirEvent().check(CLASSES);
	}

	@Test
	void everyRefundStateChangeWritesItsEvent() {
		refundStateChangesWriteTheirEvent().check(CLASSES);
	}

	@Test
	void theRuleReportsAStateChangeWithoutItsEvent() {
		JavaClasses withFixture = new ClassFileImporter().importClasses(SilentStateChange.class, OrderRepository.class);
		assertThatThrownBy(() -> stateChangesWriteTheirEvent().check(withFixture)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("SilentStateChange.closeQuietly");
	}

	@Test
	void onlyTheOrderAndRefundModulesAppendEvents() {
		appendOnlyFrom(EVENT_WRITERS).check(CLASSES);
		assertThatThrownBy(() -> appendOnlyFrom("com.payrecon.outbox..").check(CLASSES)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("OrderOutbox");
	}

	@Test
	void onlyTheOutboxPackageWritesEventRows() {
		noClasses().that()
			.resideOutsideOfPackages("com.payrecon.outbox..", "com.payrecon.db..")
			.and()
			.haveSimpleNameNotEndingWith("Query") // read models (console) may read event rows
			.should()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.OutboxEvent")
			.orShould()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.EventSequence")
			.because("events are written by the Outbox only (OutboxRepository), numbered in the account's sequence")
			.check(CLASSES);
	}

	static ArchRule appendOnlyFrom(String... packages) {
		return noClasses().that()
			.resideOutsideOfPackages(packages)
			.should()
			.callMethodWhere(DescribedPredicate.describe("Outbox.append",
					call -> call.getTarget().getOwner().getName().equals(Outbox.class.getName())
							&& call.getTarget().getName().equals("append")))
			.because("outbound events are written by the services that change what they describe");
	}

	static ArchRule stateChangesWriteTheirEvent() {
		return methods().that(DescribedPredicate.describe("change an order's state",
				(JavaMethod m) -> !m.getOwner().getName().equals(OrderRepository.class.getName()) // the writer itself
						&& reaches(m, OutboxWritersTests::isStateWrite, new HashSet<>())))
			.should(new ArchCondition<JavaMethod>("write the outbound event of the change (OrderOutbox or Outbox.append)") {
				@Override
				public void check(JavaMethod method, ConditionEvents events) {
					if (!reaches(method, OutboxWritersTests::isEventWrite, new HashSet<>())) {
						events.add(SimpleConditionEvent.violated(method,
								method.getFullName() + " changes an order's state without writing its outbound event"));
					}
				}
			})
			.allowEmptyShould(false);
	}

	static ArchRule refundStateChangesWriteTheirEvent() {
		return methods().that(DescribedPredicate.describe("create a refund or change its status",
				(JavaMethod m) -> !m.getOwner().getName().equals(REFUND_REPOSITORY) // the writer itself
						&& !m.getFullName().startsWith(SAME_STATUS_RESEND + "(")
						&& reaches(m, OutboxWritersTests::isRefundStateWrite, new HashSet<>())))
			.should(new ArchCondition<JavaMethod>("write the refund's outbound event (Outbox.append)") {
				@Override
				public void check(JavaMethod method, ConditionEvents events) {
					if (!reaches(method, OutboxWritersTests::isEventWrite, new HashSet<>())) {
						events.add(SimpleConditionEvent.violated(method,
								method.getFullName() + " changes a refund's state without writing its outbound event"));
					}
				}
			})
			.allowEmptyShould(false);
	}

	private static boolean isRefundStateWrite(JavaMethodCall call) {
		return call.getTarget().getOwner().getName().equals(REFUND_REPOSITORY)
				&& REFUND_STATE_WRITERS.contains(call.getTarget().getName());
	}

	private static boolean isStateWrite(JavaMethodCall call) {
		return call.getTarget().getOwner().getName().equals(OrderRepository.class.getName())
				&& STATE_WRITERS.contains(call.getTarget().getName());
	}

	private static boolean isEventWrite(JavaMethodCall call) {
		String owner = call.getTarget().getOwner().getName();
		return owner.equals("com.payrecon.order.OrderOutbox")
				|| owner.equals(Outbox.class.getName()) && call.getTarget().getName().equals("append");
	}

	/** Whether the method makes such a call itself or through a method of its own class (private helpers). */
	private static boolean reaches(JavaMethod method, Predicate<JavaMethodCall> call, Set<JavaMethod> seen) {
		if (!seen.add(method)) {
			return false;
		}
		for (JavaMethodCall c : method.getMethodCallsFromSelf()) {
			if (call.test(c)) {
				return true;
			}
			if (c.getTarget().getOwner().equals(method.getOwner())) {
				for (JavaMethod callee : c.getTarget().resolveMember().stream().map(m -> (JavaMethod) m).toList()) {
					if (reaches(callee, call, seen)) {
						return true;
					}
				}
			}
		}
		return false;
	}
}
