package com.payrecon.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.payrecon.sandbox.SandboxLedger.Delivery;
import com.payrecon.support.money.Fen;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the exact HTTP request of one notification attempt per channel (protocols.md A.3, B.3, C.2), including the
 * forged variants: a tampered amount keeps the signature of the original message; a broken signature is a valid
 * signature over something else.
 */
final class NotificationMessages {

	static final JsonMapper JSON = JsonMapper.builder().build();
	static final DateTimeFormatter V2_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
	static final DateTimeFormatter ALIPAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
	static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
	static final Set<String> V2_BARE = Set.of("total_fee", "cash_fee", "settlement_total_fee", "coupon_fee", "coupon_count");

	private NotificationMessages() {
	}

	record Outgoing(String contentType, byte[] body, Map<String, String> headers) {
	}

	static Outgoing build(SandboxMerchant merchant, LedgerOrder order, Delivery delivery, boolean badSignature, Instant now) {
		boolean tamper = "TAMPERED_AMOUNT".equals(delivery.fault());
		String tradeNo = "UNKNOWN_ORDER".equals(delivery.fault()) ? fakeTradeNo(order, delivery) : order.providerTradeNo();
		return switch (merchant.channel()) {
			case WECHATPAY_V2 -> wechatV2(merchant, order, delivery, tradeNo, tamper, badSignature);
			case WECHATPAY_V3 -> wechatV3(merchant, order, delivery, tradeNo, tamper, badSignature, now);
			case ALIPAY -> alipay(merchant, order, delivery, tradeNo, tamper, badSignature, now);
		};
	}

	/**
	 * A refund notification (protocols-refunds-credentials.md A.5, B.4, D.3). Forged variants: v2 encrypted with
	 * another key (no signature exists, the key is the only proof) or, for a tampered amount, {@code refund_fee}
	 * changed inside a correctly encrypted {@code req_info} (what splicing ECB blocks of genuine messages can do: only
	 * the merchant's cross-check catches it); v3 and Alipay as for payments.
	 *
	 * @param cumulative Alipay: the order's refunds that succeeded up to this one ({@code refund_fee})
	 */
	static Outgoing refund(SandboxMerchant merchant, LedgerOrder order, SandboxLedger.Refund refund, Fen cumulative,
			Delivery delivery, boolean badSignature, Instant now) {
		boolean tamper = "TAMPERED_AMOUNT".equals(delivery.fault());
		return switch (merchant.channel()) {
			case WECHATPAY_V2 -> wechatV2Refund(merchant, order, refund, delivery, tamper, badSignature);
			case WECHATPAY_V3 -> wechatV3Refund(merchant, order, refund, delivery, tamper, badSignature, now);
			case ALIPAY -> alipayRefund(merchant, order, refund, cumulative, delivery, tamper, badSignature, now);
		};
	}

