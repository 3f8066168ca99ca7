package com.payrecon.console;

import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The notification pages over real HTTP: stored XSS (C6), masking (C5), keyset pages, filters, reprocess. */
@PayReconIT
class NotificationPagesIT {

	/** Every secret of the it profile's accounts and API clients (src/test/resources/application-it.yaml). */
	static final List<String> SECRETS = List.of("8934e7d15453e97507ef794cf7b0519d", "192006250b4c09247ec02edce69f6a2d",
			"5d1c4b3a29180716f5e4d3c2b1a09f8e", "it-checkout-token-0123456789", "PRIVATE KEY");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers testUsers;

	@Autowired
	OrderService orderService;

	@Autowired
	MutableClock clock;

	@Autowired
	DSLContext dsl;

	Http http;

	@BeforeEach
	void setUp() {
		http = new Http(port);
		clock.reset();
	}

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void scriptInANotificationFieldIsShownAsTextNeverRun() {
		String outTradeNo = TestData.outTradeNo();
		pendingOrder(outTradeNo, 100);
		Map<String, String> fields = Notifications.v2Fields(outTradeNo, 100, TestData.transactionId());
		fields.put("attach", "<script>alert('xss')</script><img src=x onerror=alert(1)>");
		String xml = Notifications.v2Xml(fields, Notifications.V2_MD5_KEY, WechatSignType.MD5);
		assertThat(http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", xml).statusCode()).isEqualTo(200);
		long id = rawIdFor(outTradeNo).get(0);

		HttpResponse<String> page = session(Role.SUPPORT).get("/notifications/" + id);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;")
			.doesNotContain("<script>alert")
			.doesNotContain("<img src=x");
		assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
		assertThat(ConsolePages.text(page.body(), "verdict")).contains("APPLIED");
		// the signature is shortened, not shown
		String sign = xml.replaceAll("(?s).*<sign><!\\[CDATA\\[([0-9A-F]+)]]></sign>.*", "$1");
		assertThat(sign).hasSize(32);
		assertThat(page.body()).doesNotContain(sign).contains(sign.substring(0, 8) + "…(32 chars)");
		// the list escapes too
		HttpResponse<String> list = session(Role.FINANCE).get("/notifications?outTradeNo=" + outTradeNo);
		assertThat(ConsolePages.rowIds(list.body(), "notification")).containsExactly(id);
	}

	@Test
	void aV3NotificationIsShownPrettyWithItsSignatureAndCiphertextShortened() {
		String outTradeNo = TestData.outTradeNo();
		orderService.create(new CreateOrder("wx3", outTradeNo, Fen.of(500), "CNY", "v3 page test", null), Cause.api("test", "set-up"));
		Notifications.V3Delivery delivery = Notifications.v3Paid(outTradeNo, 500, TestData.transactionId(), Instant.now());
		assertThat(http.post("/notify/wechatpay-v3/wx3", "application/json", delivery.body(), delivery.headers()).statusCode())
			.isIn(200, 204);
		long id = rawIdFor(outTradeNo).get(0);
		String html = session(Role.SUPPORT).get("/notifications/" + id).body();
		String signature = delivery.headers().get("Wechatpay-Signature");
		assertThat(html).doesNotContain(signature).contains(signature.substring(0, 8) + "…");
		String ciphertext = new String(delivery.body()).replaceAll("(?s).*\"ciphertext\"\\s*:\\s*\"([^\"]+)\".*", "$1");
		assertThat(html).doesNotContain(ciphertext);
		assertThat(ConsolePages.text(html, "raw-body")).contains("\"event_type\"").contains("\n  \"resource\"");
		Long orderId = dsl.select(RAW_NOTIFICATION.ORDER_ID).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(id)).fetchOne(RAW_NOTIFICATION.ORDER_ID);
		assertThat(html).contains("href=\"/orders/" + orderId + "\"");
	}

