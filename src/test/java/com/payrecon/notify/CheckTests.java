package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.payrecon.order.ProviderPayment;
import com.payrecon.support.money.Fen;
import org.junit.jupiter.api.Test;

/** The verifiers' results: what a rejection carries, what an authenticated payment or settlement carries. */
class CheckTests {

	@Test
	void aRejectionNamesNoOrderUntilItClaimsOne() {
		Check.Rejected r = Check.reject(Verdict.BAD_SIGNATURE, "no sign");

		assertThat(r.verdict()).isEqualTo(Verdict.BAD_SIGNATURE);
		assertThat(r.reason()).isEqualTo("no sign");
		assertThat(r.untrustedOutTradeNo()).isNull();
		assertThat(r.claiming("T1")).isEqualTo(new Check.Rejected(Verdict.BAD_SIGNATURE, "no sign", "T1"));
	}

	@Test
	void aPaymentCarriesItsIdsAndNoVerdict() {
		ProviderPayment p = new ProviderPayment("T1", "TXN1", Fen.of(5), "CNY", Instant.EPOCH);

		assertThat(Check.Authenticated.payment("N1", p)).isEqualTo(new Check.Authenticated("N1", "T1", "TXN1", p, null, null));
	}

	@Test
	void aSettlementCarriesItsVerdictAndReasonAndNoPayment() {
		assertThat(Check.Authenticated.settle("N1", "T1", "TXN1", Verdict.NOT_PAID, "closed"))
			.isEqualTo(new Check.Authenticated("N1", "T1", "TXN1", null, Verdict.NOT_PAID, "closed"));
	}
}
