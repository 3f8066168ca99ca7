/**
 * The {@code stale-pending-report} batch job: per business day, account and currency, the orders still PENDING well
 * after creation, in {@code pending_snapshot}. Reads {@code payment_order} only; never changes an order (state changes
 * belong to {@link com.payrecon.order.OrderService}). Scheduled through {@code batch-jobs/stale-pending-report.yaml};
 * the dashboard shows each account's last days of it ({@code DashboardQuery}).
 */
@NullMarked
package com.payrecon.order.stale;

import org.jspecify.annotations.NullMarked;
