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