	static final DateTimeFormatter REFUND_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	/** The decrypted {@code req_info}: {@code <root>} with every value in CDATA, one element per line. */
	static String wechatV2RefundPlaintext(SandboxMerchant merchant, LedgerOrder order, SandboxLedger.Refund refund, Fen amount) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("out_refund_no", refund.outRefundNo());
		f.put("out_trade_no", order.outTradeNo());
		f.put("refund_account", "REFUND_SOURCE_RECHARGE_FUNDS");
		f.put("refund_fee", Long.toString(amount.value()));
		f.put("refund_id", refund.refundId());
		f.put("refund_recv_accout", "支付用户零钱");
		f.put("refund_request_source", "PLATFORM".equals(refund.source()) ? "VENDOR_PLATFORM" : "API");
		f.put("refund_status", refund.status());
		f.put("settlement_refund_fee", Long.toString(amount.value()));
		f.put("settlement_total_fee", Long.toString(order.amount().value()));
		if (refund.succeededAt() != null) {
			f.put("success_time", REFUND_TIME.format(refund.succeededAt().atZone(SandboxLedger.BEIJING)));
		}
		f.put("total_fee", Long.toString(order.amount().value()));
		f.put("transaction_id", order.providerTradeNo());
		StringBuilder xml = new StringBuilder("<root>\n");
		f.forEach((k, v) -> xml.append('<').append(k).append("><![CDATA[").append(v).append("]]></").append(k).append(">\n"));
		return xml.append("</root>\n").toString();
	}

	private static Outgoing wechatV2Refund(SandboxMerchant merchant, LedgerOrder order, SandboxLedger.Refund refund,
			Delivery delivery, boolean tamper, boolean badSignature) {
		String plain = wechatV2RefundPlaintext(merchant, order, refund, tamper ? tampered(refund.amount()) : refund.amount());
		String key = badSignature ? merchant.apiKey() + "x" : merchant.apiKey();
		Map<String, String> f = new LinkedHashMap<>();
		f.put("return_code", "SUCCESS");
		f.put("appid", merchant.appId());
		f.put("mch_id", merchant.mchId());
		f.put("nonce_str", delivery.notifyId().replace("-", "").substring(0, 32));
		f.put("req_info", SandboxCrypto.wechatV2RefundEncrypt(plain.getBytes(StandardCharsets.UTF_8), key));
		byte[] body = SandboxXml.write(f, Set.of()).getBytes(StandardCharsets.UTF_8);
		return new Outgoing("text/xml", body, Map.of("Request-ID", delivery.notifyId()));
	}

	/** v3 names: CHANGE is ABNORMAL, REFUNDCLOSE is CLOSED. */
	static String v3RefundStatus(String wechatStatus) {
		return switch (wechatStatus) {
			case "CHANGE" -> "ABNORMAL";
			case "REFUNDCLOSE" -> "CLOSED";
			default -> wechatStatus;
		};
	}

	static Map<String, Object> v3RefundResource(SandboxMerchant merchant, LedgerOrder order, SandboxLedger.Refund refund,
			Fen amount) {
		Map<String, Object> r = new LinkedHashMap<>();
		r.put("mchid", merchant.mchId());
		r.put("out_trade_no", order.outTradeNo());
		r.put("transaction_id", order.providerTradeNo());
		r.put("out_refund_no", refund.outRefundNo());
		r.put("refund_id", refund.refundId());
		r.put("refund_status", v3RefundStatus(refund.status()));
		if (refund.succeededAt() != null) {
			r.put("success_time", RFC3339.format(refund.succeededAt().atZone(SandboxLedger.BEIJING).toOffsetDateTime()));
		}
		r.put("user_received_account", "支付用户零钱");
		Map<String, Object> a = new LinkedHashMap<>();
		a.put("total", order.amount().value());
		a.put("refund", amount.value());
		a.put("payer_total", order.amount().value());
		a.put("payer_refund", amount.value());
		r.put("amount", a);
		return r;
	}

	private static String v3RefundEnvelope(String id, Instant created, String eventType, String ciphertext, String nonce) {
		Map<String, Object> resource = new LinkedHashMap<>();
		resource.put("original_type", "refund");
		resource.put("algorithm", "AEAD_AES_256_GCM");
		resource.put("ciphertext", ciphertext);
		resource.put("associated_data", "refund");
		resource.put("nonce", nonce);
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("id", id);
		e.put("create_time", RFC3339.format(created.atZone(SandboxLedger.BEIJING).toOffsetDateTime()));
		e.put("resource_type", "encrypt-resource");
		e.put("event_type", eventType);
		e.put("summary", switch (eventType) {
			case "REFUND.SUCCESS" -> "退款成功";
			case "REFUND.ABNORMAL" -> "退款异常";
			default -> "退款关闭";
		});
		e.put("resource", resource);
		return JSON.writeValueAsString(e);
	}

	private static Outgoing wechatV3Refund(SandboxMerchant merchant, LedgerOrder order, SandboxLedger.Refund refund,
			Delivery delivery, boolean tamper, boolean badSignature, Instant now) {
		String eventType = "REFUND." + v3RefundStatus(refund.status());
		String resourceNonce = SandboxCrypto.randomAlphanumeric(12);
		String plain = JSON.writeValueAsString(v3RefundResource(merchant, order, refund, refund.amount()));
		String body = v3RefundEnvelope(delivery.notifyId(), delivery.createdAt(), eventType, SandboxCrypto.aesGcmEncrypt(
				merchant.apiV3Key(), resourceNonce, "refund", plain.getBytes(StandardCharsets.UTF_8)), resourceNonce);
		String timestamp = Long.toString(now.getEpochSecond());
		String nonce = SandboxCrypto.randomAlphanumeric(32);
		String signature = SandboxCrypto.rsaSign(merchant.platformPrivateKey(),
				SandboxCrypto.wechatV3Message(timestamp, nonce, badSignature ? body + " " : body), "SHA256withRSA");
		if (tamper) {
			String forged = JSON.writeValueAsString(v3RefundResource(merchant, order, refund, tampered(refund.amount())));
			body = v3RefundEnvelope(delivery.notifyId(), delivery.createdAt(), eventType, SandboxCrypto.aesGcmEncrypt(
					merchant.apiV3Key(), resourceNonce, "refund", forged.getBytes(StandardCharsets.UTF_8)), resourceNonce);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Wechatpay-Timestamp", timestamp);
		headers.put("Wechatpay-Nonce", nonce);
		headers.put("Wechatpay-Signature", signature);
		headers.put("Wechatpay-Serial", merchant.platformPublicKeyId());
		headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
		headers.put("Request-ID", SandboxCrypto.randomAlphanumeric(32));
		return new Outgoing("application/json", body.getBytes(StandardCharsets.UTF_8), headers);
	}

	/**
	 * Alipay notifies a refund with the trade's own notification (protocols-refunds-credentials.md D.3): TRADE_SUCCESS
	 * after a partial refund, TRADE_CLOSED (with gmt_close) once all is refunded, plus {@code refund_fee} (refunded so
	 * far), {@code gmt_refund} (with milliseconds) and {@code out_biz_no} (the refund's out_request_no).
	 */
	private static Outgoing alipayRefund(SandboxMerchant merchant, LedgerOrder order, SandboxLedger.Refund refund,
			Fen cumulative, Delivery delivery, boolean tamper, boolean badSignature, Instant now) {
		String yuan = order.amount().toYuan();
		boolean full = cumulative.compareTo(order.amount()) >= 0;
		Instant refundedAt = refund.succeededAt() != null ? refund.succeededAt() : refund.requestedAt();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("gmt_create", ALIPAY_TIME.format(order.createdAt().atZone(SandboxLedger.BEIJING)));
		p.put("charset", "utf-8");
		p.put("gmt_payment", ALIPAY_TIME.format(order.paidAt().atZone(SandboxLedger.BEIJING)));
		p.put("notify_time", ALIPAY_TIME.format(now.atZone(SandboxLedger.BEIJING)));
		p.put("subject", order.description());
		p.put("gmt_refund", ALIPAY_TIME.format(refundedAt.atZone(SandboxLedger.BEIJING)) + "."
				+ String.format("%03d", refundedAt.atZone(SandboxLedger.BEIJING).getNano() / 1_000_000));
		p.put("buyer_id", order.payerId());
		p.put("invoice_amount", yuan);
		p.put("version", "1.0");
		p.put("notify_id", delivery.notifyId());
		p.put("notify_type", "trade_status_sync");
		p.put("out_trade_no", order.outTradeNo());
		p.put("out_biz_no", refund.outRefundNo());
		p.put("total_amount", yuan);
		p.put("trade_status", full ? "TRADE_CLOSED" : "TRADE_SUCCESS");
		p.put("refund_fee", cumulative.toYuan());
		p.put("trade_no", order.providerTradeNo());
		p.put("auth_app_id", merchant.appId());
		p.put("receipt_amount", yuan);
		p.put("buyer_pay_amount", yuan);
		p.put("app_id", merchant.appId());
		p.put("seller_id", merchant.sellerId());
		if (full) {
			p.put("gmt_close", ALIPAY_TIME.format(refundedAt.atZone(SandboxLedger.BEIJING)));
		}
		p.values().removeIf(v -> v == null || v.isEmpty());
		String content = SandboxCrypto.alipayContent(p, true);
		String sign = SandboxCrypto.alipaySign(badSignature ? content + "&x=1" : content, merchant.alipayPrivateKey(),
				StandardCharsets.UTF_8);
		if (tamper) {
			p.put("refund_fee", tampered(cumulative).toYuan());
		}
		p.put("sign_type", "RSA2");
		p.put("sign", sign);
		StringBuilder form = new StringBuilder();
		p.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&")
			.append(k)
			.append('=')
			.append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
		return new Outgoing("application/x-www-form-urlencoded; charset=utf-8",
				form.toString().getBytes(StandardCharsets.US_ASCII), Map.of());
	}

	static Fen tampered(Fen amount) {
		return amount.value() == 1 ? Fen.of(2) : Fen.of(1);
	}

	// ---- v2 -----------------------------------------------------------------------------------------------------

	static Map<String, String> wechatV2PaymentFields(SandboxMerchant merchant, LedgerOrder order, String outTradeNo,
			String tradeNo, String nonce) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("appid", merchant.appId());
		f.put("attach", order.attach());
		f.put("bank_type", order.bankType() == null ? "OTHERS" : order.bankType());
		f.put("cash_fee", Long.toString(order.amount().value()));
		f.put("fee_type", "CNY");
		f.put("is_subscribe", "N");
		f.put("mch_id", merchant.mchId());
		f.put("nonce_str", nonce);
		f.put("openid", order.payerId());
		f.put("out_trade_no", outTradeNo);
		f.put("result_code", "SUCCESS");
		f.put("return_code", "SUCCESS");
		if ("HMAC-SHA256".equals(merchant.signType())) {
			f.put("sign_type", "HMAC-SHA256");
		}
		f.put("time_end", V2_TIME.format(order.paidAt().atZone(SandboxLedger.BEIJING)));
		f.put("total_fee", Long.toString(order.amount().value()));
		f.put("trade_type", order.tradeType());
		f.put("transaction_id", tradeNo);
		f.values().removeIf(v -> v == null);
		return f;
	}

	private static Outgoing wechatV2(SandboxMerchant merchant, LedgerOrder order, Delivery delivery, String tradeNo,
			boolean tamper, boolean badSignature) {
		String nonce = delivery.notifyId().replace("-", "").substring(0, 32);
		Map<String, String> f = wechatV2PaymentFields(merchant, order, delivery.outTradeNo(), tradeNo, nonce);
		String sign = SandboxCrypto.wechatV2Sign(f, merchant.apiKey(), merchant.signType());
		if (badSignature) {
			sign = SandboxCrypto.wechatV2Sign(f, merchant.apiKey() + "x", merchant.signType());
		}
		if (tamper) {
			String forged = Long.toString(tampered(order.amount()).value());
			f.put("total_fee", forged);
			f.put("cash_fee", forged);
		}
		f.put("sign", sign);
		byte[] body = SandboxXml.write(f, V2_BARE).getBytes(StandardCharsets.UTF_8);
		return new Outgoing("text/xml", body, Map.of("Request-ID", delivery.notifyId()));
	}

	// ---- v3 -----------------------------------------------------------------------------------------------------

	static Map<String, Object> transaction(SandboxMerchant merchant, LedgerOrder order, String outTradeNo, String tradeNo,
			Fen amount) {
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("mchid", merchant.mchId());
		t.put("appid", merchant.appId());
		t.put("out_trade_no", outTradeNo);
		t.put("transaction_id", tradeNo);
		t.put("trade_type", order.tradeType());
		t.put("trade_state", "SUCCESS");
		t.put("trade_state_desc", "支付成功");
		t.put("bank_type", order.bankType() == null ? "OTHERS" : order.bankType());
		t.put("attach", order.attach() == null ? "" : order.attach());
		t.put("success_time", RFC3339.format(order.paidAt().atZone(SandboxLedger.BEIJING).toOffsetDateTime()));
		t.put("payer", Map.of("openid", order.payerId() == null ? "" : order.payerId()));
		Map<String, Object> a = new LinkedHashMap<>();
		a.put("total", amount.value());
		a.put("payer_total", amount.value());
		a.put("currency", "CNY");
		a.put("payer_currency", "CNY");
		t.put("amount", a);
		return t;
	}

	static String v3Envelope(String id, Instant created, String ciphertext, String nonce) {
		Map<String, Object> resource = new LinkedHashMap<>();
		resource.put("original_type", "transaction");
		resource.put("algorithm", "AEAD_AES_256_GCM");
		resource.put("ciphertext", ciphertext);
		resource.put("associated_data", "transaction");
		resource.put("nonce", nonce);
		Map<String, Object> e = new LinkedHashMap<>();
		e.put("id", id);
		e.put("create_time", RFC3339.format(created.atZone(SandboxLedger.BEIJING).toOffsetDateTime()));
		e.put("resource_type", "encrypt-resource");
		e.put("event_type", "TRANSACTION.SUCCESS");
		e.put("summary", "支付成功");
		e.put("resource", resource);
		return JSON.writeValueAsString(e);
	}

	private static Outgoing wechatV3(SandboxMerchant merchant, LedgerOrder order, Delivery delivery, String tradeNo,
			boolean tamper, boolean badSignature, Instant now) {
		String resourceNonce = SandboxCrypto.randomAlphanumeric(12);
		String plain = JSON.writeValueAsString(transaction(merchant, order, delivery.outTradeNo(), tradeNo, order.amount()));
		String body = v3Envelope(delivery.notifyId(), delivery.createdAt(), SandboxCrypto.aesGcmEncrypt(merchant.apiV3Key(),
				resourceNonce, "transaction", plain.getBytes(StandardCharsets.UTF_8)), resourceNonce);
		String timestamp = Long.toString(now.getEpochSecond());
		String nonce = SandboxCrypto.randomAlphanumeric(32);
		SandboxKeys.Signer signer = merchant.keys().wechatSigner();
		String signature = SandboxCrypto.rsaSign(signer.key(),
				SandboxCrypto.wechatV3Message(timestamp, nonce, badSignature ? body + " " : body), "SHA256withRSA");
		if (tamper) {
			String forged = JSON.writeValueAsString(
					transaction(merchant, order, delivery.outTradeNo(), tradeNo, tampered(order.amount())));
			body = v3Envelope(delivery.notifyId(), delivery.createdAt(), SandboxCrypto.aesGcmEncrypt(merchant.apiV3Key(),
					resourceNonce, "transaction", forged.getBytes(StandardCharsets.UTF_8)), resourceNonce);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Wechatpay-Timestamp", timestamp);
		headers.put("Wechatpay-Nonce", nonce);
		headers.put("Wechatpay-Signature", signature);
		headers.put("Wechatpay-Serial", signer.id());
		headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
		headers.put("Request-ID", SandboxCrypto.randomAlphanumeric(32));
		return new Outgoing("application/json", body.getBytes(StandardCharsets.UTF_8), headers);
	}

	// ---- Alipay -------------------------------------------------------------------------------------------------

	private static Outgoing alipay(SandboxMerchant merchant, LedgerOrder order, Delivery delivery, String tradeNo,
			boolean tamper, boolean badSignature, Instant now) {
		String yuan = order.amount().toYuan();
		Map<String, String> p = new LinkedHashMap<>();
		p.put("gmt_create", ALIPAY_TIME.format(order.createdAt().atZone(SandboxLedger.BEIJING)));
		p.put("charset", "utf-8");
		p.put("gmt_payment", ALIPAY_TIME.format(order.paidAt().atZone(SandboxLedger.BEIJING)));
		p.put("notify_time", ALIPAY_TIME.format(now.atZone(SandboxLedger.BEIJING)));
		p.put("subject", order.description());
		p.put("buyer_id", order.payerId());
		p.put("invoice_amount", yuan);
		p.put("version", "1.0");
		p.put("notify_id", delivery.notifyId());
		p.put("fund_bill_list", "[{\"amount\":\"" + yuan + "\",\"fundChannel\":\"ALIPAYACCOUNT\"}]");
		p.put("notify_type", "trade_status_sync");
		p.put("out_trade_no", delivery.outTradeNo());
		p.put("total_amount", yuan);
		p.put("trade_status", "TRADE_SUCCESS");
		p.put("trade_no", tradeNo);
		p.put("auth_app_id", merchant.appId());
		p.put("receipt_amount", yuan);
		p.put("point_amount", "0.00");
		p.put("buyer_pay_amount", yuan);
		p.put("app_id", merchant.appId());
		p.put("seller_id", merchant.sellerId());
		p.put("buyer_logon_id", maskedLogon(order.payerId()));
		p.values().removeIf(v -> v == null || v.isEmpty());
		String content = SandboxCrypto.alipayContent(p, true);
		// certificate mode: signed by Alipay's current certificate, which the notification does not name (E.4)
		SandboxKeys.Signer signer = merchant.keys().alipaySigner();
		String sign = SandboxCrypto.alipaySign(badSignature ? content + "&x=1" : content,
				signer != null ? signer.key() : merchant.alipayPrivateKey(), StandardCharsets.UTF_8);
		if (tamper) {
			String forged = tampered(order.amount()).toYuan();
			for (String key : List.of("total_amount", "receipt_amount", "invoice_amount", "buyer_pay_amount")) {
				p.put(key, forged);
			}
			p.put("fund_bill_list", "[{\"amount\":\"" + forged + "\",\"fundChannel\":\"ALIPAYACCOUNT\"}]");
		}
		p.put("sign_type", "RSA2");
		p.put("sign", sign);
		StringBuilder form = new StringBuilder();
		p.forEach((k, v) -> form.append(form.isEmpty() ? "" : "&")
			.append(k)
			.append('=')
			.append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
		return new Outgoing("application/x-www-form-urlencoded; charset=utf-8",
				form.toString().getBytes(StandardCharsets.US_ASCII), Map.of());
	}

	static String maskedLogon(String buyerId) {
		if (buyerId == null || buyerId.length() < 4) {
			return "buy***@example.com";
		}
		return "138****" + buyerId.substring(buyerId.length() - 4);
	}

	/** A stable, well-formed provider number for a notification about an order that does not exist. */
	private static String fakeTradeNo(LedgerOrder order, Delivery delivery) {
		String digits = Long.toString(Math.abs((long) delivery.notifyId().hashCode()) + 1_000_000_000L);
		String base = order.providerTradeNo().substring(0, 12);
		String tail = (digits + "0000000000000000").substring(0, 16);
		return base + tail;
	}
}
