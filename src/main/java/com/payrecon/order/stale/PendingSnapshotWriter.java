package com.payrecon.order.stale;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.payrecon.support.money.Fen;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Adds a chunk's stale orders to the day's report lines, one upsert per (account, currency). Runs in the chunk's
 * transaction together with the reader's position, so each order is counted exactly once even across a restart.
 */
class PendingSnapshotWriter implements ItemWriter<StaleOrder> {

	private final PendingSnapshotRepository snapshots;
	private final StalePendingReportParameters parameters;
	private final long jobExecutionId;
	private final Clock clock;

	PendingSnapshotWriter(PendingSnapshotRepository snapshots, StalePendingReportParameters parameters,
			long jobExecutionId, Clock clock) {
		this.snapshots = snapshots;
		this.parameters = parameters;
		this.jobExecutionId = jobExecutionId;
		this.clock = clock;
	}

	private record Line(String accountId, String currency) {
	}

	@Override
	public void write(Chunk<? extends StaleOrder> chunk) {
		Instant now = clock.instant();
		Map<Line, List<StaleOrder>> byLine = chunk.getItems()
			.stream()
			.collect(Collectors.groupingBy(o -> new Line(o.accountId(), o.currency()), Collectors.toList()));
		byLine.entrySet().stream().sorted(Comparator.comparing(e -> e.getKey().toString())).forEach(e -> {
			List<StaleOrder> orders = e.getValue();
			Fen amount = Fen.of(orders.stream().mapToLong(o -> o.amount().value()).sum());
			Instant oldest = orders.stream().map(StaleOrder::createdAt).min(Comparator.naturalOrder()).orElseThrow();
			snapshots.add(parameters.businessDate(), e.getKey().accountId(), e.getKey().currency(), orders.size(), amount,
					oldest, parameters.cutoff(), jobExecutionId, now);
		});
	}
}
