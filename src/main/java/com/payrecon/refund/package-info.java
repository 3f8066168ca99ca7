/**
 * Refunds (issue 14): the {@code refund} record and its events, requested through the REST API or the console
 * (maker-checker above a configurable amount), sent to the provider exactly once per {@code out_refund_no}, followed
 * by notifications, queries (the {@code refund-sweep} job) and the bill. {@link com.payrecon.refund.RefundService} is
 * the single door for refund state and {@link com.payrecon.refund.RefundRepository} the only writer of refund rows;
 * the order's refunded amount and PARTIALLY_REFUNDED / REFUNDED status follow from its SUCCESS refunds through
 * {@link com.payrecon.order.OrderService#applyRefunds}. Listens to the repair module's word that an order is refunded
 * at the provider; publishes nothing yet (the outbox of issue 15 hooks into {@code RefundService}'s moves).
 */
@NullMarked
package com.payrecon.refund;

import org.jspecify.annotations.NullMarked;
