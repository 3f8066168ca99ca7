/**
 * The transactional outbox: what the merchant's own systems must hear about. {@link com.payrecon.outbox.Outbox}
 * takes an event inside the transaction of the change that caused it and writes it just before that transaction
 * commits, numbered in its account's gap-free sequence ({@link com.payrecon.outbox.OutboxRepository}, the only
 * writer of {@code outbox_event} and {@code event_sequence}). Owns the event types and their JSON. Publishes
 * {@link com.payrecon.outbox.EventsWritten} after commit; the webhook module delivers the events, the API serves
 * them as a feed ({@link com.payrecon.outbox.EventFeed}). Knows nothing of orders or refunds beyond ids and the
 * data their services hand it.
 */
@NullMarked
package com.payrecon.outbox;

import org.jspecify.annotations.NullMarked;
