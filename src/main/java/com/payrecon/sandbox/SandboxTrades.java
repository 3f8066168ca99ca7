package com.payrecon.sandbox;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

import com.payrecon.account.Channel;
import com.payrecon.support.money.Fen;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the emulated providers do with orders, shared by the three wire formats and the control API: place, pay (and
 * notify), the payment-code table, close, reverse (refunds: {@link SandboxRefunds}).
 *
 * <p>Payment codes (v2 {@code auth_code}, Alipay {@code auth_code}), by last digit:
 * <table>
 * <tr><td>0, 4–8</td><td>paid at once</td></tr>
 * <tr><td>1</td><td>USERPAYING, paid {@code micropay-delay} later (seen by the next query or reverse)</td></tr>
 * <tr><td>2</td><td>USERPAYING forever; a reverse/cancel first answers "call again" (v2 {@code recall=Y}), then
 * revokes</td></tr>
 * <tr><td>3</td><td>the call answers a system error, but the payment went through (result unknown)</td></tr>
 * <tr><td>9</td><td>refused (v2 NOTENOUGH, Alipay ACQ.BUYER_BALANCE_NOT_ENOUGH); the order is PAYERROR</td></tr>
 * </table>
 */
public class SandboxTrades {

	private static final Logger log = LoggerFactory.getLogger(SandboxTrades.class);
	static final Pattern WECHAT_AUTH_CODE = Pattern.compile("1[0-5][0-9]{16}");
	static final Pattern ALIPAY_AUTH_CODE = Pattern.compile("(2[5-9]|30)[0-9]{14,22}");

	private final SandboxLedger ledger;
	private final SandboxNotifier notifier;
	private final SandboxProperties properties;
	private final Clock clock;

	public SandboxTrades(SandboxLedger ledger, SandboxNotifier notifier, SandboxProperties properties, Clock clock) {
		this.ledger = ledger;
		this.notifier = notifier;
		this.properties = properties;
		this.clock = clock;
	}

	public enum PlaceOutcome {
		CREATED, SAME, CONFLICT, PAID, CLOSED
	}

	public record Placed(PlaceOutcome outcome, LedgerOrder order) {
	}

	/** Places an order; placing the same order again is idempotent, a different amount is a conflict. */
	public Placed place(SandboxMerchant merchant, String outTradeNo, Fen amount, String description, String attach,
			String notifyUrl, String tradeType) {
		Optional<LedgerOrder> created = ledger.insert(merchant, outTradeNo, amount, description, attach, notifyUrl,
				tradeType, "NOTPAY", null);
		if (created.isPresent()) {
			return new Placed(PlaceOutcome.CREATED, created.get());
		}
		LedgerOrder existing = ledger.find(merchant.id(), outTradeNo).orElseThrow();
		if (existing.isPaid()) {
			return new Placed(PlaceOutcome.PAID, existing);
		}
		if (!"NOTPAY".equals(existing.status()) && !"USERPAYING".equals(existing.status())) {
			return new Placed(PlaceOutcome.CLOSED, existing);
		}
		boolean same = existing.amount().equals(amount) && existing.tradeType().equals(tradeType);
		return new Placed(same ? PlaceOutcome.SAME : PlaceOutcome.CONFLICT, existing);
	}

	/** The payer pays (scan and confirm). Empty when the order cannot be paid (closed, already paid). */
	public Optional<LedgerOrder> pay(LedgerOrder order, String payerId) {
		return pay(order, payerId, clock.instant(), true);
	}

	/**
	 * The payer paid at {@code at} (the demo's history: yesterday); {@code notify} false: the provider's callback is
	 * lost, so PayRecon learns of the payment only by a query or the bill.
	 */
	public Optional<LedgerOrder> pay(LedgerOrder order, String payerId, Instant at, boolean notify) {
		SandboxMerchantPayer payer = SandboxMerchantPayer.of(order.channel(), payerId);
		if (!ledger.markPaid(order, payer.id(), payer.bankType(), at)) {
			return Optional.empty();
		}
		LedgerOrder paid = ledger.findById(order.id()).orElseThrow();
		log.info("sandbox {}: {} paid ({} fen)", order.merchantId(), order.outTradeNo(), order.amount().value());
		if (notify) {
			notifier.paymentNotified(paid);
		}
		return Optional.of(paid);
	}

	/** Alipay: the payer scanned the QR code, so the trade now exists (WAIT_BUYER_PAY). */
	public LedgerOrder scan(LedgerOrder order) {
		ledger.markScanned(order);
		return ledger.findById(order.id()).orElseThrow();
	}

	/** Current state, after a delayed payment-code payment that fell due. */
	public LedgerOrder settle(LedgerOrder order) {
		if ("USERPAYING".equals(order.status()) && order.payDueAt() != null && !clock.instant().isBefore(order.payDueAt())) {
			pay(order, null);
			return ledger.findById(order.id()).orElseThrow();
		}
		return order;
	}

	public enum CodeOutcome {
		PAID, USER_PAYING, SYSTEM_ERROR, REFUSED, INVALID_CODE, CONFLICT
	}

