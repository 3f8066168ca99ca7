package com.payrecon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Bills for a past day with payments, fees and a refund, in each format, and the providers' "no bill" answers. */
@PayReconIT
class SandboxBillsIT {

	static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
	static final Charset GBK = Charset.forName("GBK");
	static final long[] AMOUNTS = { 100, 600, 12345 };
	static final long REFUND = 100;

	@LocalServerPort
	int port;

	@Autowired
	MutableClock clock;

	SandboxWire wire;

	@BeforeEach
	void setUp() {
		clock.reset();
		wire = new SandboxWire(port);
	}

	@AfterEach
	void tearDown() {
		clock.reset();
	}

	/** Pays {@link #AMOUNTS} and refunds {@link #REFUND} of the second on {@code day} (10:00 Beijing); returns the order numbers. */
	private List<String> tradeOn(String merchant, LocalDate day) {
		clock.set(day.atTime(10, 0).atZone(BEIJING).toInstant());
		List<String> numbers = new java.util.ArrayList<>();
		for (long amount : AMOUNTS) {
			String no = TestData.outTradeNo();
			wire.control("POST", "/orders", Map.of("merchantId", merchant, "outTradeNo", no, "amount", amount, "description", "账单测试",
					"notifyUrl", "http://127.0.0.1:9/none"));
			clock.advance(java.time.Duration.ofMinutes(1));
			wire.control("POST", "/orders/" + merchant + "/" + no + "/pay", Map.of());
			numbers.add(no);
		}
		clock.advance(java.time.Duration.ofHours(2));
		wire.control("POST", "/orders/" + merchant + "/" + numbers.get(1) + "/refund", Map.of("amount", REFUND, "outRefundNo", "R" + numbers.get(1)));
		clock.reset();
		return numbers;
	}

	static long fee(long fen) {
		return BigDecimal.valueOf(fen).multiply(new BigDecimal("0.006")).setScale(0, RoundingMode.HALF_UP).longValueExact();
	}

	static String yuan(long fen) {
		return BigDecimal.valueOf(fen, 2).toPlainString();
	}

	static String fee5(long fen) {
		return BigDecimal.valueOf(fen, 2).setScale(5).toPlainString();
	}

	private void assertWechatBill(String all, List<String> numbers) {
		String[] lines = all.split("\r\n");
		assertThat(lines[0]).isEqualTo(SandboxBills.WECHAT_ALL_HEADER);
		assertThat(lines).hasSize(1 + AMOUNTS.length + 1 + 2);
		long total = 0, fees = 0;
		for (int i = 0; i < AMOUNTS.length; i++) {
			String[] f = lines[1 + i].split(",", -1);
			assertThat(f).hasSize(27).allMatch(v -> v.startsWith("`"));
			assertThat(f[6]).isEqualTo("`" + numbers.get(i));
			assertThat(f[9]).isEqualTo("`SUCCESS");
			assertThat(f[12]).isEqualTo("`" + yuan(AMOUNTS[i]));
			assertThat(f[22]).isEqualTo("`" + fee5(fee(AMOUNTS[i])));
			assertThat(f[23]).isEqualTo("`0.60%");
			total += AMOUNTS[i];
			fees += fee(AMOUNTS[i]);
		}
		String[] refund = lines[1 + AMOUNTS.length].split(",", -1);
		assertThat(refund).hasSize(27);
		assertThat(refund[6]).isEqualTo("`" + numbers.get(1));
		assertThat(refund[9]).isEqualTo("`REFUND");
		assertThat(refund[15]).isEqualTo("`R" + numbers.get(1));
		assertThat(refund[16]).isEqualTo("`" + yuan(REFUND));
		assertThat(refund[22]).isEqualTo("`-" + fee5(fee(REFUND)));
		fees -= fee(REFUND);
		assertThat(lines[lines.length - 2]).isEqualTo(SandboxBills.WECHAT_SUMMARY_HEADER);
		assertThat(lines[lines.length - 1]).isEqualTo(String.join(",", "`" + (AMOUNTS.length + 1), "`" + yuan(total),
				"`" + yuan(REFUND), "`0.00", "`" + fee5(fees), "`" + yuan(total), "`" + yuan(REFUND)));
	}

