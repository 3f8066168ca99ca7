package com.payrecon.refund;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.payrecon.support.money.Fen;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code payrecon.refunds}: maker-checker and the follow-up of refunds.
 *
 * @param approvalAbove console refunds above this amount (yuan) need a second finance or admin user's approval before
 * they are sent; {@code 0} (the default): every console refund does. REST API refunds are the merchant system's own
 * decision and are sent at once
 * @param accounts per account id: its own {@code approval-above}
 * @param firstCheckAfter a refund sent (or answered with no definite word) is asked about after this (1m)
 * @param backoff then waits between questions about one refund, by how many were asked (1, 2, 5, 10, 30 minutes)
 * @param afterBackoff the wait once the list is used up (hourly)
 * @param maxRequests how many times one refund is sent in all, each time with the same number and only after the
 * provider said it had none (3); then it is CLOSED for review
 */
@ConfigurationProperties("payrecon.refunds")
public record RefundProperties(@DefaultValue("0") BigDecimal approvalAbove, @DefaultValue Map<String, AccountRefunds> accounts,
		@DefaultValue("1m") Duration firstCheckAfter, @DefaultValue({ "1m", "2m", "5m", "10m", "30m" }) List<Duration> backoff,
		@DefaultValue("1h") Duration afterBackoff, @DefaultValue("3") int maxRequests) {

	/** @param approvalAbove this account's threshold (yuan) */
	public record AccountRefunds(BigDecimal approvalAbove) {
	}

	public RefundProperties {
		backoff = List.copyOf(backoff);
		accounts = Map.copyOf(accounts);
		check("payrecon.refunds.approval-above", approvalAbove);
		accounts.forEach((id, a) -> check("payrecon.refunds.accounts." + id + ".approval-above", a.approvalAbove()));
		if (firstCheckAfter.isNegative() || afterBackoff.isNegative() || afterBackoff.isZero()
				|| backoff.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
			throw new IllegalArgumentException("payrecon.refunds.first-check-after, .backoff, .after-backoff: positive durations");
		}
		if (maxRequests < 1) {
			throw new IllegalArgumentException("payrecon.refunds.max-requests: at least 1");
		}
	}

	private static void check(String property, BigDecimal yuan) {
		if (yuan == null || yuan.signum() < 0 || yuan.scale() > 2) {
			throw new IllegalArgumentException(property + ": an amount in yuan, at least 0, at most two decimals");
		}
	}

	/** Console refunds of the account above this need a second person. */
	public Fen approvalAbove(String accountId) {
		AccountRefunds own = accounts.get(accountId);
		BigDecimal yuan = own != null && own.approvalAbove() != null ? own.approvalAbove() : approvalAbove;
		return Fen.of(yuan.movePointRight(2).longValueExact());
	}

	/** The wait before the next question about a refund asked about {@code asked} times. */
	public Duration nextWait(int asked) {
		return asked < backoff.size() ? backoff.get(asked) : afterBackoff;
	}
}
