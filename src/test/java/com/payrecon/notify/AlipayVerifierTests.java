package com.payrecon.notify;

import static com.payrecon.notify.VerifierFixtures.payment;
import static com.payrecon.notify.VerifierFixtures.post;
import static com.payrecon.notify.VerifierFixtures.rejected;
import static com.payrecon.notify.VerifierFixtures.settled;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.crypto.AlipaySignature;
import com.payrecon.crypto.FormCodec;
import com.payrecon.order.ProviderPayment;
import com.payrecon.account.NoLearntCertificates;
import com.payrecon.provider.TestKeys;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/**
 * Every check of the Alipay verifier, one at a time, without database or HTTP: parameters only in the body, the form
 * and its charset, the signature (present, RSA2 only, value), app and seller, trade status, ids, amount (strict yuan)
 * and payment time; and the browser return, which is verified and never a payment.
 */
class AlipayVerifierTests {

	final AlipayVerifier verifier = new AlipayVerifier(NoLearntCertificates.create());
	final Account account = TestKeys.alipay(null);

	static Map<String, String> params() {
		Map<String, String> p = Notifications.alipayParams("A3001", "88.88", "2026112222001446880500000009");
		p.put("notify_id", "N-3001");
		p.put("gmt_payment", "2026-11-22 10:34:56");
		p.put("notify_time", "2026-11-22 10:35:00");
		return p;
	}

	Check check(Map<String, String> params) {
		return verifier.check(account, post(Channel.ALIPAY, Notifications.alipayForm(params), Map.of()));
	}

	/** Signs with {@code charset} declared and the form encoded in it. */
	Check check(Map<String, String> params, Charset charset) {
		Map<String, String> signed = new LinkedHashMap<>(params);
		signed.put("sign_type", "RSA2");
		signed.put("sign", AlipaySignature.sign(AlipaySignature.contentV1(signed), Notifications.ALIPAY_PRIVATE, "RSA2", charset));
		byte[] form = FormCodec.encode(signed, charset).getBytes(StandardCharsets.US_ASCII);
		return verifier.check(account, post(Channel.ALIPAY, form, Map.of()));
	}

	@Test
	void aSignedTradeSuccessIsAPaymentAtGmtPaymentInTheAccountsZone() {
		Check.Authenticated a = payment(check(params()));

		assertThat(a.providerNotifyId()).isEqualTo("N-3001");
		assertThat(a.payment()).isEqualTo(new ProviderPayment("A3001", "2026112222001446880500000009", Fen.of(8888), "CNY",
				Instant.parse("2026-11-22T02:34:56Z")));
	}

	@Test
	void tradeFinishedPaysToo() {
		Map<String, String> p = params();
		p.put("trade_status", "TRADE_FINISHED");
		payment(check(p));
	}

	@Test
	void withoutGmtPaymentTheNotifyTimeIsThePaymentTime() {
		Map<String, String> p = params();
		p.remove("gmt_payment");
		assertThat(payment(check(p)).payment().paidAt()).isEqualTo(Instant.parse("2026-11-22T02:35:00Z"));
	}

	@Test
	void parametersInTheQueryStringAreMalformed() {
		var raw = VerifierFixtures.withQuery(post(Channel.ALIPAY, Notifications.alipayForm(params()), Map.of()), "a=1");
		rejected(verifier.check(account, raw), Verdict.MALFORMED, "query string");
		payment(verifier.check(account, VerifierFixtures.withQuery(raw, "")));
	}

	@Test
	void anUnreadableFormOrAnUnknownCharsetIsMalformed() {
		rejected(verifier.check(account, post(Channel.ALIPAY, "a=1&a=2")), Verdict.MALFORMED, "form refused");
		rejected(verifier.check(account, post(Channel.ALIPAY, "charset=latin1&a=1")), Verdict.MALFORMED,
				"unsupported charset");
	}

