package com.payrecon.console;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;

import java.net.http.HttpResponse;

import com.payrecon.notify.Notifications;
import com.payrecon.order.Cause;
import com.payrecon.order.OrderService;
import com.payrecon.order.OrderService.CreateOrder;
import com.payrecon.crypto.WechatSignType;
import com.payrecon.support.Http;
import com.payrecon.support.TestData;
import com.payrecon.support.money.Fen;
import org.jooq.DSLContext;

import org.springframework.stereotype.Component;

/** Which key an account believes: a fresh order paid by a v2 notification signed with a given key, and its verdict. */
@Component
public class KeyChecks {

	private final OrderService orders;
	private final DSLContext dsl;

	KeyChecks(OrderService orders, DSLContext dsl) {
		this.orders = orders;
		this.dsl = dsl;
	}

	/** 200 when the account verifies {@code key}, 401 when it does not. */
	public HttpResponse<String> notifyV2Paid(int port, String account, String key) {
		String outTradeNo = TestData.outTradeNo();
		orders.create(new CreateOrder(account, outTradeNo, Fen.of(321), "CNY", "key test", null), Cause.api("test", "set-up"));
		return new Http(port).post("/notify/wechatpay-v2/" + account, "text/xml",
				Notifications.v2Xml(Notifications.v2Fields(outTradeNo, 321, TestData.transactionId()), key, WechatSignType.MD5));
	}

	/** The verdict of the account's latest notification. */
	public String lastVerdict(String account) {
		return dsl.select(RAW_NOTIFICATION.VERDICT)
			.from(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.ACCOUNT_ID.eq(account))
			.orderBy(RAW_NOTIFICATION.ID.desc())
			.limit(1)
			.fetchOne(RAW_NOTIFICATION.VERDICT);
	}
}
