package com.payrecon.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.payrecon.demo.DemoHistory;
import com.payrecon.order.OrderRepository;
import com.payrecon.order.OrderService;
import com.payrecon.reconcile.ReconciliationCases;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Threat case A10: no route marks an order paid except the ones we name. {@code OrderService.applyPayment} is called
 * only by the notify pipeline (and, as later issues add them, the query repair path and the maker-checker
 * adjustment, which must be added here deliberately); order rows are written only by the order package.
 */
class OrderStateWritersTests {

	static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("com.payrecon");

	/** The demo seeder (demo/, never the sandbox): the one class outside the appliers' packages that applies a payment. */
	static final String DEMO_HISTORY = DemoHistory.class.getName();

	/** The packages allowed to apply a payment. Extend deliberately, with a reason. */
	static final String[] PAYMENT_APPLIERS = { "com.payrecon.order..", "com.payrecon.notify..",
			"com.payrecon.repair..", // the query repair: a signed provider answer, same checks as a notification
			"com.payrecon.checkout.." /* micropay: the provider's signed synchronous answer or its query */ };

	@Test
	void onlyNamedPackagesApplyPayments() {
		applyPaymentOnlyFrom(PAYMENT_APPLIERS).check(CLASSES);
	}

	@Test
	void theRuleDoesSeeTheNotifyPipelinesCall() {
		// guards the rule itself: with notify not allowed, it must report notify's call
		assertThatThrownBy(() -> applyPaymentOnlyFrom("com.payrecon.order..").check(CLASSES))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("NotificationProcessor");
	}

	static com.tngtech.archunit.lang.ArchRule applyPaymentOnlyFrom(String... packages) {
		return noClasses().that()
			.resideOutsideOfPackages(packages)
			// demo data only (bean exists only with the sandbox and the payer simulation on): plants yesterday's
			// "paid here, never billed by the provider" case for the demo's reconciliation page
			.and().doNotHaveFullyQualifiedName(DEMO_HISTORY)
			.should()
			.callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates
				.target(com.tngtech.archunit.core.domain.properties.HasName.Predicates.name("applyPayment"))
				.and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
						com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With
							.owner(com.tngtech.archunit.base.DescribedPredicate.describe("OrderService",
									owner -> owner.getName().equals(OrderService.class.getName()))))))
			.because("only the notify pipeline, the query repair and maker-checker may mark an order paid");
	}

	@Test
	void onlyMakerCheckerReopensAClosedOrderForALatePayment() {
		// CLOSED → PAID needs a second person's approval (threat cases C8, R5): the reconciliation cases only (not the
		// reconciliation's batch steps, which share their package)
		callsOnlyFrom("reopenForLatePayment", ReconciliationCases.class.getName(), "com.payrecon.order..")
			.because("a late payment is applied only when a second finance or admin user approves the proposal")
			.check(CLASSES);
		assertThatThrownBy(() -> callsOnlyFrom("reopenForLatePayment", "none", "com.payrecon.order..").check(CLASSES))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("ReconciliationCases");
	}

	static com.tngtech.archunit.lang.ArchRule callsOnlyFrom(String method, String className, String... packages) {
		return noClasses().that()
			.resideOutsideOfPackages(packages)
			.and().doNotHaveFullyQualifiedName(className)
			.should()
			.callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates
				.target(com.tngtech.archunit.core.domain.properties.HasName.Predicates.name(method))
				.and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
						com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With
							.owner(com.tngtech.archunit.base.DescribedPredicate.describe("OrderService",
									owner -> owner.getName().equals(OrderService.class.getName()))))));
	}

	@Test
	void onlyTheOrderPackageWritesOrderRows() {
		noClasses().that()
			.resideOutsideOfPackages("com.payrecon.order..", "com.payrecon.db..")
			.and()
			.haveSimpleNameNotEndingWith("Query") // read models (console, reconciliation) may read order rows
			.should()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.PaymentOrder")
			.orShould()
			.accessClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.records.PaymentOrderRecord")
			.because("every order change goes through OrderService and its repository (" + OrderRepository.class.getSimpleName() + ")")
			.check(CLASSES);
	}
}
