package com.payrecon.refund;

import static com.payrecon.db.Tables.REFUND;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.payrecon.reconcile.Discrepancy;
import com.payrecon.reconcile.DiscrepancyType;
import com.payrecon.reconcile.Reconciliation;
import com.payrecon.reconcile.ReconciliationResult;
import com.payrecon.reconcile.Resolution;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.RefundFixture;
import com.payrecon.support.TestData;
import com.payrecon.support.db.TransactionRetry;
import com.payrecon.support.money.Fen;
import tools.jackson.databind.JsonNode;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Reconciliation of refunds, per channel, from the sandbox's real-format bill (WeChat v2 and v3 CSV, Alipay's GBK
 * zip) downloaded by PayRecon's clients: a day with a partial and a full refund that agree, and one refund case of
 * each kind. Refund lines are matched by refund (number, else the provider's refund id) and amount; the provider's
 * signed refund query, never the bill, records or moves a refund; the day's refund totals agree to the fen.
 */
@PayReconIT
class RefundReconciliationIT {

	static final LocalDate DAY = LocalDate.of(2026, 11, 14);
	static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	@LocalServerPort
	int port;

	@Autowired
	Reconciliation reconciliation;

	@Autowired
	RefundService refundService;

	@Autowired
	TransactionRetry retry;

	@Autowired
	DSLContext dsl;

	@Autowired
	MutableClock clock;

	RefundWire wire;

	@BeforeEach
	void setUp() {
		wire = new RefundWire(port);
		for (String account : Set.of("refund-wx2", "refund-wx3", "refund-ali")) {
			wire.control("DELETE", "/merchants/" + account + "/faults", null);
		}
	}

	@AfterEach
	void reset() {
		clock.reset();
		for (String account : Set.of("refund-wx2", "refund-wx3", "refund-ali")) {
			wire.control("DELETE", "/merchants/" + account + "/faults", null);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "refund-wx2", "refund-wx3", "refund-ali" })
	void aDayWithOneRefundCaseOfEachKindFindsExactlyThoseAndItsRefundTotalsToTheFen(String account) {
		clock.set(DAY.atTime(12, 0).atZone(SHANGHAI).toInstant());
		String p = "RR" + TestData.outTradeNo().substring(6);
		// A, B: a partial and a full refund asked through PayRecon, succeeded on both sides
		wire.paidOrder(account, p + "A", 1000);
		wire.paidOrder(account, p + "B", 500);
		// E: a refund whose amount here differs from the provider's (planted below)
		wire.paidOrder(account, p + "E", 900);
		assertThat(wire.refund(account, p + "A", p + "AR", 300, "part").statusCode()).isEqualTo(201);
		assertThat(wire.refund(account, p + "B", p + "BR", 500, null).statusCode()).isEqualTo(201);
		assertThat(wire.refund(account, p + "E", p + "ER", 400, null).statusCode()).isEqualTo(201);
		clock.advance(Duration.ofSeconds(2)); // the sandbox finishes WeChat refunds after its refund-delay
		for (String no : new String[] { "A", "B", "E" }) {
			RefundWire.await(() -> wire.getRefund(account, p + no, p + no + "R"),
					r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		}
		dsl.update(REFUND).set(REFUND.AMOUNT_MINOR, 410L).where(REFUND.OUT_REFUND_NO.eq(p + "ER")).execute();
		// C: refunded in the provider's merchant platform, its notification lost
		wire.paidOrder(account, p + "C", 800);
		wire.control("POST", "/orders/" + account + "/" + p + "C/refund",
				Map.of("amount", 200, "outRefundNo", p + "CR", "notify", false));
		// D: a refund SUCCESS here that the provider never made
		wire.paidOrder(account, p + "D", 700);
		Refund phantom = RefundFixture.succeeded(refundService, retry, account, p + "D", 100);
		// F: refunded at the provider, PROCESSING here: the request's answer and the notification lost
		wire.paidOrder(account, p + "F", 600);
		wire.control("PUT", "/merchants/" + account + "/faults", Map.of("dropShare", 1.0, "refundLostAnswerShare", 1.0));
		assertThat(wire.refund(account, p + "F", p + "FR", 600, null).statusCode()).isEqualTo(201);
		clock.advance(Duration.ofSeconds(2));
		RefundWire.await(() -> wire.sandboxRefund(account, p + "F", p + "FR"),
				r -> "SUCCESS".equals(r.path("status").asString()), Duration.ofSeconds(20));
		assertThat(wire.getRefund(account, p + "F", p + "FR").path("status").asString()).isEqualTo("PROCESSING");

		clock.set(DAY.plusDays(1).atTime(12, 0).atZone(SHANGHAI).toInstant()); // the bill exists from the next day on
		ReconciliationResult result = reconciliation.reconcile(account, DAY, reconciliation.options("test", false));

		Map<String, Discrepancy> byOrder = new HashMap<>();
		result.discrepancies().stream().filter(d -> d.outTradeNo() != null && d.outTradeNo().startsWith(p))
			.forEach(d -> assertThat(byOrder.put(d.outTradeNo(), d)).as("one discrepancy for " + d.outTradeNo()).isNull());
		assertThat(byOrder).containsOnlyKeys(p + "C", p + "D", p + "E", p + "F");
		Discrepancy c = byOrder.get(p + "C");
		assertThat(c.type()).isEqualTo(DiscrepancyType.REFUND_UNKNOWN);
		assertThat(c.autoRepaired()).isTrue();
		assertThat(c.resolution()).isEqualTo(Resolution.RESOLVED);
		JsonNode recorded = wire.getRefund(account, p + "C", p + "CR");
		assertThat(recorded.path("status").asString()).isEqualTo("SUCCESS");
		assertThat(recorded.path("source").asString()).isEqualTo("EXTERNAL");
		assertThat(recorded.path("amount").asLong()).isEqualTo(200);
		assertThat(wire.order(account, p + "C").path("status").asString()).isEqualTo("PARTIALLY_REFUNDED");
		Discrepancy d = byOrder.get(p + "D");
		assertThat(d.type()).isEqualTo(DiscrepancyType.REFUND_NOT_AT_PROVIDER);
		assertThat(d.resolution()).isEqualTo(Resolution.OPEN);
		assertThat(d.detail()).contains(phantom.outRefundNo());
		Discrepancy e = byOrder.get(p + "E");
		assertThat(e.type()).isEqualTo(DiscrepancyType.REFUND_AMOUNT_MISMATCH);
		assertThat(e.localAmount()).isEqualTo(Fen.of(410));
		assertThat(e.providerAmount()).isEqualTo(Fen.of(400));
		assertThat(e.resolution()).isEqualTo(Resolution.OPEN);
		Discrepancy f = byOrder.get(p + "F");
		assertThat(f.type()).isEqualTo(DiscrepancyType.REFUND_STATUS_MISMATCH);
		assertThat(f.autoRepaired()).isTrue();
		JsonNode settled = wire.getRefund(account, p + "F", p + "FR");
		assertThat(settled.path("status").asString()).isEqualTo("SUCCESS");
		assertThat(RefundApiIT.last(settled, "STATUS_CHANGED").path("source").asString()).isEqualTo("QUERY");
		assertThat(wire.sandboxRefund(account, p + "F", p + "FR").path("requestCount").asInt()).isEqualTo(1);
		assertThat(wire.order(account, p + "F").path("status").asString()).isEqualTo("REFUNDED");

		// the day's refunds to the fen: five at the provider (A, B, C, E, F); six SUCCESS here (and D), E as planted
		assertThat(result.run().provider().refundCount()).isEqualTo(5);
		assertThat(result.run().provider().refunds()).isEqualTo(Fen.of(300 + 500 + 200 + 400 + 600));
		assertThat(result.run().local().refundCount()).isEqualTo(6);
		assertThat(result.run().local().refunds()).isEqualTo(Fen.of(300 + 500 + 200 + 100 + 410 + 600));
		assertThat(result.run().summaryOk()).as(String.valueOf(result.run().summaryDifferences())).isTrue();
	}
}
