package com.payrecon.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.crypto.Keys;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.crypto.WechatV3Crypto;

/**
 * Builds the notifications the providers would send to the test accounts of {@code application-it.yaml}, signed
 * with the published test keys. (The signing code itself is pinned by the vector tests.)
 */
public final class Notifications {

	public static final String V2_MD5_KEY = "8934e7d15453e97507ef794cf7b0519d";
	public static final String V2_HMAC_KEY = "192006250b4c09247ec02edce69f6a2d";
	public static final String V3_API_KEY = "5d1c4b3a29180716f5e4d3c2b1a09f8e";
	public static final String V3_SERIAL = "PUB_KEY_ID_0119000000012026112200000000A";
	public static final PrivateKey V3_PLATFORM_PRIVATE = Keys.privateKey(resource("vectors/shared-wechat-platform-private.pem"));
	public static final PrivateKey ALIPAY_PRIVATE = Keys.privateKey(resource("vectors/shared-alipay-private.pem"));

	private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	private Notifications() {
	}

	// ---- WeChat Pay v2 ----

	/** The fields of a v2 payment notification for account wx2-md5 (mch 10000100), unsigned. */
	public static Map<String, String> v2Fields(String outTradeNo, long totalFee, String transactionId) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("return_code", "SUCCESS");
		f.put("appid", "wx2421b1c4370ec43b");
		f.put("mch_id", "10000100");
		f.put("nonce_str", UUID.randomUUID().toString().replace("-", ""));
		f.put("result_code", "SUCCESS");
		f.put("openid", "oUpF8uMEb4qRXf22hE3X68TekukE");
		f.put("is_subscribe", "N");
		f.put("trade_type", "NATIVE");
		f.put("bank_type", "CFT");
		f.put("total_fee", Long.toString(totalFee));
		f.put("fee_type", "CNY");
		f.put("cash_fee", Long.toString(totalFee));
		f.put("transaction_id", transactionId);
		f.put("out_trade_no", outTradeNo);
		f.put("time_end", DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(SHANGHAI).format(Instant.now()));
		return f;
	}

	/** Signs (MD5 with the wx2-md5 key unless the fields say otherwise) and writes the XML. */
	public static String v2Xml(Map<String, String> fields, String apiKey, WechatSignType type) {
		Map<String, String> signed = new LinkedHashMap<>(fields);
		signed.remove("sign");
		if (type == WechatSignType.HMAC_SHA256) {
			signed.put("sign_type", "HMAC-SHA256");
		}
		signed.put("sign", WechatV2Signature.sign(signed, apiKey, type));
		return WechatV2Xml.write(signed);
	}

	public static String v2Paid(String outTradeNo, long totalFee, String transactionId) {
		return v2Xml(v2Fields(outTradeNo, totalFee, transactionId), V2_MD5_KEY, WechatSignType.MD5);
	}

	// ---- WeChat Pay v3 ----

	/** A signed v3 delivery: exact body bytes and the Wechatpay-* headers. */
	public record V3Delivery(byte[] body, Map<String, String> headers) {

		public V3Delivery withHeader(String name, String value) {
			Map<String, String> h = new LinkedHashMap<>(headers);
			if (value == null) {
				h.remove(name);
			}
			else {
				h.put(name, value);
			}
			return new V3Delivery(body, h);
		}
	}

	public static String v3Transaction(String outTradeNo, long total, String transactionId, String tradeState) {
		return "{\"mchid\":\"1900000001\",\"appid\":\"wxd678efh567hg6787\",\"out_trade_no\":\"" + outTradeNo
				+ "\",\"transaction_id\":\"" + transactionId + "\",\"trade_type\":\"NATIVE\",\"trade_state\":\""
				+ tradeState + "\",\"trade_state_desc\":\"支付成功\",\"bank_type\":\"CMC\",\"attach\":\"\",\"success_time\":\""
				+ DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atZone(SHANGHAI).withNano(0).toOffsetDateTime())
				+ "\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},\"amount\":{\"total\":" + total
				+ ",\"payer_total\":" + total + ",\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
	}

	/** Encrypts {@code transactionJson} with the wx3 APIv3 key and signs the envelope at {@code timestamp}. */
	public static V3Delivery v3(String notifyId, String eventType, String transactionJson, Instant timestamp) {
		String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String ciphertext;
		try {
			ciphertext = WechatV3Crypto.encryptAead(V3_API_KEY, nonce, "transaction",
					transactionJson.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		String body = "{\"id\":\"" + notifyId + "\",\"create_time\":\"2026-11-22T10:34:57+08:00\",\"resource_type\":\"encrypt-resource\",\"event_type\":\""
				+ eventType + "\",\"summary\":\"支付成功\",\"resource\":{\"original_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\""
				+ ciphertext + "\",\"associated_data\":\"transaction\",\"nonce\":\"" + nonce + "\"}}";
		return signV3(body.getBytes(StandardCharsets.UTF_8), timestamp);
	}

	public static V3Delivery signV3(byte[] body, Instant timestamp) {
		return signV3(body, timestamp, V3_PLATFORM_PRIVATE, V3_SERIAL);
	}

	/** Signed by another platform key, under its id (a key replaced in the console). */
	public static V3Delivery signV3(byte[] body, Instant timestamp, PrivateKey platformKey, String serial) {
		String ts = Long.toString(timestamp.getEpochSecond());
		String headerNonce = UUID.randomUUID().toString().replace("-", "").toUpperCase();
		String signature = WechatV3Crypto.sign(platformKey, WechatV3Crypto.notificationMessage(ts, headerNonce, body));
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Wechatpay-Timestamp", ts);
		headers.put("Wechatpay-Nonce", headerNonce);
		headers.put("Wechatpay-Signature", signature);
		headers.put("Wechatpay-Serial", serial);
		headers.put("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
		return new V3Delivery(body, headers);
	}

	public static V3Delivery v3Paid(String outTradeNo, long total, String transactionId, Instant timestamp) {
		return v3("EV-" + UUID.randomUUID(), "TRANSACTION.SUCCESS", v3Transaction(outTradeNo, total, transactionId, "SUCCESS"),
				timestamp);
	}

	// ---- Alipay ----

	/** The parameters of a TRADE_SUCCESS notification for account ali, unsigned. */
	public static Map<String, String> alipayParams(String outTradeNo, String totalAmount, String tradeNo) {
		String now = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(SHANGHAI).format(Instant.now());
		Map<String, String> p = new LinkedHashMap<>();
		p.put("gmt_create", now);
		p.put("charset", "utf-8");
		p.put("gmt_payment", now);
		p.put("notify_time", now);
		p.put("subject", "会员充值 member top-up");
		p.put("buyer_id", "2088102177846880");
		p.put("invoice_amount", totalAmount);
		p.put("version", "1.0");
		p.put("notify_id", "2026" + UUID.randomUUID().toString().replace("-", ""));
		p.put("notify_type", "trade_status_sync");
		p.put("out_trade_no", outTradeNo);
		p.put("total_amount", totalAmount);
		p.put("trade_status", "TRADE_SUCCESS");
		p.put("trade_no", tradeNo);
		p.put("auth_app_id", "2021000000000001");
		p.put("receipt_amount", totalAmount);
		p.put("point_amount", "0.00");
		p.put("buyer_pay_amount", totalAmount);
		p.put("app_id", "2021000000000001");
		p.put("seller_id", "2088000000000001");
		return p;
	}

	/** Signs (RSA2 over the V1 content) and form-encodes. */
	public static byte[] alipayForm(Map<String, String> params) {
		Map<String, String> signed = new LinkedHashMap<>(params);
		signed.remove("sign");
		signed.putIfAbsent("sign_type", "RSA2");
		signed.put("sign", AlipaySignature.sign(AlipaySignature.contentV1(signed), ALIPAY_PRIVATE, "RSA2",
				StandardCharsets.UTF_8));
		return FormCodec.encode(signed, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII);
	}

	public static byte[] alipayPaid(String outTradeNo, String totalAmount, String tradeNo) {
		return alipayForm(alipayParams(outTradeNo, totalAmount, tradeNo));
	}

	// ---- refunds (accounts refund-wx2, refund-wx3, refund-ali) ----

	public static final String REFUND_V2_KEY = "2b7e151628aed2a6abf7158809cf4f3c";
	public static final String REFUND_V3_KEY = "6a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d";

	/** The decrypted {@code req_info} of a v2 refund notification, one element per line as WeChat sends it. */
	public static String v2RefundPlain(String outTradeNo, String transactionId, String outRefundNo, String refundId,
			long refundFee, long totalFee, String status) {
		Map<String, String> f = new LinkedHashMap<>();
		f.put("out_refund_no", outRefundNo);
		f.put("out_trade_no", outTradeNo);
		f.put("refund_account", "REFUND_SOURCE_RECHARGE_FUNDS");
		f.put("refund_fee", Long.toString(refundFee));
		f.put("refund_id", refundId);
		f.put("refund_recv_accout", "支付用户零钱");
		f.put("refund_request_source", "API");
		f.put("refund_status", status);
		f.put("settlement_refund_fee", Long.toString(refundFee));
		f.put("settlement_total_fee", Long.toString(totalFee));
		if ("SUCCESS".equals(status)) {
			f.put("success_time", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(SHANGHAI).format(Instant.now()));
		}
		f.put("total_fee", Long.toString(totalFee));
		f.put("transaction_id", transactionId);
		StringBuilder xml = new StringBuilder("<root>\n");
		f.forEach((k, v) -> xml.append('<').append(k).append("><![CDATA[").append(v).append("]]></").append(k).append(">\n"));
		return xml.append("</root>\n").toString();
	}

	/** The outer XML of a v2 refund notification for refund-wx2: {@code plain} encrypted with {@code apiKey}. */
	public static String v2Refund(String plain, String apiKey) {
		try {
			String reqInfo = com.payrecon.crypto.WechatV2RefundCipher.encrypt(plain.getBytes(StandardCharsets.UTF_8), apiKey);
			return "<xml><return_code>SUCCESS</return_code><appid><![CDATA[wx2421b1c4370ec43b]]></appid>"
					+ "<mch_id><![CDATA[10000140]]></mch_id><nonce_str><![CDATA[" + UUID.randomUUID().toString().replace("-", "")
					+ "]]></nonce_str><req_info><![CDATA[" + reqInfo + "]]></req_info></xml>";
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The decrypted resource of a v3 refund notification for refund-wx3 (mch 1900000003). */
	public static String v3RefundResource(String outTradeNo, String transactionId, String outRefundNo, String refundId,
			long refund, long total, String status) {
		return "{\"mchid\":\"1900000003\",\"out_trade_no\":\"" + outTradeNo + "\",\"transaction_id\":\"" + transactionId
				+ "\",\"out_refund_no\":\"" + outRefundNo + "\",\"refund_id\":\"" + refundId + "\",\"refund_status\":\""
				+ status + "\",\"success_time\":\""
				+ DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atZone(SHANGHAI).withNano(0).toOffsetDateTime())
				+ "\",\"user_received_account\":\"支付用户零钱\",\"amount\":{\"total\":" + total + ",\"refund\":" + refund
				+ ",\"payer_total\":" + total + ",\"payer_refund\":" + refund + "}}";
	}

	/** A signed v3 refund notification for refund-wx3 ({@code REFUND.SUCCESS}, ...). */
	public static V3Delivery v3Refund(String notifyId, String eventType, String resourceJson, Instant timestamp) {
		String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String ciphertext;
		try {
			ciphertext = WechatV3Crypto.encryptAead(REFUND_V3_KEY, nonce, "refund", resourceJson.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		String body = "{\"id\":\"" + notifyId + "\",\"create_time\":\"2026-11-22T10:34:57+08:00\",\"resource_type\":\"encrypt-resource\",\"event_type\":\""
				+ eventType + "\",\"summary\":\"退款成功\",\"resource\":{\"original_type\":\"refund\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\""
				+ ciphertext + "\",\"associated_data\":\"refund\",\"nonce\":\"" + nonce + "\"}}";
		return signV3(body.getBytes(StandardCharsets.UTF_8), timestamp);
	}

	/** An Alipay trade notification for refund-ali that a refund triggered: refunded so far, refund time, its number. */
	public static Map<String, String> alipayRefundParams(String outTradeNo, String totalAmount, String tradeNo,
			String outRequestNo, String refundedSoFar, String tradeStatus) {
		Map<String, String> p = alipayParams(outTradeNo, totalAmount, tradeNo);
		p.put("auth_app_id", "2021000000000003");
		p.put("app_id", "2021000000000003");
		p.put("seller_id", "2088000000000003");
		p.put("trade_status", tradeStatus);
		p.put("refund_fee", refundedSoFar);
		p.put("gmt_refund", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(SHANGHAI).format(Instant.now()));
		p.put("out_biz_no", outRequestNo);
		return p;
	}

	static String resource(String path) {
		try (var in = Notifications.class.getClassLoader().getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("missing test resource " + path);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
