package com.payrecon.order.stale;

import static com.payrecon.db.Tables.PAYMENT_ORDER;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import com.payrecon.order.OrderStatus;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * PENDING orders created before the cutoff, in id order, read a page at a time by keyset ({@code id > last}). The
 * last id handed out is saved in the step's execution context at each commit, so a restart continues after the last
 * committed chunk instead of counting its orders again.
 */
class StalePendingOrderReader implements ItemStreamReader<StaleOrder> {

	static final String LAST_ID = "stale-pending-report.lastId";

	private final DSLContext dsl;
	private final Instant cutoff;
	private final int pageSize;
	private final Deque<StaleOrder> page = new ArrayDeque<>();
	private long lastId;
	private boolean exhausted;

	StalePendingOrderReader(DSLContext dsl, Instant cutoff, int pageSize) {
		this.dsl = dsl;
		this.cutoff = cutoff;
		this.pageSize = pageSize;
	}

	@Override
	public void open(ExecutionContext context) {
		lastId = context.containsKey(LAST_ID) ? context.getLong(LAST_ID) : 0L;
		page.clear();
		exhausted = false;
	}

	@Override
	public @Nullable StaleOrder read() {
		if (page.isEmpty() && !exhausted) {
			long after = lastId;
			dsl.select(PAYMENT_ORDER.ID, PAYMENT_ORDER.ACCOUNT_ID, PAYMENT_ORDER.CURRENCY, PAYMENT_ORDER.AMOUNT_MINOR,
					PAYMENT_ORDER.CREATED_AT)
				.from(PAYMENT_ORDER)
				.where(PAYMENT_ORDER.STATUS.eq(OrderStatus.PENDING.name()), PAYMENT_ORDER.CREATED_AT.lt(cutoff),
						PAYMENT_ORDER.ID.gt(after))
				.orderBy(PAYMENT_ORDER.ID)
				.limit(pageSize)
				.fetch(r -> new StaleOrder(r.value1(), r.value2(), r.value3(), Fen.of(r.value4()), r.value5()))
				.forEach(page::add);
			exhausted = page.size() < pageSize;
		}
		StaleOrder next = page.poll();
		if (next != null) {
			lastId = next.id();
		}
		return next;
	}

	@Override
	public void update(ExecutionContext context) {
		context.putLong(LAST_ID, lastId);
	}
}
