package com.payrecon.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A reader of an account's events gets only the numbers that follow its position without a gap: a number not visible
 * yet (a transaction InnoDB shows a moment after the next one) holds back the ones after it, which would otherwise be
 * handed out and the late one skipped for good ({@code OutboxIT}'s concurrent writers met "after 114 came 117" once).
 */
class OutboxReadTests {

	static List<OutboxEvent> numbered(long... seqs) {
		return Arrays.stream(seqs)
			.mapToObj(seq -> new OutboxEvent(seq, "e" + seq, "acc", seq, "order.paid", null, null, null, "NOTIFICATION",
					Instant.EPOCH, "{}"))
			.toList();
	}

	static List<Long> seqs(List<OutboxEvent> events) {
		return events.stream().map(OutboxEvent::seq).toList();
	}

	@Test
	void aGapHoldsBackEverythingAfterIt() {
		assertThat(seqs(OutboxRepository.withoutGap(numbered(115, 117, 118), 114))).containsExactly(115L);
		assertThat(seqs(OutboxRepository.withoutGap(numbered(117, 118), 114))).isEmpty();
	}

	@Test
	void numbersWithoutAGapAreHandedOutWhole() {
		assertThat(seqs(OutboxRepository.withoutGap(numbered(115, 116, 117), 114))).containsExactly(115L, 116L, 117L);
		assertThat(seqs(OutboxRepository.withoutGap(numbered(1, 2), 0))).containsExactly(1L, 2L);
		assertThat(OutboxRepository.withoutGap(List.of(), 7)).isEmpty();
	}
}
