package com.payrecon.console.reconciliation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Totals;
import com.payrecon.support.money.Fen;

/**
 * How the provider's totals and PayRecon's totals of a day differ, and which cases make up the difference, to the
 * fen: per measure (gross, refunds, fees) the difference provider − PayRecon, one item per case with its share, and
 * what no case explains ({@code rest}). A day whose every measure is explained by its cases, and whose cases are all
 * settled, reads as {@link #EXPLAINED}.
 * <p>
 * A case's share follows from what the run counts: the provider side counts payment lines (gross) and refund lines
 * (refunds) of the bill, reversal lines apart; PayRecon's side counts orders paid that day (gross) and refunded that
 * day (refunds), and knows no fees. So a payment the bill has and we do not count adds its amount to the gross
 * difference (MISSING_LOCALLY, LATE_PAYMENT), an order we count and the bill has not subtracts its amount
 * (MISSING_AT_PROVIDER, EXPECTED), an amount mismatch adds provider − order, a refund at the provider not booked here
 * adds to the refunds difference; of the refund cases (issue 14), a refund line unknown here or not SUCCESS here adds
 * its amount, a SUCCESS refund here that no line accounts for subtracts its amount, an amount mismatch adds provider
 * − refund. Whatever else differs (a payment matched to an order paid on another day) is the
 * rest, shown as not explained.
 */
public record DayExplanation(List<Measure> measures) {

	public static final String EXPLAINED = "EXPLAINED";

	public enum Kind {
		GROSS, REFUNDS, FEES;

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** One part of a difference: a case (or, for fees, the provider's charge) and its signed amount. */
	public record Item(Long caseId, DiscrepancyType type, String outTradeNo, Fen amount, boolean settled) {
	}

	public record Measure(Kind kind, Fen provider, Fen local, Fen difference, List<Item> items, Fen rest) {

		public boolean explained() {
			return rest.value() == 0;
		}
	}

	/** A case as far as the explanation needs it. */
	public record Case(long id, DiscrepancyType type, String outTradeNo, Fen localAmount, Fen providerAmount,
			String localStatus, String detail, boolean autoRepaired, boolean settled) {
	}

	public boolean explained() {
		return measures.stream().allMatch(Measure::explained);
	}

	public static DayExplanation of(Totals provider, Totals local, List<Case> cases) {
		List<Item> gross = new ArrayList<>();
		List<Item> refunds = new ArrayList<>();
		for (Case c : cases) {
			long p = c.providerAmount() == null ? 0 : c.providerAmount().value();
			long l = c.localAmount() == null ? 0 : c.localAmount().value();
			Line line = Line.of(c.detail());
			long toGross = 0;
			long toRefunds = 0;
			switch (c.type()) {
				case MISSING_LOCALLY -> {
					if (!c.autoRepaired()) {
						toGross = line == Line.PAYMENT ? p : 0;
						toRefunds = line == Line.REFUND ? p : 0;
					}
				}
				case AMOUNT_MISMATCH -> toGross = counted(c.localStatus()) ? p - l : p;
				case STATUS_MISMATCH -> {
					toRefunds = line == Line.REFUND ? p : 0;
					toGross = line == Line.REVERSED && "PAID".equals(c.localStatus()) ? -l : 0;
				}
				case LATE_PAYMENT -> toGross = p;
				case MISSING_AT_PROVIDER, EXPECTED -> toGross = -l;
				// refunds by refund (issue 14): PayRecon counts the day's SUCCESS refunds, the provider its refund lines
				case REFUND_UNKNOWN -> toRefunds = c.autoRepaired() ? 0 : p;
				case REFUND_NOT_AT_PROVIDER -> toRefunds = -l;
				case REFUND_AMOUNT_MISMATCH, REFUND_STATUS_MISMATCH -> toRefunds = c.autoRepaired() ? 0
						: "SUCCESS".equals(c.localStatus()) ? p - l : p;
			}
			if (toGross != 0) {
				gross.add(new Item(c.id(), c.type(), c.outTradeNo(), Fen.of(toGross), c.settled()));
			}
			if (toRefunds != 0) {
				refunds.add(new Item(c.id(), c.type(), c.outTradeNo(), Fen.of(toRefunds), c.settled()));
			}
		}
		List<Measure> measures = new ArrayList<>();
		measures.add(measure(Kind.GROSS, provider.gross(), local.gross(), gross));
		measures.add(measure(Kind.REFUNDS, provider.refunds(), local.refunds(), refunds));
		// PayRecon knows no fees before the bill: the provider's fees are the whole difference, explained by the bill
		Fen fees = provider.fees() == null ? Fen.ZERO : provider.fees();
		Fen localFees = local.fees() == null ? Fen.ZERO : local.fees();
		List<Item> charged = fees.minus(localFees).value() == 0 ? List.of()
				: List.of(new Item(null, null, null, fees.minus(localFees), true));
		measures.add(measure(Kind.FEES, fees, local.fees(), charged));
		return new DayExplanation(measures);
	}

	private static Measure measure(Kind kind, Fen provider, Fen local, List<Item> items) {
		Fen difference = provider.minus(local == null ? Fen.ZERO : local);
		Fen explained = items.stream().map(Item::amount).reduce(Fen.ZERO, Fen::plus);
		return new Measure(kind, provider, local, difference, List.copyOf(items), difference.minus(explained));
	}

	/** PayRecon counts an order's amount on the day it was paid, and keeps it when the order is refunded later. */
	private static boolean counted(String localStatus) {
		return "PAID".equals(localStatus) || "REFUNDED".equals(localStatus);
	}

	/** What kind of bill line a case came from, as the matcher describes it (see LineMatcher). */
	enum Line {
		PAYMENT, REFUND, REVERSED, NONE;

		static Line of(String detail) {
			if (detail == null) {
				return NONE;
			}
			if (detail.startsWith("refunded at the provider")) {
				return REFUND;
			}
			if (detail.startsWith("reversed at the provider")) {
				return REVERSED;
			}
			return PAYMENT;
		}
	}
}
