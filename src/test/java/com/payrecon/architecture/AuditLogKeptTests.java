package com.payrecon.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The audit log is never purged (issue 12, data lifecycle): only the audit module writes its table, and the console
 * reads it; in particular the data-retention job and the purges it calls cannot reach it.
 */
class AuditLogKeptTests {

	static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("com.payrecon");

	@Test
	void onlyTheAuditModuleAndTheConsolesReadersTouchTheAuditTable() {
		auditTableOnlyFrom("com.payrecon.audit..", "com.payrecon.console..", "com.payrecon.db..").check(CLASSES);
	}

	@Test
	void theRuleSeesTheAuditTablesUsers() {
		assertThatThrownBy(() -> auditTableOnlyFrom("com.payrecon.console..", "com.payrecon.db..").check(CLASSES))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("AuditEntryRepository");
	}

	static ArchRule auditTableOnlyFrom(String... packages) {
		return noClasses().that()
			.resideOutsideOfPackages(packages)
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.AuditEntry")
			.orShould()
			.dependOnClassesThat()
			.haveFullyQualifiedName("com.payrecon.db.tables.records.AuditEntryRecord")
			.because("nothing but the audit module writes the audit log, and nothing purges it");
	}
}
