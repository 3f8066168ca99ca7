package com.payrecon.webhook;

/**
 * A delivery's life: PENDING until a 2xx (DELIVERED) or the retry schedule ran out (FAILED); an admin's redelivery
 * makes either PENDING again. The transition table lives here; {@link WebhookDeliveries} is the only door and
 * {@link DeliveryRepository} the only writer.
 */
public enum DeliveryStatus {

	PENDING, DELIVERED, FAILED;

	boolean canMoveTo(DeliveryStatus next) {
		return switch (this) { // exhaustive: a new status breaks compilation here
			case PENDING -> next == DELIVERED || next == FAILED;
			case DELIVERED, FAILED -> next == PENDING; // a manual redelivery
		};
	}
}
