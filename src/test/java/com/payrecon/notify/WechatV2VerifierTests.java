package com.payrecon.notify;

import static com.payrecon.notify.VerifierFixtures.payment;
import static com.payrecon.notify.VerifierFixtures.post;
import static com.payrecon.notify.VerifierFixtures.rejected;
import static com.payrecon.notify.VerifierFixtures.settled;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.crypto.WechatV2RefundCipher;
import com.payrecon.crypto.WechatV2Signature;
import com.payrecon.crypto.WechatV2Xml;
import com.payrecon.order.ProviderPayment;
import com.payrecon.provider.TestKeys;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/**
 * Every check of the WeChat Pay v2 verifier, one at a time, without database or HTTP: XML, signature (present, sign
 * type pinned by the account, value), return and result code, merchant (appid and mch_id), order and transaction ids,
 * amount, currency, time; and the refund notice authenticated by decryption.
 */
class WechatV2VerifierTests {

	final WechatV2Verifier verifier = new WechatV2Verifier();
	final Account md5 = TestKeys.v2(null, WechatSignType.MD5);
	final Account hmac = TestKeys.v2(null, WechatSignType.HMAC_SHA256);

	static Map<String, String> fields() {
		Map<String, String> f = Notifications.v2Fields("ORDER2001", 101, "4200000001202611220000000001");
		f.put("time_end", "20261122103456");
		return f;
	}

	Check check(Account account, Map<String, String> fields) {
		String xml = Notifications.v2Xml(fields, TestKeys.V2_KEY, account.wechatV2().signType());
		return verifier.check(account, post(Channel.WECHATPAY_V2, xml));
	}

	Check checkUnsigned(Account account, Map<String, String> fields) {
		return verifier.check(account, post(Channel.WECHATPAY_V2, WechatV2Xml.write(fields)));
	}

	@Test
	void aSignedSuccessIsAPaymentInTheAccountsZoneWithItsCurrency() {
		Check.Authenticated a = payment(check(md5, fields()));

		assertThat(a.providerNotifyId()).isNull();
		assertThat(a.payment()).isEqualTo(new ProviderPayment("ORDER2001", "4200000001202611220000000001", Fen.of(101),
				"CNY", Instant.parse("2026-11-22T02:34:56Z")));
		assertThat(payment(check(hmac, fields())).payment().amount()).isEqualTo(Fen.of(101));
	}

	@Test
	void anEmptyFeeTypeMeansCnyAndAnotherIsKept() {
		Map<String, String> f = fields();
		f.remove("fee_type");
		assertThat(payment(check(md5, f)).payment().currency()).isEqualTo("CNY");
		f.put("fee_type", "USD");
		assertThat(payment(check(md5, f)).payment().currency()).isEqualTo("USD");
	}

