package com.payrecon.console;

import static com.payrecon.db.Tables.ACCOUNT_KEY;
import static com.payrecon.db.Tables.AUDIT_ENTRY;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;

import com.payrecon.account.AccountRegistry;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Admin → Accounts: replacing an account's key over real HTTP. The new key verifies notifications at once and the old
 * one no longer does; the key is stored encrypted, never shown back, never audited or logged. Account keys-wx2 is
 * used by no other test.
 */
@PayReconIT
@ExtendWith(OutputCaptureExtension.class)
class AccountKeysIT {

	static final String ACCOUNT = "keys-wx2";
	static final String OLD_KEY = Notifications.V2_MD5_KEY;

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	OrderService orders;

	@Autowired
	AccountRegistry registry;

	@Autowired
	DSLContext dsl;

	@Test
	void aReplacedKeyVerifiesNotificationsAtOnceAndTheOldOneNoLonger(CapturedOutput output) {
		assertThat(notifyPaid(OLD_KEY).statusCode()).as("before: the configured key").isEqualTo(200);
		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(admin.login(), admin.password()).csrfFrom("/admin/accounts");
		String newKey = randomKey();

		HttpResponse<String> replaced = session.post("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", newKey));

		assertThat(replaced.statusCode()).isEqualTo(302);
		assertThat(replaced.headers().firstValue("Location").orElseThrow()).endsWith("/admin/accounts");
		assertThat(notifyPaid(newKey).statusCode()).as("the new key").isEqualTo(200);
		assertThat(lastVerdict()).isEqualTo("APPLIED");
		assertThat(notifyPaid(OLD_KEY).statusCode()).as("the old key").isEqualTo(401);
		assertThat(lastVerdict()).isEqualTo("BAD_SIGNATURE");
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(newKey);

		String page = session.get("/admin/accounts").body();
		assertThat(page).contains("was replaced; it is in use now")
			.contains("id=\"replaced-" + ACCOUNT + "-api-key\"")
			.contains("by " + admin.login())
			.doesNotContain(newKey)
			.doesNotContain(OLD_KEY);
		// encrypted at rest: nonce + ciphertext + tag, not the key
		byte[] stored = dsl.select(ACCOUNT_KEY.CIPHERTEXT)
			.from(ACCOUNT_KEY)
			.where(ACCOUNT_KEY.ACCOUNT_ID.eq(ACCOUNT), ACCOUNT_KEY.KEY_NAME.eq("api-key"))
			.fetchOne(ACCOUNT_KEY.CIPHERTEXT);
		assertThat(stored).hasSize(12 + 32 + 16);
		assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(newKey);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()),
				AUDIT_ENTRY.ACTION.eq("ACCOUNT_KEY_REPLACED"), AUDIT_ENTRY.TARGET.eq("account:" + ACCOUNT + "/api-key"),
				AUDIT_ENTRY.OUTCOME.eq("SUCCESS")))
			.isEqualTo(1);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.DETAILS.contains(newKey).or(AUDIT_ENTRY.TARGET.contains(newKey))))
			.isZero();
		assertThat(output.getAll()).doesNotContain(newKey);

		// an invalid key is refused with a message that does not repeat it, and the key in use stays
		String bad = "short-" + randomKey().substring(0, 10);
		HttpResponse<String> refused = session.post("/admin/accounts/" + ACCOUNT + "/keys", Map.of("key", "api-key", "value", bad));
		assertThat(refused.statusCode()).isEqualTo(302);
		String after = session.get("/admin/accounts").body();
		assertThat(after).contains("API key: must be exactly 32 letters and digits").doesNotContain(bad);
		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(newKey);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.ACTOR.eq(admin.login()),
				AUDIT_ENTRY.ACTION.eq("ACCOUNT_KEY_REPLACED"), AUDIT_ENTRY.OUTCOME.eq("FAILURE")))
			.isEqualTo(1);
		assertThat(dsl.fetchCount(AUDIT_ENTRY, AUDIT_ENTRY.DETAILS.contains(bad))).isZero();
		assertThat(output.getAll()).doesNotContain(bad);
	}

	@Test
	void onlyAnAdminWithTheFormsTokenReplacesKeys() {
		String inUse = registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey();
		TestUser finance = users.create(Role.FINANCE);
		ConsoleSession financeSession = new ConsoleSession(port).loggedInAs(finance.login(), finance.password())
			.csrfFrom("/admin/accounts");
		String page = financeSession.get("/admin/accounts").body();
		assertThat(page).contains("id=\"account-" + ACCOUNT + "\"").doesNotContain("id=\"replace-" + ACCOUNT + "\"");
		assertThat(financeSession.post("/admin/accounts/" + ACCOUNT + "/keys", Map.of("key", "api-key", "value", randomKey()))
			.statusCode()).isEqualTo(403);

		TestUser admin = users.create(Role.ADMIN);
		ConsoleSession adminSession = new ConsoleSession(port).loggedInAs(admin.login(), admin.password());
		assertThat(adminSession.get("/admin/accounts").body()).contains("id=\"replace-" + ACCOUNT + "\"");
		assertThat(adminSession.postWithoutCsrf("/admin/accounts/" + ACCOUNT + "/keys",
				Map.of("key", "api-key", "value", randomKey())).statusCode()).isEqualTo(403);

		assertThat(registry.find(ACCOUNT).orElseThrow().wechatV2().apiKey()).isEqualTo(inUse);
	}

	private HttpResponse<String> notifyPaid(String key) {
		String outTradeNo = TestData.outTradeNo();
		orders.create(new CreateOrder(ACCOUNT, outTradeNo, Fen.of(321), "CNY", "key test", null), Cause.api("test", "set-up"));
		return new Http(port).post("/notify/wechatpay-v2/" + ACCOUNT, "text/xml",
				Notifications.v2Xml(Notifications.v2Fields(outTradeNo, 321, TestData.transactionId()), key, WechatSignType.MD5));
	}

	private String lastVerdict() {
		return dsl.select(RAW_NOTIFICATION.VERDICT)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq(ACCOUNT))
			.orderBy(RAW_NOTIFICATION.ID.desc())
			.limit(1)
			.fetchOne(RAW_NOTIFICATION.VERDICT);
	}

	private static String randomKey() {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		SecureRandom random = new SecureRandom();
		StringBuilder key = new StringBuilder(32);
		for (int i = 0; i < 32; i++) {
			key.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return key.toString();
	}
}
