package com.payrecon.notify;

import static com.payrecon.db.Tables.PROVIDER_NOTIFICATION;
import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import com.payrecon.console.ConsolePages;
import com.payrecon.console.ConsoleSession;
import com.payrecon.console.ConsoleTestUsers;
import com.payrecon.console.ConsoleTestUsers.TestUser;
import com.payrecon.db.tables.records.RawNotificationRecord;
import com.payrecon.order.OrderStatus;
import com.payrecon.order.PaymentOrder;
import com.payrecon.security.Role;
import com.payrecon.support.TestData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 12 §2: a notification first answered UNKNOWN_ORDER (the order did not exist yet) is applied when an admin
 * re-processes it once the order exists, on every channel, through the console's reprocess button (the only caller
 * of {@link NotificationReprocessor}); a real re-delivery or a second re-processing of it stays a DUPLICATE.
 */
class ReprocessAfterUnknownOrderIT extends NotifyTestSupport {

	@Autowired
	ConsoleTestUsers testUsers;

	@Test
	void aWechatV2NotificationForAnOrderCreatedLaterIsAppliedByReprocessing() {
		String no = TestData.outTradeNo();
		String xml = Notifications.v2Paid(no, 300, TestData.transactionId());
		reprocessAppliesAndRedeliveryIsDuplicate("wx2-md5", no, 300, () -> postV2("wx2-md5", xml));
	}

	@Test
	void aWechatV3NotificationForAnOrderCreatedLaterIsAppliedByReprocessing() {
		String no = TestData.outTradeNo();
		Notifications.V3Delivery delivery = Notifications.v3Paid(no, 300, TestData.transactionId(), Instant.now());
		reprocessAppliesAndRedeliveryIsDuplicate("wx3", no, 300, () -> postV3("wx3", delivery));
	}

	@Test
	void anAlipayNotificationForAnOrderCreatedLaterIsAppliedByReprocessing() {
		String no = TestData.outTradeNo();
		byte[] form = Notifications.alipayPaid(no, "3.00", TestData.transactionId());
		reprocessAppliesAndRedeliveryIsDuplicate("ali", no, 300, () -> postAlipay("ali", form));
	}

	@Test
	void aLatePaymentRedeliveredIsADuplicateAndFlagsTheOrderOnce() {
		String no = TestData.outTradeNo();
		PaymentOrder order = pendingOrder("wx3", no, 300);
		orderService.transition("wx3", no, OrderStatus.CLOSED, com.payrecon.order.Cause.api("test", "closed"));
		Notifications.V3Delivery delivery = Notifications.v3Paid(no, 300, TestData.transactionId(), Instant.now());

		postV3("wx3", delivery);
		long first = lastRaw("wx3").getId();
		assertThat(verdictOf(first)).isEqualTo("LATE_PAYMENT");
		postV3("wx3", delivery);
		assertThat(rawSince(order, first)).extracting(RawNotificationRecord::getVerdict).containsExactly("DUPLICATE");
		admin().post("/notifications/" + first + "/reprocess", Map.of());

		assertThat(verdictOf(first)).isEqualTo("DUPLICATE");
		assertThat(events(order)).filteredOn(e -> "LATE_PAYMENT".equals(e.eventType())).hasSize(1);
	}

	private void reprocessAppliesAndRedeliveryIsDuplicate(String account, String no, long fen,
			Supplier<HttpResponse<String>> deliver) {
		assertThat(deliver.get().statusCode()).isIn(200, 204);
		long rawId = lastRaw(account).getId();
		assertThat(verdictOf(rawId)).isEqualTo("UNKNOWN_ORDER");

		PaymentOrder order = pendingOrder(account, no, fen); // the order arrives late
		ConsoleSession admin = admin();
		assertThat(admin.post("/notifications/" + rawId + "/reprocess", Map.of()).statusCode()).isEqualTo(302);

		assertThat(ConsolePages.text(admin.get("/notifications/" + rawId).body(), "flash-message"))
			.startsWith("Reprocessed: verdict APPLIED");
		assertThat(verdictOf(rawId)).isEqualTo("APPLIED");
		assertThat(statusOf(account, no)).isEqualTo("PAID");
		assertThat(events(order).get(1).rawNotificationId()).isEqualTo(rawId);

		// a real duplicate: the provider delivers it again, an admin re-processes it again
		assertThat(deliver.get().statusCode()).isIn(200, 204);
		long again = lastRaw(account).getId();
		admin.post("/notifications/" + rawId + "/reprocess", Map.of());
		assertThat(verdictOf(again)).isEqualTo("DUPLICATE");
		assertThat(verdictOf(rawId)).isEqualTo("DUPLICATE");
		assertThat(paidTransitions(order)).isEqualTo(1);
		String notifyId = dsl.select(RAW_NOTIFICATION.PROVIDER_NOTIFY_ID).from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ID.eq(rawId)).fetchOne(RAW_NOTIFICATION.PROVIDER_NOTIFY_ID);
		if (notifyId != null) { // v3 and Alipay: the id is now on record as applied, by the row that applied it
			var recorded = dsl.selectFrom(PROVIDER_NOTIFICATION)
				.where(PROVIDER_NOTIFICATION.ACCOUNT_ID.eq(account), PROVIDER_NOTIFICATION.PROVIDER_NOTIFY_ID.eq(notifyId))
				.fetchOne();
			assertThat(recorded.getVerdict()).isEqualTo("APPLIED");
			assertThat(recorded.getRawNotificationId()).isEqualTo(rawId);
		}
	}

	private String verdictOf(long rawId) {
		return dsl.select(RAW_NOTIFICATION.VERDICT).from(RAW_NOTIFICATION).where(RAW_NOTIFICATION.ID.eq(rawId))
			.fetchOne(RAW_NOTIFICATION.VERDICT);
	}

	private ConsoleSession admin() {
		TestUser admin = testUsers.create(Role.ADMIN);
		return new ConsoleSession(port).loggedInAs(admin).csrfFrom("/notifications");
	}
}