	@Test
	void noPageEverShowsAKey() {
		String outTradeNo = TestData.outTradeNo();
		pendingOrder(outTradeNo, 100);
		http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 100, TestData.transactionId()));
		long id = rawIdFor(outTradeNo).get(0);
		long orderId = dsl.select(RAW_NOTIFICATION.ORDER_ID).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(id)).fetchOne(RAW_NOTIFICATION.ORDER_ID);
		ConsoleSession admin = session(Role.ADMIN);
		for (String path : List.of("/", "/notifications", "/notifications/" + id, "/orders", "/orders/" + orderId, "/audit",
				"/admin/accounts", "/admin/users", "/account/password", "/login", "/error", "/no-such-page")) {
			HttpResponse<String> page = admin.get(path);
			for (String secret : SECRETS) {
				assertThat(page.body()).as(path).doesNotContain(secret);
			}
		}
		String accounts = admin.get("/admin/accounts").body();
		assertThat(accounts).contains("wx2-md5").contains("configured ••••").contains("10000100");
	}

	@Test
	void pagesGoBackInTimeWithoutGapsOrRepeatsEvenWhenTimesAreEqual() {
		String outTradeNo = TestData.outTradeNo(); // no such order: every delivery is UNKNOWN_ORDER
		clock.set(Instant.now().truncatedTo(ChronoUnit.SECONDS));
		for (int i = 0; i < 5; i++) {
			http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 100, TestData.transactionId()));
		}
		List<Long> stored = rawIdFor(outTradeNo);
		assertThat(stored).hasSize(5);
		assertThat(dsl.selectDistinct(RAW_NOTIFICATION.RECEIVED_AT).from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.OUT_TRADE_NO.eq(outTradeNo)).fetch()).hasSize(1);

		ConsoleSession support = session(Role.SUPPORT);
		List<Long> seen = new ArrayList<>();
		String next = "/notifications?outTradeNo=" + outTradeNo + "&account=wx2-md5&size=2";
		List<Integer> pageSizes = new ArrayList<>();
		while (next != null) {
			String html = support.get(next).body();
			List<Long> ids = ConsolePages.rowIds(html, "notification");
			pageSizes.add(ids.size());
			seen.addAll(ids);
			next = ConsolePages.href(html, "page-older");
		}
		assertThat(pageSizes).containsExactly(2, 2, 1);
		assertThat(seen).containsExactlyElementsOf(stored.reversed());

		String undecided = support.get("/notifications?outTradeNo=" + outTradeNo + "&verdict=APPLIED").body();
		assertThat(ConsolePages.rowIds(undecided, "notification")).isEmpty();
		String unknown = support.get("/notifications?outTradeNo=" + outTradeNo + "&verdict=UNKNOWN_ORDER").body();
		assertThat(ConsolePages.rowIds(unknown, "notification")).hasSize(5);
		String before = support.get("/notifications?outTradeNo=" + outTradeNo + "&to=2001-01-01T00:00:00").body();
		assertThat(ConsolePages.rowIds(before, "notification")).isEmpty();
	}

	@Test
	void anAdminReprocessesAStoredNotificationAndSeesTheNewVerdict() {
		String outTradeNo = TestData.outTradeNo();
		http.post("/notify/wechatpay-v2/wx2-md5", "text/xml", Notifications.v2Paid(outTradeNo, 250, TestData.transactionId()));
		long id = rawIdFor(outTradeNo).get(0);
		TestUser admin = testUsers.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin);
		assertThat(ConsolePages.text(session.get("/notifications/" + id).body(), "verdict")).contains("UNKNOWN_ORDER");

		pendingOrder(outTradeNo, 250); // the order arrives late
		HttpResponse<String> posted = session.post("/notifications/" + id + "/reprocess", Map.of());
		assertThat(posted.statusCode()).isEqualTo(302);
		String page = session.get("/notifications/" + id).body();
		assertThat(ConsolePages.text(page, "flash-message")).startsWith("Reprocessed: verdict APPLIED");
		assertThat(ConsolePages.text(page, "verdict")).contains("APPLIED");
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()),
				AUDIT_ENTRY.ACTION.eq("NOTIFICATION_REPROCESSED"), AUDIT_ENTRY.TARGET.eq("notification:" + id),
				AUDIT_ENTRY.DETAILS.startsWith("verdict APPLIED")))
			.isEqualTo(1);
		// support sees the page but no button, and cannot post it
		ConsoleSession support = session(Role.SUPPORT);
		String supportPage = support.get("/notifications/" + id).body();
		assertThat(supportPage).doesNotContain("id=\"reprocess\"");
		assertThat(page).contains("id=\"reprocess\"");
		assertThat(support.post("/notifications/" + id + "/reprocess", Map.of()).statusCode()).isEqualTo(403);
	}

	private void pendingOrder(String outTradeNo, long fen) {
		orderService.create(new CreateOrder("wx2-md5", outTradeNo, Fen.of(fen), "CNY", "console test", null),
				Cause.api("test", "set-up"));
	}

	private List<Long> rawIdFor(String outTradeNo) {
		return dsl.select(RAW_NOTIFICATION.ID)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.OUT_TRADE_NO.eq(outTradeNo))
			.orderBy(RAW_NOTIFICATION.ID)
			.fetch(RAW_NOTIFICATION.ID);
	}

	private ConsoleSession session(Role role) {
		TestUser user = testUsers.create(role);
		return new ConsoleSession(port).loggedInAs(user);
	}
}
