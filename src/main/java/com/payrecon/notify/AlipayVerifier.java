package com.payrecon.notify;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificates;
import com.payrecon.account.ProviderCertificates.Trigger;
import com.payrecon.order.ProviderPayment;
import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.MalformedMessageException;
import com.payrecon.support.money.Fen;

import org.springframework.stereotype.Component;

/**
 * Alipay asynchronous notifications: a form POST verified with RSA2 over the sorted parameters less {@code sign} and
 * {@code sign_type} (rsaCheckV1), then the four merchant checks of Alipay's own list (order, amount, seller, app).
 * In certificate mode the key is the Alipay certificate the notification names ({@code alipay_cert_sn}, fetched once
 * if unknown), or, when it names none (as far as is known, Alipay's never do: protocols-refunds-credentials.md E.4),
 * the newest Alipay certificate in force: the configured one, or a successor an API response has named since.
 */
@Component
class AlipayVerifier implements ChannelVerifier {

	private static final DateTimeFormatter ALIPAY_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
	private static final Set<String> PAID = Set.of("TRADE_SUCCESS", "TRADE_FINISHED");

	private final ProviderCertificates certificates;

	AlipayVerifier(ProviderCertificates certificates) {
		this.certificates = certificates;
	}

	@Override
	public Channel channel() {
		return Channel.ALIPAY;
	}

