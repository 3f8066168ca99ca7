package com.payrecon.reconcile;

/** Where finance is with a discrepancy. The transition table lives here; the repository moves by compare-and-set. */
public enum Resolution {

	OPEN, ASSIGNED, RESOLVED, ACCEPTED, VOID;

	public boolean canMoveTo(Resolution next) {
		return switch (this) { // exhaustive: a new constant breaks compilation here
			case OPEN -> next == ASSIGNED || next == RESOLVED || next == ACCEPTED || next == VOID;
			case ASSIGNED -> next == ASSIGNED || next == RESOLVED || next == ACCEPTED || next == VOID;
			case RESOLVED, ACCEPTED, VOID -> false;
		};
	}

	public boolean isSettled() {
		return this == RESOLVED || this == ACCEPTED || this == VOID;
	}
}
