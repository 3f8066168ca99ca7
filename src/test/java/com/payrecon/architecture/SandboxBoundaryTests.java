package com.payrecon.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.payrecon.account.Channel;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The sandbox plays the providers: it talks to PayRecon only over HTTP (notifications, the order API), as its package
 * doc promises. From PayRecon's code it may use only what a provider's side needs to exist at all: {@link Channel}
 * (which wire format a merchant speaks), {@code Fen}, the servlet filter that caps request bodies
 * ({@code support.web.BodyLimitFilter}, web plumbing any server has), and the generated classes of its own
 * {@code sandbox_*} tables.
 * No orders, notify, reconcile, provider clients or PayRecon's crypto. Demo data that does need PayRecon's services
 * lives in {@code com.payrecon.demo}, above both.
 */
class SandboxBoundaryTests {

	@Test
	void theSandboxTalksToPayReconOnlyOverHttp() {
		usesOnlyWhatAProviderHas("com.payrecon.sandbox..").check(OrderStateWritersTests.CLASSES);
	}

	@Test
	void theRuleDoesSeeADirectCall() {
		// guards the rule itself: the demo seeder calls OrderService directly, so held to the sandbox's promise it fails
		assertThatThrownBy(() -> usesOnlyWhatAProviderHas("com.payrecon.demo..").check(OrderStateWritersTests.CLASSES))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("OrderService")
			.hasMessageContaining("Reconciliation");
	}

	static ArchRule usesOnlyWhatAProviderHas(String sandboxPackage) {
		DescribedPredicate<JavaClass> allowed = resideInAnyPackage(sandboxPackage, "com.payrecon.support.money..")
			.or(type(Channel.class))
			.or(type(com.payrecon.support.web.BodyLimitFilter.class))
			.or(DescribedPredicate.describe("its own sandbox_* tables", (JavaClass c) -> c.getPackageName().startsWith("com.payrecon.db.")
					&& c.getSimpleName().startsWith("Sandbox")))
			.or(type(com.payrecon.db.Tables.class));
		return noClasses().that()
			.resideInAPackage(sandboxPackage)
			.should()
			.dependOnClassesThat(resideInAPackage("com.payrecon..").and(not(allowed)))
			.because("the sandbox stands for the providers, which reach PayRecon only over HTTP");
	}
}
