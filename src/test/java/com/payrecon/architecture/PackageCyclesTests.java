package com.payrecon.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.Slice;
import org.junit.jupiter.api.Test;

/**
 * The top-level packages under {@code com.payrecon} (account, order, notify, console, …) import each other in one
 * direction only: no loop, however long. A feature that needs something from a package above it moves that thing
 * down (crypto became its own package for accounts; the audit page moved to the console). Generated jOOQ classes
 * ({@code com.payrecon.db}) are left out: every module reads its tables, and they name a converter in support.
 */
class PackageCyclesTests {

	static final JavaClasses MAIN = OrderStateWritersTests.CLASSES;

	@Test
	void topLevelPackagesAreFreeOfCycles() {
		topLevelPackagesFreeOfCycles("com.payrecon").check(MAIN);
	}

	@Test
	void theRuleDoesSeeALoop() {
		// guards the rule itself: two test packages that import each other must be reported
		JavaClasses loop = new ClassFileImporter().importPackages("com.payrecon.architecture.loop");
		assertThatThrownBy(() -> topLevelPackagesFreeOfCycles("com.payrecon.architecture.loop").check(loop))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("First")
			.hasMessageContaining("Second");
	}

	static ArchRule topLevelPackagesFreeOfCycles(String base) {
		return slices().matching(base + ".(*)..")
			.that(DescribedPredicate.describe("are not generated jOOQ code", (Slice slice) -> !"db".equals(slice.getNamePart(1))))
			.should()
			.beFreeOfCycles()
			.because("a package imports only packages below it, so each can be read and changed from the bottom up");
	}
}