	@Test
	void gbkAndGb2312AndUtf8AreRead() {
		for (String name : new String[] { "gbk", "GB2312", "utf-8", "UTF8" }) {
			Map<String, String> p = params();
			p.put("charset", name);
			p.put("subject", "会员充值");
			Charset charset = name.toLowerCase().startsWith("utf") ? StandardCharsets.UTF_8 : Charset.forName(name);
			payment(check(p, charset));
		}
		Map<String, String> none = params();
		none.remove("charset");
		payment(check(none, StandardCharsets.UTF_8));
	}

	@Test
	void aMissingSignOrAnotherSignTypeIsRefusedNamingTheClaimedOrder() {
		Map<String, String> signed = new LinkedHashMap<>(params());
		signed.put("sign_type", "RSA2");
		signed.put("sign", " ");
		byte[] blank = FormCodec.encode(signed, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII);
		assertThat(rejected(verifier.check(account, post(Channel.ALIPAY, blank, Map.of())), Verdict.BAD_SIGNATURE,
				"no sign parameter").untrustedOutTradeNo()).isEqualTo("A3001");
		signed.remove("sign");
		byte[] none = FormCodec.encode(signed, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII);
		rejected(verifier.check(account, post(Channel.ALIPAY, none, Map.of())), Verdict.BAD_SIGNATURE, "no sign parameter");

		Map<String, String> rsa = params();
		rsa.put("sign_type", "RSA");
		rejected(check(rsa), Verdict.BAD_SIGNATURE, "sign_type must be RSA2");
		Map<String, String> noType = new LinkedHashMap<>(params());
		noType.put("sign", AlipaySignature.sign(AlipaySignature.contentV1(noType), Notifications.ALIPAY_PRIVATE, "RSA2",
				StandardCharsets.UTF_8));
		rejected(verifier.check(account, post(Channel.ALIPAY,
				FormCodec.encode(noType, StandardCharsets.UTF_8).getBytes(StandardCharsets.US_ASCII), Map.of())),
				Verdict.BAD_SIGNATURE, "sign_type must be RSA2");
	}

	@Test
	void aSignatureOverOtherParametersIsRefused() {
		String form = new String(Notifications.alipayForm(params()), StandardCharsets.US_ASCII).replace("total_amount=88.88",
				"total_amount=0.01");
		Check.Rejected r = rejected(verifier.check(account, post(Channel.ALIPAY, form)), Verdict.BAD_SIGNATURE,
				"RSA2 signature does not match");
		assertThat(r.untrustedOutTradeNo()).isEqualTo("A3001");
	}

	@Test
	void anotherAppOrSellerIsAMerchantMismatch() {
		Map<String, String> app = params();
		app.put("app_id", "2021000000000099");
		settled(check(app), Verdict.MERCHANT_MISMATCH, "received app_id=2021000000000099 seller_id=2088000000000001");
		Map<String, String> seller = params();
		seller.put("seller_id", "2088000000000099");
		Check.Authenticated a = settled(check(seller), Verdict.MERCHANT_MISMATCH,
				"expected app_id=2021000000000001 seller_id=2088000000000001");
		assertThat(a.providerNotifyId()).isEqualTo("N-3001");
		assertThat(a.outTradeNo()).isEqualTo("A3001");
	}

	@Test
	void aTradeStatusOtherThanSuccessOrFinishedIsNotAPayment() {
		for (String status : new String[] { "WAIT_BUYER_PAY", "TRADE_CLOSED", "trade_success" }) {
			Map<String, String> p = params();
			p.put("trade_status", status);
			settled(check(p), Verdict.NOT_PAID, "trade_status " + status);
		}
		Map<String, String> none = params();
		none.remove("trade_status");
		settled(check(none), Verdict.NOT_PAID, "trade_status ");
	}

