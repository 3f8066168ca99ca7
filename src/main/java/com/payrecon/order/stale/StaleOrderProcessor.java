package com.payrecon.order.stale;

import com.payrecon.account.AccountRegistry;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Checks that a stale order belongs to a configured account. The report is per account: an order it cannot attribute
 * is a data problem an operator must look at, so the run fails naming the order (and resumes at that order once it is
 * fixed and the run restarted) rather than counting it somewhere or silently leaving it out.
 */
class StaleOrderProcessor implements ItemProcessor<StaleOrder, StaleOrder> {

	private final AccountRegistry accounts;

	StaleOrderProcessor(AccountRegistry accounts) {
		this.accounts = accounts;
	}

	@Override
	public StaleOrder process(StaleOrder order) {
		if (accounts.find(order.accountId()).isEmpty()) {
			throw new UnknownAccountOrder(order);
		}
		return order;
	}

	/** A PENDING order whose account is not in {@code payrecon.accounts}. */
	static class UnknownAccountOrder extends IllegalStateException {
		UnknownAccountOrder(StaleOrder order) {
			super("order id " + order.id() + " belongs to account '" + order.accountId()
					+ "', which is not configured: configure the account, or close the order, then restart this run");
		}
	}
}
