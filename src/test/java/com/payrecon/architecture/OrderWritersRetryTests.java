package com.payrecon.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderStatus;
import com.payrecon.support.db.TransactionRetry;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 §2: every writer of order state retries the same way. A call to one of {@link OrderService}'s writing
 * methods from outside the order package is made inside a unit of work handed to
 * {@link TransactionRetry#inTransaction} (a lambda of a class that calls it), so that a deadlock (1213) or lock wait
 * timeout (1205) on the order row retries the whole transaction instead of failing the use case. The behaviour behind
 * the rule: {@code DatabaseFaultsIT} (the retry itself), {@code ReviewFlagIT} (an approval that waits too long for
 * the order row is retried).
 */
class OrderWritersRetryTests {

	/** OrderService's methods that write order rows. */
	static final Set<String> WRITES = Set.of("create", "applyPayment", "reopenForLatePayment", "transition",
			"clearReview", "settlePaidTime");

	/** Calls that join a transaction a retried unit opened, and why. Extend deliberately, with a reason. */
	static final Map<String, String> JOINS = Map.of(
			"com.payrecon.reconcile.ReconciliationCases.clearReviewOfItsOrder",
			"an event listener of a case move, which runs inside the move's own retried transaction",
			OrderStateWritersTests.DEMO_HISTORY,
			"demo data seeded once at start-up, single-threaded, before any traffic");

	@Test
	void everyWriterOfOrderStateCallsOrderServiceInsideTransactionRetry() {
		writersRetry().check(OrderStateWritersTests.CLASSES);
	}

	@Test
	void theRuleReportsAWriterThatCallsOrderServiceDirectly() {
		assertThatThrownBy(() -> writersRetry().check(new ClassFileImporter().importClasses(DirectWriter.class)))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("DirectWriter.close(")
			.hasMessageNotContaining("DirectWriter.closeRetried(");
	}

	static ArchRule writersRetry() {
		return classes().that().resideOutsideOfPackage("com.payrecon.order..")
			.should(new ArchCondition<JavaClass>("call OrderService's writing methods only inside TransactionRetry.inTransaction") {
				@Override
				public void check(JavaClass item, ConditionEvents events) {
					for (JavaMethodCall call : item.getMethodCallsFromSelf()) {
						if (!isWrite(call) || JOINS.containsKey(item.getName())
								|| JOINS.containsKey(item.getName() + "." + call.getOrigin().getName())) {
							continue;
						}
						if (!retried(call.getOrigin(), new HashSet<>())) {
							events.add(SimpleConditionEvent.violated(call, call.getDescription()
									+ " is not inside a unit of work given to TransactionRetry.inTransaction"));
						}
					}
				}
			})
			.allowEmptyShould(true);
	}

	/**
	 * ArchUnit counts a call inside a lambda as a call of the enclosing method. So a write counts as retried when the
	 * method making it hands work to {@code inTransaction} (directly, or through a same-class wrapper that does, like
	 * ReconciliationCases.audited), or when it is a helper called only by such methods of its own class.
	 */
	static boolean retried(JavaCodeUnit method, Set<JavaCodeUnit> seen) {
		if (!seen.add(method)) {
			return false;
		}
		if (method.getMethodCallsFromSelf().stream().anyMatch(c -> isRetry(c) || wrapsRetry(c, method.getOwner()))) {
			return true;
		}
		List<JavaCodeUnit> callers = method.getCallsOfSelf().stream()
			.map(JavaCall::getOrigin)
			.filter(origin -> origin.getOwner().equals(method.getOwner()))
			.map(JavaCodeUnit.class::cast)
			.toList();
		return !callers.isEmpty() && callers.size() == method.getCallsOfSelf().size()
				&& callers.stream().allMatch(c -> retried(c, seen));
	}

	/** A call of a same-class method that itself calls {@code inTransaction} (a wrapper around the retry). */
	static boolean wrapsRetry(JavaMethodCall call, JavaClass owner) {
		return call.getTargetOwner().equals(owner) && call.getTarget().resolveMember()
			.map(target -> target.getMethodCallsFromSelf().stream().anyMatch(OrderWritersRetryTests::isRetry))
			.orElse(false);
	}

	static boolean isWrite(JavaMethodCall call) {
		return call.getTargetOwner().getName().equals(OrderService.class.getName()) && WRITES.contains(call.getName());
	}

	static boolean isRetry(JavaMethodCall call) {
		return call.getTargetOwner().getName().equals(TransactionRetry.class.getName())
				&& call.getName().equals("inTransaction");
	}

	/** A fixture the rule must report: one call inside the retry, one outside. */
	static final class DirectWriter {

		private final OrderService orders;
		private final TransactionRetry retry;

		DirectWriter(OrderService orders, TransactionRetry retry) {
			this.orders = orders;
			this.retry = retry;
		}

		void closeRetried(String account, String no) {
			retry.inTransaction(() -> orders.transition(account, no, OrderStatus.CLOSED, Cause.api("t", "t")));
		}

		void close(String account, String no) {
			orders.transition(account, no, OrderStatus.CLOSED, Cause.api("t", "t"));
		}
	}
}
