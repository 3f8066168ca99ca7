package com.payrecon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResolutionTests {

	@Test
	void openAndAssignedMoveForwardSettledStatesNeverMove() {
		for (Resolution from : new Resolution[] { Resolution.OPEN, Resolution.ASSIGNED }) {
			assertThat(from.canMoveTo(Resolution.RESOLVED)).isTrue();
			assertThat(from.canMoveTo(Resolution.ACCEPTED)).isTrue();
			assertThat(from.canMoveTo(Resolution.VOID)).isTrue();
			assertThat(from.canMoveTo(Resolution.ASSIGNED)).isTrue();
			assertThat(from.canMoveTo(Resolution.OPEN)).isFalse();
		}
		for (Resolution settled : new Resolution[] { Resolution.RESOLVED, Resolution.ACCEPTED, Resolution.VOID }) {
			assertThat(settled.isSettled()).isTrue();
			for (Resolution to : Resolution.values()) {
				assertThat(settled.canMoveTo(to)).as(settled + " → " + to).isFalse();
			}
		}
	}
}
