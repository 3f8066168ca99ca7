package com.payrecon.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.payrecon.account.Channel;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

/** Which requests the notify endpoint answers itself (the rest go on through the filter chain: NotifyEndpointIT). */
class NotifyEndpointTests {

	private static NotifyEndpoint.Target target(String method, String contextPath, String uri) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
		request.setContextPath(contextPath);
		return NotifyEndpoint.target(request);
	}

	@Test
	void thePlainFormOfEachChannel() {
		assertThat(target("POST", "", "/notify/wechatpay-v2/wx2-md5"))
			.isEqualTo(new NotifyEndpoint.Target(Channel.WECHATPAY_V2, "wx2-md5"));
		assertThat(target("POST", "", "/notify/wechatpay-v3/wx3")).isEqualTo(new NotifyEndpoint.Target(Channel.WECHATPAY_V3, "wx3"));
		assertThat(target("POST", "", "/notify/alipay/A_b-9")).isEqualTo(new NotifyEndpoint.Target(Channel.ALIPAY, "A_b-9"));
		assertThat(target("POST", "/pay", "/pay/notify/alipay/ali")).isEqualTo(new NotifyEndpoint.Target(Channel.ALIPAY, "ali"));
		assertThat(target("POST", "", "/notify/alipay/" + "a".repeat(64))).isNotNull();
	}

	@Test
	void everythingElseIsLeftToTheChain() {
		for (String uri : new String[] { "/notify/alipay/ali/return", "/notify/alipay/ali/", "/notify/alipay/",
				"/notify/alipay", "/notify/alipay/ali;jsessionid=1", "/notify/alipay/a%2Db", "/notify/alipay/a.b",
				"/notify/alipay/" + "a".repeat(65), "/notify/wechatpay-v4/x", "/notify/wechatpay/x", "/notify//x",
				"/notify/ALIPAY/ali", "/notifyx/alipay/ali", "/api/notify/alipay/ali", "/notify/alipay/订单" }) {
			assertThat(target("POST", "", uri)).as(uri).isNull();
		}
		assertThat(target("GET", "", "/notify/alipay/ali")).isNull();
		assertThat(target("PUT", "", "/notify/alipay/ali")).isNull();
		assertThat(target("POST", "/pay", "/notify/alipay/ali")).isNull();
	}
}
