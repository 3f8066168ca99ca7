package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditChainVerifier;
import com.payrecon.audit.AuditChainVerifier.ChainReport;
import com.payrecon.audit.AuditEntry;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.db.tables.records.AuditEntryRecord;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.db.EmbeddedMariaDb;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;

/**
 * Threat case C9: the audit log's hash chain verifies, and an edited, deleted or cut-off row is found. Every test
 * puts the row back exactly as it was, because all integration tests share this database. On the embedded MariaDB
 * the application's own database user cannot edit or delete audit rows at all (issue 11), so the tampering here is
 * done as the schema owner, as someone with more access than the application would.
 */
@PayReconIT
class AuditChainIT {

	@Autowired
	AuditLog audit;

	@Autowired
	AuditChainVerifier verifier;

	@Autowired
	DSLContext dsl;

	@Autowired
	ObjectProvider<EmbeddedMariaDb> embeddedDb;

	/** The schema owner on the embedded MariaDB; the application's connection on another server. */
	DSLContext tamper;

	@BeforeEach
	void tamperer() {
		EmbeddedMariaDb db = embeddedDb.getIfAvailable();
		tamper = db == null ? dsl : DSL.using(db.jdbcUrl(), db.ownerUsername(), db.ownerPassword());
	}

	@AfterEach
	void closeTamperer() {
		if (tamper instanceof org.jooq.CloseableDSLContext closeable) {
			closeable.close();
		}
	}

	@Test
	void theApplicationsDatabaseUserMayAddAndReadAuditRowsButNeverChangeOrDeleteThem() {
		assumeThat(embeddedDb.getIfAvailable()).as("the grants are PayRecon's own on the embedded MariaDB").isNotNull();
		AuditEntry entry = record("grants");
		// statements that would change nothing: refused for want of the privilege, not for what they would do
		assertThatThrownBy(() -> dsl.update(AUDIT_ENTRY).set(AUDIT_ENTRY.DETAILS, AUDIT_ENTRY.DETAILS)
			.where(AUDIT_ENTRY.ID.eq(-1L)).execute()).isInstanceOf(DataAccessException.class)
			.rootCause().hasMessageContaining("UPDATE command denied");
		assertThatThrownBy(() -> dsl.deleteFrom(AUDIT_ENTRY).where(AUDIT_ENTRY.ID.eq(-1L)).execute())
			.isInstanceOf(DataAccessException.class)
			.rootCause().hasMessageContaining("DELETE command denied");
		assertThat(row(entry.id()).getDetails()).isEqualTo("grants");
		assertIntact();
	}

	@Test
	void anEditedRowBreaksTheChainExactlyThere() {
		AuditEntry first = record("edit-1");
		AuditEntry target = record("edit-2");
		record("edit-3");
		assertIntact();
		assertThat(target.prevHash()).isEqualTo(first.hash());

		AuditEntryRecord original = row(target.id());
		tamper.update(AUDIT_ENTRY).set(AUDIT_ENTRY.OUTCOME, "SUCCESS").set(AUDIT_ENTRY.DETAILS, "nothing happened")
			.where(AUDIT_ENTRY.ID.eq(target.id())).execute();
		ChainReport report = verifier.verify();
		assertThat(report.intact()).isFalse();
		assertThat(report.brokenAt()).isEqualTo(target.id());
		assertThat(report.problem()).contains("content does not match");

		// recomputing the edited row's own hash does not help: the next row names the old one
		restore(original);
		assertIntact();
	}

	@Test
	void aDeletedRowInTheMiddleOrAtTheEndIsFound() {
		record("delete-1");
		AuditEntry middle = record("delete-2");
		record("delete-3");
		AuditEntryRecord saved = row(middle.id());
		tamper.deleteFrom(AUDIT_ENTRY).where(AUDIT_ENTRY.ID.eq(middle.id())).execute();
		ChainReport report = verifier.verify();
		assertThat(report.intact()).isFalse();
		assertThat(report.brokenAt()).isEqualTo(middle.id());
		saved.changed(true);
		tamper.insertInto(AUDIT_ENTRY).set(saved).execute();
		assertIntact();

		AuditEntry last = record("delete-4");
		AuditEntryRecord lastRow = row(last.id());
		tamper.deleteFrom(AUDIT_ENTRY).where(AUDIT_ENTRY.ID.eq(last.id())).execute();
		ChainReport cut = verifier.verify();
		assertThat(cut.intact()).isFalse();
		assertThat(cut.problem()).contains("chain head");
		lastRow.changed(true);
		tamper.insertInto(AUDIT_ENTRY).set(lastRow).execute();
		assertIntact();
	}

	@Test
	void entriesWrittenAtTheSameMomentStillFormOneChain() throws Exception {
		long before = verifier.verify().entriesChecked();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<AuditEntry>> futures = java.util.stream.IntStream.range(0, 16)
				.mapToObj(i -> pool.submit(() -> {
					start.await();
					return record("concurrent-" + i);
				}))
				.toList();
			start.countDown();
			for (Future<AuditEntry> f : futures) {
				f.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		ChainReport report = verifier.verify();
		assertThat(report.intact()).as(report.toString()).isTrue();
		assertThat(report.entriesChecked()).isGreaterThanOrEqualTo(before + 16);
	}

	@Test
	void controlCharactersAreNeutralisedBeforeTheyReachTheLog() {
		AuditEntry entry = audit.record("eve\r\nINFO forged line", AuditAction.LOGIN_FAILED, "user:eve",
				AuditOutcome.FAILURE, "bad\u001b[31m password", "127.0.0.1");
		assertThat(row(entry.id()).getActor()).isEqualTo("eve  INFO forged line");
		assertThat(row(entry.id()).getDetails()).doesNotContain("\u001b");
		assertIntact();
	}

	private void assertIntact() {
		ChainReport report = verifier.verify();
		assertThat(report.intact()).as(report.toString()).isTrue();
	}

	private AuditEntry record(String details) {
		return audit.record("audit-test", AuditAction.USER_ROLES_CHANGED, "user:nobody", AuditOutcome.SUCCESS, details, "127.0.0.1");
	}

	private AuditEntryRecord row(long id) {
		return dsl.selectFrom(AUDIT_ENTRY).where(AUDIT_ENTRY.ID.eq(id)).fetchSingle();
	}

	private void restore(AuditEntryRecord original) {
		original.changed(true); // a fetched record has no changed flags: set every column
		tamper.update(AUDIT_ENTRY).set(original).where(AUDIT_ENTRY.ID.eq(original.getId())).execute();
	}
}
