package com.payrecon.notify;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import com.payrecon.crypto.WechatSignType;
import com.payrecon.operations.Scrape;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a notification in the plain form ({@code POST /notify/<channel>/<account id>}) is answered by the body
 * filter's {@link NotifyEndpoint}, ahead of the request observation, Spring Security and Spring MVC. These tests pin
 * what a provider sees (they pass on the code before the change too: the answers did not change), that the plain form
 * is in fact answered there, and that every other form still goes through the chain as before.
 */
class NotifyEndpointIT extends NotifyTestSupport {

	private static final String V2_FAIL_SIGNATURE = "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[";

	@Test
	void eachChannelAnswersInItsExactForm() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		HttpResponse<String> applied = postV2("wx2-md5", Notifications.v2Paid(no, 100, TestData.transactionId()));
		assertAnswer(applied, 200, "text/xml;charset=UTF-8");
		assertThat(applied.body()).isEqualTo(V2_ACK);
		HttpResponse<String> forged = postV2("wx2-md5", Notifications.v2Xml(Notifications.v2Fields(no, 1, TestData.transactionId()),
				Notifications.V2_HMAC_KEY, WechatSignType.MD5));
		assertAnswer(forged, 401, "text/xml;charset=UTF-8");
		assertThat(forged.body()).startsWith(V2_FAIL_SIGNATURE).endsWith("]]></return_msg></xml>");

		String v3No = TestData.outTradeNo();
		pendingOrder("wx3", v3No, 100);
		HttpResponse<String> v3Applied = postV3("wx3", Notifications.v3Paid(v3No, 100, TestData.transactionId(), Instant.now()));
		assertThat(v3Applied.statusCode()).isEqualTo(204);
		assertThat(v3Applied.body()).isEmpty();
		Notifications.V3Delivery v3Forged = Notifications.signV3(
				Notifications.v3Paid(v3No, 100, TestData.transactionId(), Instant.now()).body(), Instant.now(),
				Notifications.ALIPAY_PRIVATE, Notifications.V3_SERIAL);
		HttpResponse<String> v3Refused = postV3("wx3", v3Forged);
		assertAnswer(v3Refused, 401, "application/json");
		assertThat(v3Refused.body()).startsWith("{\"code\":\"FAIL\",\"message\":");

		String aliNo = TestData.outTradeNo();
		pendingOrder("ali", aliNo, 100);
		HttpResponse<String> aliApplied = postAlipay("ali", Notifications.alipayPaid(aliNo, "1.00", TestData.transactionId()));
		assertAnswer(aliApplied, 200, "text/plain;charset=UTF-8");
		assertThat(aliApplied.body()).isEqualTo("success");
		byte[] tampered = new String(Notifications.alipayPaid(aliNo, "1.00", TestData.transactionId()), StandardCharsets.US_ASCII)
			.replace("total_amount=1.00", "total_amount=0.01")
			.getBytes(StandardCharsets.US_ASCII);
		HttpResponse<String> aliRefused = postAlipay("ali", tampered);
		assertAnswer(aliRefused, 401, "text/plain;charset=UTF-8");
		assertThat(aliRefused.body()).isEqualTo("fail");
	}

	private static void assertAnswer(HttpResponse<String> answer, int status, String contentType) {
		assertThat(answer.statusCode()).isEqualTo(status);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue(contentType);
		assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
	}

	@Test
	void aPlainNotificationIsAnsweredAheadOfTheRequestObservationAndTheChain() {
		String no = TestData.outTradeNo();
		pendingOrder("wx2-md5", no, 100);
		Map<String, String> byMvc = Map.of("uri", "/notify/wechatpay-v2/{accountId}");
		Map<String, String> byEndpoint = Map.of("channel", "wechatpay-v2");
		Scrape before = Scrape.of(http);

		assertThat(postV2("wx2-md5", Notifications.v2Paid(no, 100, TestData.transactionId())).statusCode()).isEqualTo(200);

		Scrape after = Scrape.of(http);
		assertThat(after.value("payrecon_notify_requests_seconds_count", byEndpoint)
				- before.value("payrecon_notify_requests_seconds_count", byEndpoint)).isEqualTo(1);
		assertThat(after.value("http_server_requests_seconds_count", byMvc)
				- before.value("http_server_requests_seconds_count", byMvc)).isZero();
	}

	@Test
	void everyOtherFormGoesThroughTheChainAsBefore() {
		byte[] body = "<xml><return_code>SUCCESS</return_code></xml>".getBytes(StandardCharsets.UTF_8);
		long before = lastRawId();
		// Spring Security's firewall refuses a path parameter and an encoded slash before anything is stored
		assertThat(http.post("/notify/wechatpay-v2/wx2-md5;x=1", "text/xml", body, Map.of()).statusCode()).isEqualTo(400);
		assertThat(http.post("/notify/wechatpay-v2/wx2%2Fmd5", "text/xml", body, Map.of()).statusCode()).isEqualTo(400);
		// no handler for these (Spring MVC): a trailing slash, a segment more, another method
		assertThat(http.post("/notify/wechatpay-v2/wx2-md5/", "text/xml", body, Map.of()).statusCode()).isEqualTo(404);
		assertThat(http.post("/notify/wechatpay-v2/wx2-md5/x", "text/xml", body, Map.of()).statusCode()).isEqualTo(404);
		assertThat(http.send("PUT", "/notify/wechatpay-v2/wx2-md5", "text/xml", body).statusCode()).isEqualTo(405);
		assertThat(http.post("/notify/wechatpay-v4/wx2-md5", "text/xml", body, Map.of()).statusCode()).isEqualTo(404);
		assertThat(lastRawId()).isEqualTo(before);

		// an account id no account can have (too long): NotifyController, stored and answered as an unknown account
		String longId = "a".repeat(65);
		HttpResponse<String> unknown = http.post("/notify/wechatpay-v2/" + longId, "text/xml", body, Map.of());
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(unknown.body()).startsWith("<xml><return_code><![CDATA[FAIL]]></return_code>");
		assertThat(dsl.select(RAW_NOTIFICATION.ACCOUNT_ID, RAW_NOTIFICATION.VERDICT)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ID.gt(before))
			.fetch()
			.map(r -> r.value1() + " " + r.value2())).containsExactly(longId.substring(0, 64) + " UNKNOWN_ACCOUNT");
	}

	private long lastRawId() {
		Long max = dsl.select(org.jooq.impl.DSL.max(RAW_NOTIFICATION.ID)).from(RAW_NOTIFICATION).fetchOne(0, Long.class);
		return max == null ? 0 : max;
	}
}
