package com.payrecon.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.payrecon.account.AccountRegistry;
import com.payrecon.account.Channel;
import com.payrecon.notify.ChannelVerifier.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers a provider's notification straight from the servlet filter that read its body (issue 17), without the
 * general machinery every other URL goes through: Spring MVC's handler lookup, argument resolution and message
 * converters, the Spring Security filter chain (which on the notify URLs permitted everything and kept no session:
 * a notification authenticates by its signature), and the per-request observation. Those were about a quarter of the
 * notify path's CPU on two cores (docs/benchmarks.md, section 7).
 * <p>
 * Only the plain form is taken here: {@code POST /notify/<channel>/<account id>} with an id an account may have
 * ({@link AccountRegistry#isAccountId}). Anything else under {@code /notify/} (Alipay's return
 * URL, another method, an encoded or over-long segment, a trailing slash) goes on through the filter chain as before,
 * where Spring Security's firewall and {@link NotifyController} judge it. The answer is the channel's, exactly as the
 * controller sends it (status, content type, body; {@code NotifyEndpointIT}). Timed by {@link #METRIC}.
 */
final class NotifyEndpoint {

	/** Metric: time to answer a notification taken by this endpoint, by channel (the verdicts are counted by the intake). */
	static final String METRIC = "payrecon.notify.requests";

	private static final String PREFIX = "/notify/";

	private final NotificationIntake intake;
	private final Map<Channel, Timer> timers = new EnumMap<>(Channel.class);

	NotifyEndpoint(NotificationIntake intake, MeterRegistry meters) {
		this.intake = intake;
		for (Channel channel : Channel.values()) {
			timers.put(channel, Timer.builder(METRIC)
				.description("time to answer a provider's notification (read to answer written), by channel")
				.tag("channel", channel.wireName())
				.register(meters));
		}
	}

	/** The notification this request is, if it is one this endpoint answers; else null. */
	static Target target(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod())) {
			return null;
		}
		String uri = request.getRequestURI();
		int start = request.getContextPath().length();
		if (!uri.startsWith(PREFIX, start)) {
			return null;
		}
		int channelStart = start + PREFIX.length();
		int slash = uri.indexOf('/', channelStart);
		if (slash < 0) {
			return null;
		}
		String accountId = uri.substring(slash + 1);
		if (!AccountRegistry.isAccountId(accountId)) {
			return null;
		}
		return Channel.fromWire(uri.substring(channelStart, slash))
			.map(channel -> new Target(channel, accountId)).orElse(null);
	}

	/** A notification's channel and account, from its URL. */
	record Target(Channel channel, String accountId) {
	}

	/** Takes the request through the intake and writes the channel's answer. */
	void answer(Target target, HttpServletRequest request, HttpServletResponse response) throws IOException {
		long start = System.nanoTime();
		Reply reply = intake.receive(target.channel(), RawRequest.NOTIFY, target.accountId(), request).reply();
		write(reply, response);
		timers.get(target.channel()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
	}

	/** Writes a channel's answer: its status, content type and body (also {@link NotifyController}'s). */
	static void write(Reply reply, HttpServletResponse response) throws IOException {
		response.setStatus(reply.status());
		if (reply.body().isEmpty()) {
			response.setContentLength(0);
			return;
		}
		if (reply.contentType() != null) {
			response.setContentType(reply.contentType());
		}
		// every channel's answer is UTF-8: its content type says so, or it is JSON (UTF-8 by definition)
		byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}
}
