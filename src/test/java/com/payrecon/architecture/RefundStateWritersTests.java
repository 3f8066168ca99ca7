package com.payrecon.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import com.payrecon.order.OrderService;
import com.payrecon.refund.RefundRepository;
import com.payrecon.refund.RefundService;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasOwner;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Refunds have one door and one writer, as orders do ({@link OrderStateWritersTests}): refund rows are written only by
 * {@link RefundRepository} (whose writing methods only {@link RefundService} calls), refund state changes only through
 * {@link RefundService}, called from the places named here, and the order's refunded amount and status only from the
 * refund module ({@code OrderService.applyRefunds}).
 */
class RefundStateWritersTests {

	/** RefundService's methods that change refunds. */
	static final Set<String> REFUND_WRITERS = Set.of("request", "approve", "reject", "submit", "resubmit", "giveUp",
			"refused", "answerUnknown", "scheduleNextCheck", "providerSays");

	/**
	 * Who may change refunds: the refund module (sender, queries, sweep), the notify pipeline (verified refund
	 * notifications), the REST API and the console (asking, approving), and reconciliation's maker-checker (a refund
	 * seen only in the bill, recorded on a second person's approval). Extend deliberately, with a reason.
	 */
	static final String[] REFUND_CHANGERS = { "com.payrecon.refund..", "com.payrecon.notify..", "com.payrecon.api..",
			"com.payrecon.console..", "com.payrecon.reconcile..",
			// demo data only: records the demo's yesterday's refunds made "by hand" for its reconciliation page
			OrderStateWritersTests.DEMO_HISTORY };

	@Test
	void onlyTheRefundRepositoryWritesRefundRows() {
		noClasses().that()
			.resideOutsideOfPackages("com.payrecon.refund..", "com.payrecon.db..")
			.and()
			.haveSimpleNameNotEndingWith("Query") // read models (console, reconciliation) may read refund rows
			.should()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.Refund")
			.orShould()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.RefundEvent")
			.orShould()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.records.RefundRecord")
			.orShould()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.records.RefundEventRecord")
			.because("every refund change goes through RefundService and its repository")
			.check(OrderStateWritersTests.CLASSES);
		noClasses().that()
			.resideInAPackage("com.payrecon.refund..")
			.and()
			.doNotHaveFullyQualifiedName(RefundRepository.class.getName())
			.and()
			.haveSimpleNameNotEndingWith("Query")
			.should()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.Refund")
			.because("inside the refund module too, RefundRepository is the one writer")
			.check(OrderStateWritersTests.CLASSES);
	}

	@Test
	void onlyRefundServiceCallsTheRepositorysWriters() {
		callsOnlyFrom(RefundRepository.class.getName(), Set.of("insertIfAbsent", "moveStatus", "markSubmitted", "approve",
				"noteProvider", "flagForReview", "scheduleNextCheck", "appendEvent"), RefundService.class.getName())
			.because("RefundService locks, checks the table, compare-and-sets and writes the event in one place")
			.check(OrderStateWritersTests.CLASSES);
	}

	@Test
	void refundStateChangesComeFromTheNamedPlacesOnly() {
		refundChangesOnlyFrom(REFUND_CHANGERS).check(OrderStateWritersTests.CLASSES);
	}

	@Test
	void theRuleDoesSeeTheNotifyPipelinesCall() {
		// guards the rule itself: with notify not allowed, it must report the notification processor's call
		assertThatThrownBy(() -> refundChangesOnlyFrom("com.payrecon.refund..", "com.payrecon.api..",
				"com.payrecon.console..", "com.payrecon.reconcile..").check(OrderStateWritersTests.CLASSES))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("NotificationProcessor")
			.hasMessageContaining("providerSays");
	}

	@Test
	void theOrdersRefundedAmountFollowsFromTheRefundModuleOnly() {
		callsOnlyFrom(OrderService.class.getName(), Set.of("applyRefunds", "lockForRefund"), "com.payrecon.refund..",
				"com.payrecon.order..")
			.because("PARTIALLY_REFUNDED and REFUNDED follow from the refunds' sum, never from anyone's choice")
			.check(OrderStateWritersTests.CLASSES);
		assertThatThrownBy(() -> callsOnlyFrom(OrderService.class.getName(), Set.of("applyRefunds"), "com.payrecon.order..")
			.check(OrderStateWritersTests.CLASSES))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("RefundService");
	}

	static ArchRule refundChangesOnlyFrom(String... packages) {
		return callsOnlyFrom(RefundService.class.getName(), REFUND_WRITERS, packages)
			.because("refunds change through RefundService, from the places named in RefundStateWritersTests only");
	}

	/** No class outside {@code packages} (package patterns or class names) calls one of {@code methods} of {@code owner}. */
	static ArchRule callsOnlyFrom(String owner, Set<String> methods, String... packages) {
		String[] packagePatterns = java.util.Arrays.stream(packages).filter(p -> p.endsWith("..")).toArray(String[]::new);
		Set<String> classNames = Set.copyOf(java.util.Arrays.stream(packages).filter(p -> !p.endsWith("..")).toList());
		return noClasses().that()
			.resideOutsideOfPackages(packagePatterns)
			.and(DescribedPredicate.describe("not one of " + classNames, c -> !classNames.contains(c.getName())))
			.should()
			.callMethodWhere(JavaCall.Predicates.target(DescribedPredicate.describe("one of " + methods,
					(HasName target) -> methods.contains(target.getName())))
				.and(JavaCall.Predicates.target(HasOwner.Predicates.With.owner(
						DescribedPredicate.describe(owner, o -> o.getName().equals(owner))))));
	}
}
