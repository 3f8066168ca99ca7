package com.payrecon.provider;

import java.io.InputStream;
import java.time.LocalDate;

import com.payrecon.account.Account;
import com.payrecon.account.Channel;
import com.payrecon.support.money.Fen;

/**
 * What PayRecon asks of a payment provider, one implementation per {@link Channel}. Requests are signed and
 * responses verified as in shared/protocols.md; a response that fails verification is an ERROR, never trusted.
 * Implementations time out, retry transient errors with backoff and respect a per-account rate limit; they never
 * throw for provider trouble (it becomes {@link ProviderAnswer.Status#ERROR}).
 */
public interface PaymentProvider {

	Channel channel();

	/** Places an order for the payer to scan (v2 unifiedorder NATIVE, v3 Native prepay, Alipay precreate). */
	PlaceResult place(Account account, PlaceRequest request);

	/** The order's state at the provider (v2 orderquery, v3 GET by out-trade-no, alipay.trade.query). */
	ProviderAnswer query(Account account, String outTradeNo);

	/**
	 * Closes an unpaid order. CLOSED on success (also when it was closed already); PAID when the provider says it
	 * was paid meanwhile (v2 ORDERPAID: the caller queries and applies); NOT_FOUND; ERROR.
	 */
	ProviderAnswer close(Account account, String outTradeNo);

	/** Payment-code (micropay / face-to-face) payment: PAID, USER_PAYING, NOT_PAID (refused), or ERROR (unknown). */
	ProviderAnswer micropay(Account account, MicropayRequest request);

	/** Reverses (cancels) a micropay order: REVERSED, or ERROR (with errorCode RECALL when it must be called again). */
	ProviderAnswer reverse(Account account, String outTradeNo);

	/** The provider's trade bill for one day in the account's zone. */
	BillDownload bill(Account account, LocalDate day);

	/**
	 * Asks for a refund (v2 {@code secapi/pay/refund}, v3 {@code POST /v3/refund/domestic/refunds},
	 * {@code alipay.trade.refund} with {@code out_request_no}). Never repeated automatically: a transient failure is
	 * an ERROR, and the caller settles the refund by {@link #queryRefund} with the same number.
	 */
	RefundAnswer refund(Account account, RefundRequest request);

	/**
	 * The refund's state at the provider (v2 {@code pay/refundquery}, v3 {@code GET
	 * /v3/refund/domestic/refunds/{out_refund_no}}, {@code alipay.trade.fastpay.refund.query}).
	 */
	RefundAnswer queryRefund(Account account, RefundLookup lookup);

	/**
	 * One refund, exactly as sent every time it is sent.
	 *
	 * @param providerTxnId the payment's transaction at the provider, when known
	 * @param orderAmount the order's amount (WeChat's {@code total_fee} / {@code amount.total})
	 * @param notifyUrl where refund notifications go (WeChat; Alipay notifies the trade's notify_url)
	 */
	record RefundRequest(String outTradeNo, String providerTxnId, String outRefundNo, Fen amount, Fen orderAmount,
			String currency, String reason, String notifyUrl) {
	}

	/** Which refund to ask about. */
	record RefundLookup(String outTradeNo, String outRefundNo, String providerRefundId) {
	}

	record PlaceRequest(String outTradeNo, Fen amount, String currency, String description, java.time.Instant expiresAt,
			String notifyUrl) {
	}

	/** @param payUrl what the payer needs: v2/v3 {@code code_url}, Alipay {@code qr_code}; null unless placed */
	record PlaceResult(boolean placed, String payUrl, String errorCode, String errorMessage, String rawResponse) {
	}

	record MicropayRequest(String outTradeNo, Fen amount, String currency, String description, String authCode,
			String clientIp) {
	}

	/**
	 * A downloaded bill. {@code noBill} is the provider's normal "no bill for that day" answer. The content is the
	 * bill file itself (decompressed; Alipay: the detail CSV out of the zip, still GBK-encoded), streamed: read it
	 * once and close it.
	 *
	 * @param hashVerified v3: SHA1 of the whole stream equals {@code hash_value} (checked when the stream is read to
	 * its end; a mismatch throws from {@code read})
	 */
	record BillDownload(boolean noBill, String errorCode, InputStream content, String format) implements AutoCloseable {

		public static final String WECHAT_TEXT = "wechat-text";
		public static final String ALIPAY_CSV_GBK = "alipay-csv-gbk";

		@Override
		public void close() throws java.io.IOException {
			if (content != null) {
				content.close();
			}
		}
	}
}
