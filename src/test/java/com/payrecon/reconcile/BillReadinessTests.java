package com.payrecon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class BillReadinessTests {

	static final LocalDate TODAY = LocalDate.of(2026, 5, 13);

	@Test
	void aBillTheProviderIsStillMakingIsNotReady() {
		assertThat(BillReadiness.notReady("Bill Creating", TODAY.minusDays(5), TODAY)).isTrue();
		assertThat(BillReadiness.notReady("bill creating", TODAY.minusDays(1), TODAY)).isTrue();
		assertThat(BillReadiness.notReady("STATEMENT_CREATING", TODAY.minusDays(1), TODAY)).isTrue();
	}

	@Test
	void aNotFoundIsNotReadyOnlyForTheNewestBill() {
		assertThat(BillReadiness.notReady("HTTP_404", TODAY.minusDays(1), TODAY)).isTrue();
		assertThat(BillReadiness.notReady("NOT_FOUND", TODAY, TODAY)).isTrue();
		assertThat(BillReadiness.notReady("HTTP_404", TODAY.minusDays(2), TODAY)).isFalse();
	}

	@Test
	void otherErrorsAndNoBillAreNotWaitedFor() {
		assertThat(BillReadiness.notReady("SYSTEMERROR", TODAY.minusDays(1), TODAY)).isFalse();
		assertThat(BillReadiness.notReady("HTTP_500", TODAY.minusDays(1), TODAY)).isFalse();
		assertThat(BillReadiness.notReady("20002", TODAY.minusDays(1), TODAY)).isFalse();
		assertThat(BillReadiness.notReady(null, TODAY.minusDays(1), TODAY)).isFalse();
	}
}
