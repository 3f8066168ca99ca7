package com.payrecon.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.payrecon.support.db.TransactionRetry;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;

/**
 * The static half of the transaction rule (docs/transactions.md); {@code TransactionRetry} and {@code ProviderClient}
 * check the rest when they run. Every Batch step names its transaction manager (a tasklet never takes the builder's
 * default; a chunk step sets one), and no {@code @Transactional} method calls {@code TransactionRetry}, which must open
 * the transaction, not join one.
 */
class TransactionRuleTests {

	static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("com.payrecon");

	@Test
	void everyTaskletStepNamesItsTransactionManager() {
		taskletWithoutTransactionManager().check(CLASSES);
	}

	static ArchRule taskletWithoutTransactionManager() {
		return noClasses().should()
			.callMethod(StepBuilder.class, "tasklet", Tasklet.class)
			.because("a step states its transaction rule: StepTransactions.none() or the application's transaction manager");
	}

	@Test
	void everyChunkStepNamesItsTransactionManager() {
		List<JavaClass> chunkSteps = callers(CLASSES, StepBuilder.class, "chunk");
		assertThat(chunkSteps).as("the rule sees the chunk steps").extracting(JavaClass::getSimpleName)
			.contains("DailyReconciliationJobConfiguration");
		assertThat(chunkSteps)
			.as("classes that build a chunk step without ChunkOrientedStepBuilder.transactionManager(..)")
			.filteredOn(c -> !calls(c, ChunkOrientedStepBuilder.class, "transactionManager"))
			.isEmpty();
	}

	@Test
	void noTransactionalMethodCallsTransactionRetry() {
		List<JavaMethod> retrying = CLASSES.stream()
			.flatMap(c -> c.getMethods().stream())
			.filter(m -> m.getMethodCallsFromSelf().stream().anyMatch(TransactionRuleTests::isRetry))
			.toList();
		assertThat(retrying).as("the rule sees TransactionRetry's callers").extracting(m -> m.getOwner().getSimpleName())
			.contains("MicropayCashier", "OrderRequery");
		assertThat(retrying).as("@Transactional methods that call TransactionRetry (it must open the transaction)")
			.filteredOn(m -> m.isAnnotatedWith(Transactional.class) || m.getOwner().isAnnotatedWith(Transactional.class))
			.isEmpty();
	}

	static boolean isRetry(JavaMethodCall call) {
		return call.getTargetOwner().isEquivalentTo(TransactionRetry.class) && call.getName().equals("inTransaction");
	}

	@Test
	void theTaskletRuleWouldSeeATaskletWithoutItsManager() {
		assertThatThrownBy(() -> noClasses().should()
			.callMethod(StepBuilder.class, "tasklet", Tasklet.class, PlatformTransactionManager.class)
			.check(CLASSES)).isInstanceOf(AssertionError.class).hasMessageContaining("MicropayWatchdogJobConfiguration");
	}

	static List<JavaClass> callers(JavaClasses classes, Class<?> owner, String method) {
		return classes.stream().filter(c -> calls(c, owner, method)).toList();
	}

	static boolean calls(JavaClass c, Class<?> owner, String method) {
		for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
			if (call.getTargetOwner().isEquivalentTo(owner) && call.getName().equals(method)) {
				return true;
			}
		}
		return false;
	}
}
