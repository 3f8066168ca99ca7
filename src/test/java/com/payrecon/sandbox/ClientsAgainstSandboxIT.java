package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.payrecon.account.Account;
import com.payrecon.account.AccountRegistry;
import com.payrecon.provider.PaymentProvider;
import com.payrecon.provider.PaymentProvider.BillDownload;
import com.payrecon.provider.PaymentProvider.MicropayRequest;
import com.payrecon.provider.PaymentProvider.PlaceRequest;
import com.payrecon.provider.PaymentProvider.PlaceResult;
import com.payrecon.provider.ProviderAnswer;
import com.payrecon.provider.ProviderAnswer.Status;
import com.payrecon.provider.ProviderRegistry;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * PayRecon's real provider clients over HTTP against the built-in sandbox (which shares no signing code with them):
 * every operation and its outcomes, for each channel, plus the sandbox's query faults.
 */
@PayReconIT
class ClientsAgainstSandboxIT {

	@LocalServerPort
	int port;

	@Autowired
	AccountRegistry accounts;

	@Autowired
	ProviderRegistry providers;

	SandboxWire wire() {
		return new SandboxWire(port);
	}

	@AfterEach
	void clearFaults() {
		for (String m : List.of("wx2-md5", "wx3", "ali")) {
			wire().control("DELETE", "/merchants/" + m + "/faults", null);
			wire().control("DELETE", "/merchants/" + m + "/pending-deliveries", null);
		}
	}

	private PaymentProvider provider(Account account) {
		return providers.forAccount(account);
	}

	private PlaceRequest order(String no, long amount) {
		return new PlaceRequest(no, Fen.of(amount), "CNY", "client IT", Instant.now().plusSeconds(3600),
				"http://127.0.0.1:" + port + "/notify/x/y");
	}

	@ParameterizedTest
	@ValueSource(strings = { "wx2-md5", "wx3", "ali" })
	void placeQueryPayAndCloseFollowTheLedger(String accountId) {
		Account account = accounts.find(accountId).orElseThrow();
		PaymentProvider client = provider(account);
		String paid = TestData.outTradeNo();
		String unpaid = TestData.outTradeNo();

		PlaceResult placed = client.place(account, order(paid, 1234));
		assertThat(placed.placed()).as(placed.errorCode() + " " + placed.errorMessage()).isTrue();
		assertThat(placed.payUrl()).isNotBlank();
		assertThat(client.place(account, order(unpaid, 500)).placed()).isTrue();
		assertThat(client.query(account, paid).status()).isIn(Status.NOT_PAID, Status.NOT_FOUND); // Alipay: not scanned yet

		wire().control("POST", "/orders/" + accountId + "/" + paid + "/pay", Map.of());
		ProviderAnswer answer = client.query(account, paid);
		assertThat(answer.status()).isEqualTo(Status.PAID);
		assertThat(answer.amount()).isEqualTo(Fen.of(1234));
		assertThat(answer.providerTxnId()).isNotBlank();
		assertThat(answer.paidAt()).isNotNull();
		assertThat(answer.rawResponse()).isNotBlank();

		if (accountId.equals("ali")) {
			wire().control("POST", "/orders/ali/" + unpaid + "/scan", Map.of()); // an Alipay trade exists once scanned
		}
		assertThat(client.close(account, unpaid).status()).isEqualTo(Status.CLOSED);
		assertThat(client.query(account, unpaid).status()).isEqualTo(Status.CLOSED);
		assertThat(client.close(account, paid).status()).as("closing a paid order").isIn(Status.PAID, Status.ERROR);
		assertThat(client.query(account, TestData.outTradeNo()).status()).isEqualTo(Status.NOT_FOUND);
	}

	@ParameterizedTest
	@ValueSource(strings = { "wx2-md5", "ali" })
	void micropayOutcomesAndReverse(String accountId) {
		Account account = accounts.find(accountId).orElseThrow();
		PaymentProvider client = provider(account);
		String paid = TestData.outTradeNo();
		String refused = TestData.outTradeNo();
		String paying = TestData.outTradeNo();
		String prefix = accountId.equals("ali") ? "28" : "13"; // payment codes: Alipay 25–30…, WeChat 10–15…

		assertThat(client.micropay(account, code(paid, prefix + "4567890123456780")).status()).isEqualTo(Status.PAID);
		assertThat(client.micropay(account, code(refused, prefix + "4567890123456789")).status()).isEqualTo(Status.NOT_PAID);
		assertThat(client.micropay(account, code(paying, prefix + "4567890123456782")).status()).isEqualTo(Status.USER_PAYING);
		// while the payer confirms, WeChat says USERPAYING; Alipay's trade is WAIT_BUYER_PAY
		assertThat(client.query(account, paying).status()).isEqualTo(accountId.equals("ali") ? Status.NOT_PAID : Status.USER_PAYING);

		ProviderAnswer reversed = client.reverse(account, paying);
		if (reversed.status() != Status.REVERSED) { // WeChat's first reverse of a paying order asks to be called again
			assertThat(reversed.errorCode()).isEqualTo("RECALL");
			reversed = client.reverse(account, paying);
		}
		assertThat(reversed.status()).isEqualTo(Status.REVERSED);
		assertThat(client.query(account, paying).status()).isIn(Status.REVERSED, Status.CLOSED);
	}

	@ParameterizedTest
	@ValueSource(strings = { "wx2-md5", "wx3", "ali" })
	void failingQueriesAreErrorsAndNeverDefiniteAnswers(String accountId) {
		Account account = accounts.find(accountId).orElseThrow();
		PaymentProvider client = provider(account);
		String no = TestData.outTradeNo();
		client.place(account, order(no, 100));

		wire().control("PUT", "/merchants/" + accountId + "/faults", Map.of("queryErrorShare", 1.0));
		ProviderAnswer systemError = client.query(account, no);
		wire().control("PUT", "/merchants/" + accountId + "/faults", Map.of("queryHttpErrorShare", 1.0));
		ProviderAnswer httpError = client.query(account, no);

		assertThat(systemError.status()).isEqualTo(Status.ERROR);
		assertThat(systemError.isDefinite()).isFalse();
		assertThat(httpError.status()).isEqualTo(Status.ERROR);
		assertThat(httpError.errorCode()).isNotBlank();
	}

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	@org.junit.jupiter.api.Test
	void everyCallIsTimedPerChannelOperationAndOutcome() {
		Account account = accounts.find("wx2-md5").orElseThrow();
		provider(account).query(account, TestData.outTradeNo());

		var timer = meters.find("payrecon.provider.calls")
			.tags("channel", "wechatpay-v2", "operation", "query")
			.timer();
		assertThat(timer).isNotNull();
		assertThat(timer.count()).isPositive();
		assertThat(timer.getId().getTag("outcome")).isNotBlank();
	}

	@ParameterizedTest
	@ValueSource(strings = { "wx2-md5", "wx3", "ali" })
	void aDayWithoutTradesHasNoBill(String accountId) throws Exception {
		Account account = accounts.find(accountId).orElseThrow();
		try (BillDownload bill = provider(account).bill(account, LocalDate.of(2020, 1, 2))) {
			assertThat(bill.noBill()).as(String.valueOf(bill.errorCode())).isTrue();
		}
	}

	private static MicropayRequest code(String no, String authCode) {
		return new MicropayRequest(no, Fen.of(300), "CNY", "micropay IT", authCode, "127.0.0.1");
	}
}
