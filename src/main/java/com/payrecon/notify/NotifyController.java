package com.payrecon.notify;

import com.payrecon.account.Channel;
import com.payrecon.notify.ChannelVerifier.Reply;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The URLs providers post to. The body is read raw (never through request parameters), so that what is verified is
 * exactly what was stored.
 */
@Controller
class NotifyController {

	private final NotificationIntake intake;

	NotifyController(NotificationIntake intake) {
		this.intake = intake;
	}

	@PostMapping("/notify/wechatpay-v2/{accountId}")
	ResponseEntity<String> wechatV2(@PathVariable String accountId, HttpServletRequest request) {
		return answer(intake.receive(Channel.WECHATPAY_V2, RawRequest.NOTIFY, accountId, request).reply());
	}

	@PostMapping("/notify/wechatpay-v3/{accountId}")
	ResponseEntity<String> wechatV3(@PathVariable String accountId, HttpServletRequest request) {
		return answer(intake.receive(Channel.WECHATPAY_V3, RawRequest.NOTIFY, accountId, request).reply());
	}

	@PostMapping("/notify/alipay/{accountId}")
	ResponseEntity<String> alipay(@PathVariable String accountId, HttpServletRequest request) {
		return answer(intake.receive(Channel.ALIPAY, RawRequest.NOTIFY, accountId, request).reply());
	}

	/** Alipay's synchronous return_url: the payer's browser comes back. Recorded and verified, never trusted. */
	@GetMapping("/notify/alipay/{accountId}/return")
	String alipayReturn(@PathVariable String accountId, HttpServletRequest request, Model model) {
		NotificationProcessor.Outcome outcome = intake.receive(Channel.ALIPAY, RawRequest.RETURN, accountId, request);
		model.addAttribute("verified", outcome.verdict() == Verdict.RETURN_VERIFIED);
		return "notify/alipay-return";
	}

	private static ResponseEntity<String> answer(Reply reply) {
		ResponseEntity.BodyBuilder builder = ResponseEntity.status(reply.status());
		if (reply.contentType() != null) {
			builder.header(HttpHeaders.CONTENT_TYPE, reply.contentType());
		}
		return reply.body().isEmpty() ? builder.build() : builder.body(reply.body());
	}
}
