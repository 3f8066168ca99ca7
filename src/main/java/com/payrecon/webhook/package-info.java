/**
 * Webhooks to the merchant's own systems: endpoints ({@code payrecon.webhooks[]} and the console's), the fan-out of
 * outbox events to deliveries, and their delivery, signed per Standard Webhooks, at least once, with retries over
 * about three days, claimed safely by several nodes ({@code SELECT … FOR UPDATE SKIP LOCKED} and a lease), in order
 * per order and endpoint, through an SSRF guard ({@link com.payrecon.webhook.EgressGuard}). Listens to
 * {@link com.payrecon.outbox.EventsWritten} (to wake the deliverer); its services are used by the console's
 * Admin → Webhooks pages. {@link com.payrecon.webhook.DeliveryRepository} is the only writer of deliveries,
 * {@link com.payrecon.webhook.EndpointRepository} of endpoints.
 */
@NullMarked
package com.payrecon.webhook;

import org.jspecify.annotations.NullMarked;
