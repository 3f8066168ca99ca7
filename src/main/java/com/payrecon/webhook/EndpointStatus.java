package com.payrecon.webhook;

/** Whether an endpoint gets events. The transition table lives here; {@link WebhookEndpoints} is the only door. */
public enum EndpointStatus {

	ENABLED, DISABLED;

	boolean canMoveTo(EndpointStatus next) {
		return switch (this) { // exhaustive: a new status breaks compilation here
			case ENABLED -> next == DISABLED;
			case DISABLED -> next == ENABLED;
		};
	}
}
