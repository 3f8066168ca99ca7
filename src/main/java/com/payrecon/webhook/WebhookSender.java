package com.payrecon.webhook;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * One signed POST to one endpoint, bounded in time (the whole exchange is cancelled at {@code timeout}), through the
 * {@link EgressGuard} (the connection goes to the addresses it checked), redirects not followed unless configured
 * (then each hop is checked too). Never throws: every way it can end is an {@link AttemptOutcome}.
 */
final class WebhookSender implements AutoCloseable {

	static final String USER_AGENT = "PayRecon-Webhooks/1";

	/** What happened: the outcome, the HTTP status if any, how long it took, what was answered or went wrong. */
	record Result(AttemptOutcome outcome, Integer status, long millis, String excerpt, String error,
			Duration retryAfter) {
	}

	private final CloseableHttpClient client;
	private final EgressGuard guard;
	private final Duration timeout;
	private final int excerpt;
	private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
			Thread.ofPlatform().daemon().name("webhook-deadlines").factory());

	WebhookSender(EgressGuard guard, DeliveryProperties properties) {
		this.guard = guard;
		this.timeout = properties.timeout();
		this.excerpt = properties.responseExcerpt();
		var connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setDnsResolver(guard)
			.setMaxConnTotal(Math.max(4, properties.concurrency() * 2))
			.setMaxConnPerRoute(Math.max(2, properties.concurrency()))
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(Timeout.of(properties.connectTimeout()))
				.setSocketTimeout(Timeout.of(properties.timeout()))
				// a kept-alive connection goes to an address checked when it was opened, never older than this
				.setTimeToLive(TimeValue.ofSeconds(30))
				.setValidateAfterInactivity(TimeValue.ofSeconds(2))
				.build())
			.build();
		var requests = RequestConfig.custom()
			.setResponseTimeout(Timeout.of(properties.timeout()))
			.setConnectionRequestTimeout(Timeout.of(properties.timeout()))
			.setRedirectsEnabled(properties.followRedirects())
			.setMaxRedirects(properties.maxRedirects())
			.setCircularRedirectsAllowed(false)
			.build();
		var builder = HttpClients.custom()
			.setConnectionManager(connections)
			.setDefaultRequestConfig(requests)
			.disableAutomaticRetries()
			.disableCookieManagement()
			.disableAuthCaching()
			.setUserAgent(USER_AGENT);
		if (properties.followRedirects()) {
			builder.setRedirectStrategy(new CheckedRedirects(guard));
		}
		else {
			builder.disableRedirectHandling();
		}
		this.client = builder.build();
	}

	/** Posts {@code body} with the Standard Webhooks headers, signed with each key (current first). */
	Result send(String url, String eventId, long timestamp, byte[] body, List<byte[]> keys) {
		long start = System.nanoTime();
		var problem = guard.urlProblem(url);
		if (problem.isPresent()) {
			return new Result(AttemptOutcome.REFUSED_ADDRESS, null, 0, null, "URL " + problem.get(), null);
		}
		HttpPost post = new HttpPost(URI.create(url));
		post.setHeader("webhook-id", eventId);
		post.setHeader("webhook-timestamp", Long.toString(timestamp));
		post.setHeader("webhook-signature", WebhookSignature.header(keys, eventId, timestamp, body));
		post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
		ScheduledFuture<?> deadline = deadlines.schedule(() -> post.cancel(), timeout.toMillis(), TimeUnit.MILLISECONDS);
		try {
			return client.execute(post, response -> {
				int status = response.getCode();
				String text = response.getEntity() == null ? null
						: EntityUtils.toString(response.getEntity(), excerpt);
				EntityUtils.consumeQuietly(response.getEntity());
				AttemptOutcome outcome = status / 100 == 2 ? AttemptOutcome.DELIVERED
						: status == 410 ? AttemptOutcome.GONE
						: status / 100 == 3 ? AttemptOutcome.REDIRECT : AttemptOutcome.HTTP_ERROR;
				return new Result(outcome, status, millis(start), clip(text), null, retryAfter(response, status));
			});
		}
		catch (EgressGuard.RefusedAddress ex) {
			return failure(AttemptOutcome.REFUSED_ADDRESS, start, ex);
		}
		catch (InterruptedIOException ex) { // SocketTimeoutException and ConnectTimeoutException included
			return failure(AttemptOutcome.TIMEOUT, start, ex);
		}
		catch (ConnectException | NoRouteToHostException | UnknownHostException ex) {
			return failure(AttemptOutcome.CONNECT_ERROR, start, ex);
		}
		catch (SSLException ex) {
			return failure(AttemptOutcome.TLS_ERROR, start, ex);
		}
		catch (ClientProtocolException ex) {
			if (ex.getCause() instanceof RefusedRedirect refused) {
				return new Result(AttemptOutcome.REFUSED_ADDRESS, null, millis(start), null, refused.getMessage(), null);
			}
			return failure(post.isCancelled() ? AttemptOutcome.TIMEOUT : AttemptOutcome.REDIRECT, start, ex);
		}
		catch (IOException | RuntimeException ex) {
			return failure(post.isCancelled() ? AttemptOutcome.TIMEOUT : AttemptOutcome.ERROR, start, ex);
		}
		finally {
			deadline.cancel(false);
		}
	}

	private static Result failure(AttemptOutcome outcome, long start, Exception ex) {
		String message = ex.getMessage() == null ? "" : ": " + ex.getMessage();
		return new Result(outcome, null, millis(start), null, clipError(ex.getClass().getSimpleName() + message), null);
	}

	private static long millis(long start) {
		return (System.nanoTime() - start) / 1_000_000;
	}

	private String clip(String text) {
		if (text == null) {
			return null;
		}
		String clean = text.replaceAll("\\p{Cntrl}", " ");
		return clean.length() > excerpt ? clean.substring(0, excerpt) : clean;
	}

	private static String clipError(String text) {
		String clean = text.replaceAll("\\p{Cntrl}", " ");
		return clean.length() > 500 ? clean.substring(0, 500) : clean;
	}

	/** {@code Retry-After} in seconds on 429 and 503 (honoured, within reason: at most a day). */
	private static Duration retryAfter(HttpResponse response, int status) {
		if (status != 429 && status != 503) {
			return null;
		}
		Header header = response.getFirstHeader("Retry-After");
		if (header == null) {
			return null;
		}
		try {
			long seconds = Long.parseLong(header.getValue().strip());
			return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 86_400));
		}
		catch (NumberFormatException ex) {
			return null; // an HTTP date: ignored, the schedule decides
		}
	}

	@Override
	public void close() throws IOException {
		deadlines.shutdownNow();
		client.close();
	}

	/** A redirect the guard refuses (wrong scheme or form); the address of every hop is checked by the resolver. */
	static final class RefusedRedirect extends ProtocolException {
		RefusedRedirect(String message) {
			super(message);
		}
	}

	/** Follows redirects like the default strategy, but only to URLs an endpoint could have. */
	private static final class CheckedRedirects extends DefaultRedirectStrategy {

		private final EgressGuard guard;

		CheckedRedirects(EgressGuard guard) {
			this.guard = guard;
		}

		@Override
		public URI getLocationURI(HttpRequest request, HttpResponse response, HttpContext context) throws HttpException {
			URI location = super.getLocationURI(request, response, context);
			var problem = guard.urlProblem(location.toString());
			if (problem.isPresent()) {
				throw new RefusedRedirect("redirect to " + location.getScheme() + "://" + location.getHost() + " refused: "
						+ problem.get());
			}
			return location;
		}
	}
}
