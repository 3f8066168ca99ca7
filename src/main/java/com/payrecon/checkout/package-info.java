/**
 * Checkout flows that need the provider and the order together: placing an order with its provider and the
 * payment-code (micropay) cashier with its background polling and reversal. Order state changes go through
 * {@link com.payrecon.order.OrderService} only.
 */
package com.payrecon.checkout;