	@Test
	void wechatV2BillsInEachType() throws Exception {
		LocalDate day = LocalDate.now(BEIJING).minusDays(20);
		List<String> numbers = tradeOn("wx2-hmac", day);
		String date = day.toString().replace("-", "");
		var all = wire.v2Raw("/pay/downloadbill", SandboxWire.WX2_HMAC, Map.of("bill_date", date, "bill_type", "ALL"));
		assertThat(all.statusCode()).isEqualTo(200);
		assertWechatBill(SandboxWire.text(all), numbers);

		String success = SandboxWire.text(wire.v2Raw("/pay/downloadbill", SandboxWire.WX2_HMAC, Map.of("bill_date", date, "bill_type", "SUCCESS")));
		assertThat(success.split("\r\n")[0]).isEqualTo(SandboxBills.WECHAT_SUCCESS_HEADER);
		assertThat(success.split("\r\n")[1].split(",", -1)).hasSize(20);
		assertThat(success.split("\r\n")).hasSize(1 + AMOUNTS.length + 2);
		String refund = SandboxWire.text(wire.v2Raw("/pay/downloadbill", SandboxWire.WX2_HMAC, Map.of("bill_date", date, "bill_type", "REFUND")));
		assertThat(refund.split("\r\n")[1].split(",", -1)).hasSize(29);
		assertThat(refund.split("\r\n")).hasSize(1 + 1 + 2);

		var gz = wire.v2Raw("/pay/downloadbill", SandboxWire.WX2_HMAC, Map.of("bill_date", date, "bill_type", "ALL", "tar_type", "GZIP"));
		assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(), StandardCharsets.UTF_8))
			.isEqualTo(SandboxWire.text(all));

		String none = day.minusDays(1).toString().replace("-", "");
		Map<String, String> noBill = com.payrecon.crypto.WechatV2Xml.parse(
				wire.v2Raw("/pay/downloadbill", SandboxWire.WX2_HMAC, Map.of("bill_date", none, "bill_type", "ALL")).body());
		assertThat(noBill).containsEntry("return_code", "FAIL").containsEntry("return_msg", "No Bill Exist").containsEntry("error_code", "20002");
		assertThat(com.payrecon.crypto.WechatV2Xml.parse(wire.v2Raw("/pay/downloadbill", SandboxWire.WX2_HMAC,
				Map.of("bill_date", LocalDate.now(BEIJING).toString().replace("-", ""))).body())).containsEntry("error_code", "20002");
	}

	@Test
	void wechatV3TradeBillWithSha1AndGzip() throws Exception {
		LocalDate day = LocalDate.now(BEIJING).minusDays(21);
		List<String> numbers = tradeOn("wx3", day);
		for (String tar : new String[] { "", "&tar_type=GZIP" }) {
			var meta = wire.v3("GET", "/v3/bill/tradebill?bill_date=" + day + "&bill_type=ALL" + tar, null);
			assertThat(meta.statusCode()).isEqualTo(200);
			assertThat(SandboxWire.v3SignatureValid(meta)).isTrue();
			JsonNode json = SandboxWire.JSON.readTree(meta.body());
			assertThat(json.path("hash_type").asString()).isEqualTo("SHA1");
			URI download = URI.create(json.path("download_url").asString());
			var file = wire.v3("GET", download.getRawPath().replace("/sandbox/wechatpay", "") + "?" + download.getRawQuery(), null);
			assertThat(file.statusCode()).isEqualTo(200);
			assertThat(file.headers().firstValue("Wechatpay-Signature")).isEmpty();
			byte[] bill = tar.isEmpty() ? file.body() : new GZIPInputStream(new ByteArrayInputStream(file.body())).readAllBytes();
			assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bill))).isEqualTo(json.path("hash_value").asString());
			assertWechatBill(new String(bill, StandardCharsets.UTF_8), numbers);
		}
		var none = wire.v3("GET", "/v3/bill/tradebill?bill_date=" + day.minusDays(1) + "&bill_type=ALL", null);
		assertThat(none.statusCode()).isEqualTo(400);
		assertThat(SandboxWire.JSON.readTree(none.body()).path("code").asString()).isEqualTo("NO_STATEMENT_EXIST");
	}

	@Test
	void alipayZipWithGbkCsv() throws IOException {
		LocalDate day = LocalDate.now(BEIJING).minusDays(22);
		List<String> numbers = tradeOn("ali", day);
		JsonNode answer = wire.alipay("alipay.data.dataservice.bill.downloadurl.query", new LinkedHashMap<>(Map.of("bill_type", "trade",
				"bill_date", day.toString())), null);
		assertThat(answer.path("code").asString()).isEqualTo("10000");
		String url = answer.path("bill_download_url").asString();
		assertThat(url).contains("fileType=csv.zip");
		var zip = wire.send(HttpRequest.newBuilder(URI.create(url)).GET());
		assertThat(zip.statusCode()).isEqualTo(200);
		Map<String, String> entries = new LinkedHashMap<>();
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()), GBK)) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				entries.put(e.getName(), new String(in.readAllBytes(), GBK));
			}
		}
		assertThat(entries.keySet()).anyMatch(n -> n.endsWith("_业务明细.csv")).anyMatch(n -> n.endsWith("_业务明细(汇总).csv"));
		String detail = entries.entrySet().stream().filter(e -> e.getKey().endsWith("_业务明细.csv")).findFirst().orElseThrow().getValue();
		assertThat(detail).startsWith("#支付宝业务明细查询").contains(SandboxBills.ALIPAY_HEADER);
		long total = java.util.Arrays.stream(AMOUNTS).sum();
		assertThat(detail).contains("#交易合计：" + AMOUNTS.length + "笔，商家实收共" + yuan(total) + "元，商家优惠共0.00元")
			.contains("#退款合计：1笔，商家实收退款共-" + yuan(REFUND) + "元");
		for (String no : numbers) {
			assertThat(detail).contains("," + no + "\t,交易\t,");
		}
		assertThat(detail).contains("," + numbers.get(1) + "\t,退款\t,").contains(",R" + numbers.get(1) + "\t,");
		// a refund row's 订单金额 is the refund's, negative, as 商家实收 (the reconciliation reads the refund amount there)
		assertThat(detail).contains("\t,-" + yuan(REFUND) + "\t,-" + yuan(REFUND) + "\t,");

		clock.set(Instant.now().plusSeconds(31));
		assertThat(wire.send(HttpRequest.newBuilder(URI.create(url)).GET()).statusCode()).isEqualTo(403);
		clock.reset();
		JsonNode none = wire.alipay("alipay.data.dataservice.bill.downloadurl.query", new LinkedHashMap<>(Map.of("bill_type", "trade",
				"bill_date", day.minusDays(1).toString())), null);
		assertThat(none.path("code").asString()).isEqualTo("40004");
		assertThat(none.path("sub_code").asString()).isEqualTo("isp.bill_not_exist");
	}

	/** Lingering retries (forged, refused) must not reach PayRecon while other test classes count notifications. */
	@org.junit.jupiter.api.AfterEach
	void stopLingeringDeliveries() {
		for (String m : java.util.List.of("wx2-md5", "wx2-hmac", "wx3", "ali")) {
			new SandboxWire(port).control("DELETE", "/merchants/" + m + "/pending-deliveries", null);
			new SandboxWire(port).control("DELETE", "/merchants/" + m + "/faults", null);
		}
	}

}
