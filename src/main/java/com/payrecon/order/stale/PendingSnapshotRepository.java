package com.payrecon.order.stale;

import static com.payrecon.db.Tables.PENDING_SNAPSHOT;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import com.payrecon.db.tables.records.PendingSnapshotRecord;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import org.springframework.stereotype.Repository;

/** The stale-pending report's rows, keyed (business date, account, currency). */
@Repository
public class PendingSnapshotRepository {

	private final DSLContext dsl;

	PendingSnapshotRepository(DSLContext dsl) {
		this.dsl = dsl;
	}

	public List<PendingSnapshot> forDay(LocalDate businessDate) {
		return dsl.selectFrom(PENDING_SNAPSHOT)
			.where(PENDING_SNAPSHOT.BUSINESS_DATE.eq(businessDate))
			.orderBy(PENDING_SNAPSHOT.ACCOUNT_ID, PENDING_SNAPSHOT.CURRENCY)
			.fetch(PendingSnapshotRepository::toSnapshot);
	}

	/** Start of a run: the day's report is rebuilt from nothing. */
	int deleteDay(LocalDate businessDate) {
		return dsl.deleteFrom(PENDING_SNAPSHOT).where(PENDING_SNAPSHOT.BUSINESS_DATE.eq(businessDate)).execute();
	}

	/**
	 * Adds one chunk's orders of an account and currency to the day's line (inside the chunk's transaction). Not
	 * {@code INSERT .. ON DUPLICATE KEY UPDATE}: with the pinned MYSQL dialect jOOQ renders MySQL 8's
	 * {@code VALUES (..) AS excluded}, which MariaDB rejects. So: make sure the line exists, then add to it.
	 */
	void add(LocalDate businessDate, String accountId, String currency, long count, Fen amount, Instant oldest,
			Instant cutoff, long jobExecutionId, Instant now) {
		dsl.insertInto(PENDING_SNAPSHOT)
			.set(PENDING_SNAPSHOT.BUSINESS_DATE, businessDate)
			.set(PENDING_SNAPSHOT.ACCOUNT_ID, accountId)
			.set(PENDING_SNAPSHOT.CURRENCY, currency)
			.set(PENDING_SNAPSHOT.STALE_COUNT, 0L)
			.set(PENDING_SNAPSHOT.STALE_AMOUNT_MINOR, 0L)
			.set(PENDING_SNAPSHOT.OLDEST_CREATED_AT, oldest)
			.set(PENDING_SNAPSHOT.CUTOFF_AT, cutoff)
			.set(PENDING_SNAPSHOT.JOB_EXECUTION_ID, jobExecutionId)
			.set(PENDING_SNAPSHOT.CREATED_AT, now)
			.set(PENDING_SNAPSHOT.UPDATED_AT, now)
			.onDuplicateKeyIgnore()
			.execute();
		int updated = dsl.update(PENDING_SNAPSHOT)
			.set(PENDING_SNAPSHOT.STALE_COUNT, PENDING_SNAPSHOT.STALE_COUNT.plus(count))
			.set(PENDING_SNAPSHOT.STALE_AMOUNT_MINOR, PENDING_SNAPSHOT.STALE_AMOUNT_MINOR.plus(amount.value()))
			.set(PENDING_SNAPSHOT.OLDEST_CREATED_AT,
					DSL.least(PENDING_SNAPSHOT.OLDEST_CREATED_AT, DSL.val(oldest, PENDING_SNAPSHOT.OLDEST_CREATED_AT)))
			.set(PENDING_SNAPSHOT.CUTOFF_AT, cutoff)
			.set(PENDING_SNAPSHOT.JOB_EXECUTION_ID, jobExecutionId)
			.set(PENDING_SNAPSHOT.UPDATED_AT, now)
			.set(PENDING_SNAPSHOT.VERSION, PENDING_SNAPSHOT.VERSION.plus(1))
			.where(PENDING_SNAPSHOT.BUSINESS_DATE.eq(businessDate), PENDING_SNAPSHOT.ACCOUNT_ID.eq(accountId),
					PENDING_SNAPSHOT.CURRENCY.eq(currency))
			.execute();
		if (updated != 1) {
			throw new IllegalStateException("pending_snapshot line " + businessDate + "/" + accountId + "/" + currency + " vanished");
		}
	}

	private static PendingSnapshot toSnapshot(PendingSnapshotRecord r) {
		return new PendingSnapshot(r.getBusinessDate(), r.getAccountId(), r.getCurrency(), r.getStaleCount(),
				Fen.of(r.getStaleAmountMinor()), r.getOldestCreatedAt(), r.getCutoffAt(), r.getJobExecutionId(),
				r.getUpdatedAt());
	}
}