	@Test
	void missingOrBlankIdsAreInvalidFields() {
		for (String field : new String[] { "out_trade_no", "trade_no" }) {
			Map<String, String> missing = params();
			missing.remove(field);
			settled(check(missing), Verdict.INVALID_FIELDS, "out_trade_no or trade_no missing");
			Map<String, String> blank = params();
			blank.put(field, " ");
			settled(check(blank), Verdict.INVALID_FIELDS, "out_trade_no or trade_no missing");
		}
	}

	@Test
	void anAmountThatIsNotStrictYuanIsAnAmountMismatch() {
		for (String amount : new String[] { "88.8", "88", "88.888", "-88.88", "8,888.00", "" }) {
			Map<String, String> p = params();
			p.put("total_amount", amount);
			settled(check(p), Verdict.AMOUNT_MISMATCH, "total_amount is");
		}
		Map<String, String> none = params();
		none.remove("total_amount");
		settled(check(none), Verdict.AMOUNT_MISMATCH, "total_amount is");
	}

	@Test
	void aPaymentTimeThatIsNotAlipaysFormatIsInvalid() {
		Map<String, String> p = params();
		p.put("gmt_payment", "2026-11-22T10:34:56");
		settled(check(p), Verdict.INVALID_FIELDS, "gmt_payment is not yyyy-MM-dd HH:mm:ss");
		Map<String, String> neither = params();
		neither.remove("gmt_payment");
		neither.remove("notify_time");
		settled(check(neither), Verdict.INVALID_FIELDS, "gmt_payment");
	}

	// ------------------------------------------------------------------------------------------ browser return

	static String returnQuery(Map<String, String> overrides) {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("charset", "utf-8");
		p.put("out_trade_no", "A3001");
		p.put("method", "alipay.trade.page.pay.return");
		p.put("total_amount", "88.88");
		p.put("trade_no", "2026112222001446880500000009");
		p.put("app_id", "2021000000000001");
		p.put("seller_id", "2088000000000001");
		p.put("timestamp", "2026-11-22 10:35:00");
		p.putAll(overrides);
		return new String(Notifications.alipayForm(p), StandardCharsets.US_ASCII);
	}

	@Test
	void aVerifiedReturnIsRecordedNeverPaidAndNamesTheOrder() {
		Check.Authenticated a = settled(verifier.checkReturn(account, VerifierFixtures.browserReturn(returnQuery(Map.of()))),
				Verdict.RETURN_VERIFIED, "browser return for A3001 (total_amount 88.88)");
		assertThat(a.providerNotifyId()).isNull();
		assertThat(a.outTradeNo()).isEqualTo("A3001");
		assertThat(a.providerTxnId()).isEqualTo("2026112222001446880500000009");
	}

	@Test
	void aForgedOrUnreadableReturnIsRefusedAndNamesNoOrder() {
		String forged = returnQuery(Map.of()).replace("total_amount=88.88", "total_amount=0.01");
		Check.Rejected r = rejected(verifier.checkReturn(account, VerifierFixtures.browserReturn(forged)),
				Verdict.BAD_SIGNATURE, "does not match");
		assertThat(r.untrustedOutTradeNo()).isNull();
		rejected(verifier.checkReturn(account, VerifierFixtures.browserReturn("a=1&a=2")), Verdict.MALFORMED,
				"query refused");
		rejected(verifier.checkReturn(account, VerifierFixtures.browserReturn(null)), Verdict.BAD_SIGNATURE,
				"no sign parameter");
	}

	@Test
	void theAnswersAreAlipaysPlainWords() {
		assertThat(verifier.acknowledge()).isEqualTo(new ChannelVerifier.Reply(200, "text/plain;charset=UTF-8", "success"));
		assertThat(verifier.fail(Verdict.BAD_SIGNATURE, "x"))
			.isEqualTo(new ChannelVerifier.Reply(401, "text/plain;charset=UTF-8", "fail"));
		assertThat(verifier.fail(Verdict.ERROR, "x").status()).isEqualTo(503);
		assertThat(verifier.channel()).isEqualTo(Channel.ALIPAY);
	}
}