	@Test
	void unreadableXmlIsMalformed() {
		rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, "<xml><return_code>SUCC")), Verdict.MALFORMED, "XML refused");
		rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, "")), Verdict.MALFORMED, "XML refused");
	}

	@Test
	void aMissingOrEmptySignIsRefusedNamingTheClaimedOrder() {
		Check.Rejected r = rejected(checkUnsigned(md5, fields()), Verdict.BAD_SIGNATURE, "no sign field");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("ORDER2001");
		Map<String, String> empty = fields();
		empty.put("sign", "");
		rejected(checkUnsigned(md5, empty), Verdict.BAD_SIGNATURE, "no sign field");
	}

	@Test
	void theSignTypeIsTheAccountsNeverTheRequests() {
		// no sign_type means MD5: refused for an HMAC account even when MD5-signed with the right key
		Map<String, String> md5Signed = new LinkedHashMap<>(fields());
		md5Signed.put("sign", WechatV2Signature.sign(md5Signed, TestKeys.V2_KEY, WechatSignType.MD5));
		Check.Rejected r = rejected(checkUnsigned(hmac, md5Signed), Verdict.BAD_SIGNATURE,
				"sign_type MD5, but the account signs with HMAC-SHA256");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("ORDER2001");
		// HMAC-SHA256 declared and signed: refused for an MD5 account
		rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, Notifications.v2Xml(fields(), TestKeys.V2_KEY,
				WechatSignType.HMAC_SHA256))), Verdict.BAD_SIGNATURE, "sign_type HMAC-SHA256, but the account signs with MD5");
		// an unknown sign type
		Map<String, String> unknown = new LinkedHashMap<>(fields());
		unknown.put("sign_type", "SHA1");
		unknown.put("sign", WechatV2Signature.sign(unknown, TestKeys.V2_KEY, WechatSignType.MD5));
		assertThat(rejected(checkUnsigned(md5, unknown), Verdict.BAD_SIGNATURE, "unknown sign_type").untrustedOutTradeNo())
			.isEqualTo("ORDER2001");
		// MD5 declared explicitly is MD5
		Map<String, String> declared = new LinkedHashMap<>(fields());
		declared.put("sign_type", "MD5");
		declared.put("sign", WechatV2Signature.sign(declared, TestKeys.V2_KEY, WechatSignType.MD5));
		payment(checkUnsigned(md5, declared));
	}

	@Test
	void aSignatureByAnotherKeyOrOverOtherFieldsIsRefused() {
		String other = Notifications.v2Xml(fields(), "0".repeat(32), WechatSignType.MD5);
		Check.Rejected r = rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, other)), Verdict.BAD_SIGNATURE,
				"MD5 signature does not match");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("ORDER2001");
		Map<String, String> tampered = new LinkedHashMap<>(fields());
		tampered.put("sign", WechatV2Signature.sign(tampered, TestKeys.V2_KEY, WechatSignType.MD5));
		tampered.put("total_fee", "1");
		rejected(checkUnsigned(md5, tampered), Verdict.BAD_SIGNATURE, "does not match");
	}

	@Test
	void aReturnCodeOtherThanSuccessIsNotAPayment() {
		Map<String, String> f = fields();
		f.put("return_code", "FAIL");
		Check.Authenticated a = settled(check(md5, f), Verdict.NOT_PAID, "return_code=FAIL");
		assertThat(a.outTradeNo()).isEqualTo("ORDER2001");
		assertThat(a.providerTxnId()).isEqualTo("4200000001202611220000000001");
	}

	@Test
	void anotherAppOrMerchantIsAMerchantMismatch() {
		Map<String, String> app = fields();
		app.put("appid", "wx0000000000000000");
		settled(check(md5, app), Verdict.MERCHANT_MISMATCH, "received appid=wx0000000000000000 mch_id=10000100");
		Map<String, String> mch = fields();
		mch.put("mch_id", "10000199");
		settled(check(md5, mch), Verdict.MERCHANT_MISMATCH, "expected appid=wx2421b1c4370ec43b mch_id=10000100");
		Map<String, String> none = fields();
		none.remove("mch_id");
		settled(check(md5, none), Verdict.MERCHANT_MISMATCH, "mch_id=null");
	}

	@Test
	void aResultCodeOtherThanSuccessIsNotAPayment() {
		Map<String, String> f = fields();
		f.put("result_code", "FAIL");
		f.put("err_code", "SYSTEMERROR");
		settled(check(md5, f), Verdict.NOT_PAID, "result_code=FAIL err_code=SYSTEMERROR");
		f.remove("result_code");
		settled(check(md5, f), Verdict.NOT_PAID, "result_code=null");
	}

	@Test
	void missingOrBlankIdsAreInvalidFields() {
		for (String field : new String[] { "out_trade_no", "transaction_id" }) {
			Map<String, String> missing = fields();
			missing.remove(field);
			settled(check(md5, missing), Verdict.INVALID_FIELDS, "out_trade_no or transaction_id missing");
			Map<String, String> blank = fields();
			blank.put(field, " ");
			settled(check(md5, blank), Verdict.INVALID_FIELDS, "out_trade_no or transaction_id missing");
		}
	}

	@Test
	void aTotalFeeThatIsNotStrictFenIsAnAmountMismatch() {
		for (String fee : new String[] { "1.01", "-1", "+1", "0x10", "1e2", "" }) {
			Map<String, String> f = fields();
			f.put("total_fee", fee);
			settled(check(md5, f), Verdict.AMOUNT_MISMATCH, "total_fee is");
		}
		Map<String, String> missing = fields();
		missing.remove("total_fee");
		settled(check(md5, missing), Verdict.AMOUNT_MISMATCH, "total_fee is");
	}

	@Test
	void aTimeEndThatIsNotCompactIsInvalid() {
		for (String time : new String[] { "2026-11-22 10:34:56", "20261322103456", "" }) {
			Map<String, String> f = fields();
			f.put("time_end", time);
			settled(check(md5, f), Verdict.INVALID_FIELDS, "time_end is not yyyyMMddHHmmss");
		}
		Map<String, String> missing = fields();
		missing.remove("time_end");
		settled(check(md5, missing), Verdict.INVALID_FIELDS, "time_end");
	}

	// ------------------------------------------------------------------------------------------ refund notices

	static String refundNotice(String mchId, String reqInfo) {
		return "<xml><return_code>SUCCESS</return_code><appid>wx2421b1c4370ec43b</appid><mch_id>" + mchId
				+ "</mch_id><nonce_str>abc</nonce_str><req_info><![CDATA[" + reqInfo + "]]></req_info></xml>";
	}

	static String reqInfo(String plain, String key) throws Exception {
		return WechatV2RefundCipher.encrypt(plain.getBytes(StandardCharsets.UTF_8), key);
	}

	static final String REFUND = "<root><out_refund_no>R2001</out_refund_no><out_trade_no>ORDER2001</out_trade_no>"
			+ "<refund_id>50000001</refund_id><refund_status>SUCCESS</refund_status><success_time>2026-11-21 10:00:00</success_time>"
			+ "<transaction_id>4200000001</transaction_id><total_fee>300</total_fee><refund_fee>101</refund_fee></root>";

	/** Issue 14: the notice is a refund to apply (before, it was only recorded as REFUND_NOTICE). */
	@Test
	void aRefundNoticeIsAuthenticatedByDecryptingItsReqInfo() throws Exception {
		Check check = verifier.check(md5, post(Channel.WECHATPAY_V2, refundNotice("10000100", reqInfo(REFUND, TestKeys.V2_KEY))));

		assertThat(check).isInstanceOf(Check.Refunded.class);
		Check.Refunded r = (Check.Refunded) check;
		assertThat(r.refund().outTradeNo()).isEqualTo("ORDER2001");
		assertThat(r.refund().outRefundNo()).isEqualTo("R2001");
		assertThat(r.refund().providerTxnId()).isEqualTo("4200000001");
		assertThat(r.refund().amount()).isEqualTo(com.payrecon.support.money.Fen.of(101));
		assertThat(r.refund().status()).isEqualTo(com.payrecon.refund.RefundStatus.SUCCESS);
		assertThat(r.mayRecord()).as("ECB has no integrity: a v2 notice never records a refund alone").isFalse();
		assertThat(r.providerNotifyId()).isNull();
		// a notice without a mandatory field (here refund_id) is unusable, not a refund
		settled(verifier.check(md5, post(Channel.WECHATPAY_V2, refundNotice("10000100",
				reqInfo(REFUND.replace("<refund_id>50000001</refund_id>", ""), TestKeys.V2_KEY)))), Verdict.INVALID_FIELDS, "");
	}

	@Test
	void aRefundNoticeForAnotherMerchantIsAMismatchAndOneThatDoesNotDecryptIsRefused() throws Exception {
		settled(verifier.check(md5, post(Channel.WECHATPAY_V2, refundNotice("10000199", reqInfo(REFUND, TestKeys.V2_KEY)))),
				Verdict.MERCHANT_MISMATCH, "refund notice for mch_id=10000199");
		rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, refundNotice("10000100", reqInfo(REFUND, "0".repeat(32))))),
				Verdict.DECRYPT_FAILED, "req_info does not decrypt");
		rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, refundNotice("10000100", "not base64!"))),
				Verdict.DECRYPT_FAILED, "req_info does not decrypt");
		rejected(verifier.check(md5, post(Channel.WECHATPAY_V2, refundNotice("10000100", reqInfo("<root><a>", TestKeys.V2_KEY)))),
				Verdict.MALFORMED, "decrypted req_info refused");
	}

	@Test
	void aSignedNotificationWithReqInfoIsAPaymentNotificationNotARefund() {
		Map<String, String> f = fields();
		f.put("req_info", "ignored");
		payment(check(md5, f));
	}

	// ------------------------------------------------------------------------------------------ answers

	@Test
	void theAnswersAreWechatsExactXml() {
		assertThat(verifier.acknowledge()).isEqualTo(new ChannelVerifier.Reply(200, "text/xml;charset=UTF-8",
				"<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"));
		ChannelVerifier.Reply fail = verifier.fail(Verdict.BAD_SIGNATURE, "bad ]]> sign");
		assertThat(fail.status()).isEqualTo(401);
		assertThat(fail.body()).isEqualTo("<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA["
				+ "bad ]]]]><![CDATA[> sign]]></return_msg></xml>");
		assertThat(verifier.fail(Verdict.ERROR, "x").status()).isEqualTo(503);
		assertThat(verifier.channel()).isEqualTo(Channel.WECHATPAY_V2);
	}
}
