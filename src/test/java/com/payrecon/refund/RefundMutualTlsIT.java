package com.payrecon.refund;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.PaymentProvider.RefundLookup;
import com.payrecon.provider.PaymentProvider.RefundRequest;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.provider.RefundAnswer;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * WeChat Pay v2's {@code secapi/pay/refund} with the merchant's client certificate (issues 13 and 14), with real
 * handshakes against the sandbox's TLS listener that requires it, as MutualTlsIT does for the reverse: the refund of an
 * account with a certificate is accepted; without one the provider refuses it as the real gateway does, and nothing is
 * refunded there.
 */
@PayReconIT
class RefundMutualTlsIT {

	@LocalServerPort
	int port;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	ProviderRegistry providers;

	@Test
	void theV2RefundPresentsTheAccountsClientCertificate() {
		Account account = accounts.find("tls-wx2").orElseThrow();
		PaymentProvider wechat = providers.forAccount(account);
		String outTradeNo = paid(account);

		RefundAnswer answer = wechat.refund(account, new RefundRequest(outTradeNo, null, outTradeNo + "-R", Fen.of(100),
				Fen.of(321), "CNY", "mutual TLS", notifyUrl(account)));

		assertThat(answer.status()).as(answer.errorCode() + " " + answer.rawResponse()).isIn(RefundAnswer.Status.PROCESSING,
				RefundAnswer.Status.SUCCESS);
		assertThat(answer.providerRefundId()).isNotBlank();
		RefundAnswer there = wechat.queryRefund(account, new RefundLookup(outTradeNo, outTradeNo + "-R", null));
		assertThat(there.status()).isIn(RefundAnswer.Status.PROCESSING, RefundAnswer.Status.SUCCESS);
		assertThat(there.amount()).isEqualTo(Fen.of(100));
	}

	@Test
	void withoutAClientCertificateTheProviderRefusesTheRefundAndNothingIsRefunded() {
		Account account = accounts.find("tls-nocert").orElseThrow();
		PaymentProvider wechat = providers.forAccount(account);
		String outTradeNo = paid(account);

		RefundAnswer answer = wechat.refund(account, new RefundRequest(outTradeNo, null, outTradeNo + "-R", Fen.of(100),
				Fen.of(321), "CNY", "mutual TLS", notifyUrl(account)));

		// not definite: the refund stays PROCESSING with its number and the query decides (never a new number)
		assertThat(answer.status()).isEqualTo(RefundAnswer.Status.ERROR);
		assertThat(answer.errorCode()).isEqualTo("HTTP_400");
		assertThat(answer.rawResponse()).contains("No required SSL certificate was sent");
		assertThat(wechat.queryRefund(account, new RefundLookup(outTradeNo, outTradeNo + "-R", null)).status())
			.isEqualTo(RefundAnswer.Status.NOT_FOUND);
	}

	private String paid(Account account) {
		String outTradeNo = TestData.outTradeNo();
		var placed = providers.forAccount(account)
			.place(account, new PlaceRequest(outTradeNo, Fen.of(321), "CNY", "mutual TLS refund",
					Instant.now().plusSeconds(600), notifyUrl(account)));
		assertThat(placed.placed()).as(placed.errorCode() + " " + placed.errorMessage()).isTrue();
		new RefundWire(port).control("POST", "/orders/" + account.id() + "/" + outTradeNo + "/pay", Map.of());
		return outTradeNo;
	}

	private String notifyUrl(Account account) {
		return "http://127.0.0.1:" + port + "/notify/wechatpay-v2/" + account.id();
	}
}
