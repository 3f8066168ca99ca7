package com.payrecon.notify;

import java.io.IOException;

import com.payrecon.account.Channel;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The URLs providers post to, for what {@link NotifyEndpoint} does not answer itself (the return URL, and
 * notifications whose URL is not in its plain form). The body is read raw (never through request parameters), so
 * that what is verified is exactly what was stored.
 */
@Controller
class NotifyController {

	private final NotificationIntake intake;

	NotifyController(NotificationIntake intake) {
		this.intake = intake;
	}

	@PostMapping("/notify/wechatpay-v2/{accountId}")
	void wechatV2(@PathVariable String accountId, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		NotifyEndpoint.write(intake.receive(Channel.WECHATPAY_V2, RawRequest.NOTIFY, accountId, request).reply(), response);
	}

	@PostMapping("/notify/wechatpay-v3/{accountId}")
	void wechatV3(@PathVariable String accountId, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		NotifyEndpoint.write(intake.receive(Channel.WECHATPAY_V3, RawRequest.NOTIFY, accountId, request).reply(), response);
	}

	@PostMapping("/notify/alipay/{accountId}")
	void alipay(@PathVariable String accountId, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		NotifyEndpoint.write(intake.receive(Channel.ALIPAY, RawRequest.NOTIFY, accountId, request).reply(), response);
	}

	/** Alipay's synchronous return_url: the payer's browser comes back. Recorded and verified, never trusted. */
	@GetMapping("/notify/alipay/{accountId}/return")
	String alipayReturn(@PathVariable String accountId, HttpServletRequest request, Model model) {
		NotificationProcessor.Outcome outcome = intake.receive(Channel.ALIPAY, RawRequest.RETURN, accountId, request);
		model.addAttribute("verified", outcome.verdict() == Verdict.RETURN_VERIFIED);
		return "notify/alipay-return";
	}
}