	public record CodePayment(CodeOutcome outcome, LedgerOrder order) {
	}

	/** v2 micropay / Alipay trade.pay with a payment code: the table in the class comment. */
	public CodePayment payWithCode(SandboxMerchant merchant, String outTradeNo, Fen amount, String description,
			String attach, String authCode, String notifyUrl) {
		Pattern valid = merchant.channel() == Channel.ALIPAY ? ALIPAY_AUTH_CODE : WECHAT_AUTH_CODE;
		if (authCode == null || !valid.matcher(authCode).matches()) {
			return new CodePayment(CodeOutcome.INVALID_CODE, null);
		}
		String tradeType = merchant.channel() == Channel.ALIPAY ? "PAY" : "MICROPAY";
		Optional<LedgerOrder> created = ledger.insert(merchant, outTradeNo, amount, description, attach, notifyUrl,
				tradeType, "NOTPAY", authCode);
		if (created.isEmpty()) {
			LedgerOrder existing = settle(ledger.find(merchant.id(), outTradeNo).orElseThrow());
			if (!authCode.equals(existing.authCode()) || !existing.amount().equals(amount)) {
				return new CodePayment(CodeOutcome.CONFLICT, existing);
			}
			return new CodePayment(switch (existing.status()) {
				case "SUCCESS", "REFUND" -> CodeOutcome.PAID;
				case "USERPAYING" -> CodeOutcome.USER_PAYING;
				default -> CodeOutcome.REFUSED;
			}, existing);
		}
		LedgerOrder order = created.get();
		char last = authCode.charAt(authCode.length() - 1);
		switch (last) {
			case '1' -> {
				ledger.moveUnpaid(order, "USERPAYING");
				ledger.setPayDue(order, clock.instant().plus(properties.micropayDelay()));
				return new CodePayment(CodeOutcome.USER_PAYING, ledger.findById(order.id()).orElseThrow());
			}
			case '2' -> {
				ledger.moveUnpaid(order, "USERPAYING");
				return new CodePayment(CodeOutcome.USER_PAYING, ledger.findById(order.id()).orElseThrow());
			}
			case '3' -> {
				pay(order, null);
				return new CodePayment(CodeOutcome.SYSTEM_ERROR, ledger.findById(order.id()).orElseThrow());
			}
			case '9' -> {
				ledger.moveUnpaid(order, "PAYERROR");
				return new CodePayment(CodeOutcome.REFUSED, ledger.findById(order.id()).orElseThrow());
			}
			default -> {
				return new CodePayment(CodeOutcome.PAID, pay(order, null).orElseThrow());
			}
		}
	}

	public enum CloseOutcome {
		CLOSED, ALREADY_CLOSED, PAID
	}

	public CloseOutcome close(LedgerOrder order) {
		LedgerOrder current = settle(order);
		if (current.isPaid()) {
			return CloseOutcome.PAID;
		}
		if (ledger.moveUnpaid(current, "CLOSED")) {
			return CloseOutcome.CLOSED;
		}
		LedgerOrder now = ledger.findById(order.id()).orElseThrow();
		return now.isPaid() ? CloseOutcome.PAID : CloseOutcome.ALREADY_CLOSED;
	}

	public enum ReverseOutcome {
		/** closed before payment */
		CLOSED,
		/** paid, the money went back */
		REFUNDED,
		/** the payer is still entering the password: call again */
		RECALL,
		/** cannot be reversed (refunded already, or closed by closeorder) */
		NOT_REVERSIBLE
	}

	public ReverseOutcome reverse(LedgerOrder order) {
		LedgerOrder current = settle(order);
		if ("REVOKED".equals(current.status())) {
			return ReverseOutcome.CLOSED;
		}
		if ("USERPAYING".equals(current.status()) && ledger.countReverseCall(current) == 1) {
			return ReverseOutcome.RECALL;
		}
		if (ledger.moveUnpaid(current, "REVOKED")) {
			return ReverseOutcome.CLOSED;
		}
		if (ledger.revokePaid(current)) {
			return ReverseOutcome.REFUNDED;
		}
		if ("PAYERROR".equals(current.status())) {
			return ReverseOutcome.CLOSED;
		}
		return ReverseOutcome.NOT_REVERSIBLE;
	}

	public Instant now() {
		return clock.instant();
	}

	/** The payer's identity and bank as the provider reports them. */
	record SandboxMerchantPayer(String id, String bankType) {
		static SandboxMerchantPayer of(Channel channel, String requested) {
			if (channel == Channel.ALIPAY) {
				return new SandboxMerchantPayer(requested != null ? requested : "2088" + SandboxLedger.digits(12), null);
			}
			String[] banks = { "OTHERS", "CMC", "ICBC_DEBIT", "CMB_CREDIT", "CFT" };
			String openid = requested != null ? requested : "oSbx" + SandboxCrypto.randomAlphanumeric(24);
			return new SandboxMerchantPayer(openid, banks[Math.abs(openid.hashCode()) % banks.length]);
		}
	}
}