	@Override
	public Check check(Account account, RawRequest raw) {
		if (raw.queryString() != null && !raw.queryString().isEmpty()) {
			return Check.reject(Verdict.MALFORMED, "parameters in the query string: Alipay posts them in the body only");
		}
		Map<String, String> params;
		try {
			params = parse(raw.body());
		}
		catch (MalformedMessageException ex) {
			return Check.reject(Verdict.MALFORMED, "form refused: " + ex.getMessage());
		}
		Check.Rejected bad = verify(account, params);
		if (bad != null) {
			return bad.claiming(params.get("out_trade_no"));
		}
		String notifyId = params.get("notify_id");
		String outTradeNo = params.get("out_trade_no");
		String tradeNo = params.get("trade_no");
		if (!Objects.equals(account.appId(), params.get("app_id"))
				|| !Objects.equals(account.sellerId(), params.get("seller_id"))) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.MERCHANT_MISMATCH,
					"expected app_id=" + account.appId() + " seller_id=" + account.sellerId() + ", received app_id="
							+ params.get("app_id") + " seller_id=" + params.get("seller_id"));
		}
		String status = params.getOrDefault("trade_status", "");
		if (!isBlank(params.get("refund_fee")) || !isBlank(params.get("gmt_refund")) || !isBlank(params.get("out_biz_no"))) {
			return refund(account, params, status);
		}
		if (!PAID.contains(status)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.NOT_PAID, "trade_status " + status);
		}
		if (isBlank(outTradeNo) || isBlank(tradeNo)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.INVALID_FIELDS,
					"out_trade_no or trade_no missing");
		}
		Fen amount;
		try {
			amount = Fen.parseYuan(params.get("total_amount"));
		}
		catch (NumberFormatException ex) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.AMOUNT_MISMATCH,
					"total_amount is " + ex.getMessage());
		}
		String time = params.getOrDefault("gmt_payment", params.getOrDefault("notify_time", ""));
		Instant paidAt;
		try {
			paidAt = LocalDateTime.parse(time, ALIPAY_TIME).atZone(account.zone()).toInstant();
		}
		catch (DateTimeParseException ex) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.INVALID_FIELDS,
					"gmt_payment is not yyyy-MM-dd HH:mm:ss");
		}
		return Check.Authenticated.payment(notifyId, new ProviderPayment(outTradeNo, tradeNo, amount, "CNY", paidAt));
	}

	/**
	 * A notification a refund triggered (protocols-refunds-credentials.md D.3): {@code refund_fee} (refunded so far),
	 * {@code gmt_refund}, {@code out_biz_no} (the refund's out_request_no); TRADE_SUCCESS after a partial refund,
	 * TRADE_CLOSED after a full one. It proves the payment too (applied first when the order is still pending here),
	 * but not this refund's own amount: a refund unknown here is confirmed by the refund query before it is recorded.
	 */
	private static Check refund(Account account, Map<String, String> params, String status) {
		String notifyId = params.get("notify_id");
		String outTradeNo = params.get("out_trade_no");
		String tradeNo = params.get("trade_no");
		String outBizNo = params.get("out_biz_no");
		if (!Set.of("TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FINISHED").contains(status) || isBlank(outTradeNo)
				|| isBlank(tradeNo) || isBlank(outBizNo)) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.INVALID_FIELDS,
					"refund notification without trade_status, out_trade_no, trade_no or out_biz_no");
		}
		Fen refunded;
		Fen total;
		try {
			refunded = Fen.parseYuan(params.get("refund_fee"));
			total = Fen.parseYuan(params.get("total_amount"));
		}
		catch (NumberFormatException ex) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.REFUND_MISMATCH,
					"refund_fee or total_amount is " + ex.getMessage());
		}
		String refundTime = params.getOrDefault("gmt_refund", "");
		Instant refundedAt;
		Instant paidAt;
		try {
			refundedAt = LocalDateTime.parse(refundTime.length() > 19 ? refundTime.substring(0, 19) : refundTime, ALIPAY_TIME)
				.atZone(account.zone()).toInstant();
			paidAt = LocalDateTime.parse(params.getOrDefault("gmt_payment", ""), ALIPAY_TIME).atZone(account.zone()).toInstant();
		}
		catch (DateTimeParseException ex) {
			return Check.Authenticated.settle(notifyId, outTradeNo, tradeNo, Verdict.INVALID_FIELDS,
					"gmt_refund or gmt_payment is not yyyy-MM-dd HH:mm:ss");
		}
		return new Check.Refunded(notifyId, new com.payrecon.refund.ProviderRefund(outTradeNo, tradeNo, outBizNo, null, null,
				total, refunded, com.payrecon.refund.RefundStatus.SUCCESS, refundedAt,
				status + " refund_fee=" + params.get("refund_fee")),
				new ProviderPayment(outTradeNo, tradeNo, total, "CNY", paidAt), false);
	}

	/** The browser's return from Alipay (GET, parameters in the query string): verified, recorded, never applied. */
	Check checkReturn(Account account, RawRequest raw) {
		String query = raw.queryString() == null ? "" : raw.queryString();
		Map<String, String> params;
		try {
			params = parse(query.getBytes(StandardCharsets.US_ASCII));
		}
		catch (MalformedMessageException ex) {
			return Check.reject(Verdict.MALFORMED, "query refused: " + ex.getMessage());
		}
		Check.Rejected bad = verify(account, params);
		if (bad != null) {
			return bad;
		}
		return Check.Authenticated.settle(null, params.get("out_trade_no"), params.get("trade_no"),
				Verdict.RETURN_VERIFIED, "browser return for " + params.get("out_trade_no") + " (total_amount "
						+ params.get("total_amount") + "); payment awaits the notification or a query");
	}

	private static Map<String, String> parse(byte[] form) throws MalformedMessageException {
		String declared = FormCodec.peekAscii(form, "charset");
		Charset charset = charset(declared);
		if (charset == null) {
			throw new MalformedMessageException("unsupported charset");
		}
		return FormCodec.parse(form, charset);
	}

	/** null when authentic. */
	private Check.Rejected verify(Account account, Map<String, String> params) {
		String sign = params.get("sign");
		if (isBlank(sign)) {
			return Check.reject(Verdict.BAD_SIGNATURE, "no sign parameter");
		}
		if (!"RSA2".equals(params.get("sign_type"))) {
			return Check.reject(Verdict.BAD_SIGNATURE, "sign_type must be RSA2");
		}
		Charset charset = charset(params.get("charset"));
		PublicKey key = account.alipay().alipayPublicKey();
		if (account.certificates().alipay() != null) {
			String sn = params.get("alipay_cert_sn");
			var certificate = isBlank(sn) ? certificates.currentAlipay(account) : certificates.find(account, Kind.ALIPAY, sn)
				.or(() -> certificates.refresh(account, Kind.ALIPAY, sn, Trigger.UNKNOWN_SERIAL)
						? certificates.find(account, Kind.ALIPAY, sn) : java.util.Optional.empty());
			if (certificate.isEmpty()) {
				return Check.reject(Verdict.UNKNOWN_KEY, "no Alipay certificate " + (isBlank(sn) ? "in force" : sn));
			}
			key = certificate.get().publicKey();
		}
		if (!AlipaySignature.verify(AlipaySignature.contentV1(params), sign, key, "RSA2", charset)) {
			return Check.reject(Verdict.BAD_SIGNATURE, "RSA2 signature does not match");
		}
		return null;
	}

	/** utf-8 when absent; gbk and gb2312 as Alipay may send them; anything else is refused. */
	private static Charset charset(String declared) {
		if (declared == null || declared.isEmpty()) {
			return StandardCharsets.UTF_8;
		}
		return switch (declared.toLowerCase(Locale.ROOT)) {
			case "utf-8", "utf8" -> StandardCharsets.UTF_8;
			case "gbk" -> Charset.forName("GBK");
			case "gb2312" -> Charset.forName("GB2312");
			default -> null;
		};
	}

	@Override
	public Reply acknowledge() {
		return new Reply(200, "text/plain;charset=UTF-8", "success");
	}

	@Override
	public Reply fail(Verdict verdict, String message) {
		return new Reply(verdict.httpStatus(), "text/plain;charset=UTF-8", "fail");
	}

	private static boolean isBlank(String s) {
		return s == null || s.isBlank();
	}
}
