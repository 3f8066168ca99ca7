package com.payrecon.provider;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

import com.payrecon.account.Account;
import com.payrecon.account.ClientCertificate;
import com.payrecon.support.db.DatabaseTransactions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The HTTP side shared by the provider clients: one JDK {@link HttpClient} (connect timeout, no redirects), a
 * deadline on each whole exchange, capped bodies, bounded retries with exponential backoff and jitter for transient
 * failures only, a token-bucket rate limit per account, and a {@code payrecon.provider.calls} observation per call
 * (a timer tagged channel/operation/outcome wherever a Micrometer meter registry is present).
 */
@Component
public class ProviderClient implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ProviderClient.class);

	public static final String METRIC = "payrecon.provider.calls";

	/** The providers' own API and bill hosts (protocols.md A.1, B.7, C.1, C.6). */
	static final Set<String> PROVIDER_HOSTS = Set.of("api.mch.weixin.qq.com", "api2.mch.weixin.qq.com",
			"openapi.alipay.com", "openapi.alipaydev.com", "dwbillcenter.alipay.com");

	/** Alipay hands out plain-http bill URLs on this host (protocols.md C.6); every other provider host is https. */
	static final String ALIPAY_HTTP_BILL_HOST = "dwbillcenter.alipay.com";

	private final ProviderProperties properties;
	private final ObservationRegistry observations;
	private final ProviderTls tls;
	private final HttpClient http;
	private final ExecutorService bodyReaders = Executors.newVirtualThreadPerTaskExecutor();
	private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
	private final Map<String, CertifiedClient> certified = new ConcurrentHashMap<>();

	@Autowired
	public ProviderClient(ProviderProperties properties, ObjectProvider<ObservationRegistry> observations,
			ProviderTlsProperties tls) {
		this(properties, observations.getIfAvailable(() -> ObservationRegistry.NOOP), ProviderTls.of(tls));
	}

	public ProviderClient(ProviderProperties properties, ObservationRegistry observations) {
		this(properties, observations, ProviderTls.of(new ProviderTlsProperties(java.util.List.of())));
	}

	ProviderClient(ProviderProperties properties, ObservationRegistry observations, ProviderTls tls) {
		this.properties = properties;
		this.observations = observations;
		this.tls = tls;
		this.http = httpClient(tls.context(null));
	}

	private HttpClient httpClient(javax.net.ssl.SSLContext context) {
		return HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.sslContext(context)
			.build();
	}

	public ProviderProperties properties() {
		return properties;
	}

	/** A response read completely (at most {@code max-response-size} bytes). */
	public record Reply(int status, HttpHeaders headers, byte[] body) {

		public String header(String name) {
			return headers.firstValue(name).orElse(null);
		}
	}

	/** A response whose body is still to be read; close it. */
	public record Streamed(int status, HttpHeaders headers, InputStream body) implements AutoCloseable {
		@Override
		public void close() throws IOException {
			body.close();
		}
	}

	/** How one attempt ended: the metric tag and whether another attempt may help. */
	public record Outcome(String tag, boolean transientFailure) {
	}

	/**
	 * One exchange under the read-timeout deadline, body included.
	 * @throws HttpTimeoutException when the deadline passes (also for a slow body)
	 * @throws ResponseTooLargeException when the body exceeds {@code max-response-size}
	 */
	public Reply exchange(HttpRequest request) throws IOException {
		return exchange(http, request);
	}

	/**
	 * <b>The API for certificate-protected calls</b> (WeChat Pay v2 {@code secapi/pay/reverse},
	 * {@code secapi/pay/refund}; protocols-refunds-credentials.md A.3): {@link #exchange} over a TLS context that
	 * presents the account's client certificate ({@code payrecon.accounts[].client-certificate}). Each account has
	 * its own context, built on first use and rebuilt when its certificate changes; no other call and no other
	 * account ever presents it. Without a configured certificate the request goes without one (the built-in sandbox
	 * and test fakes accept that unless told otherwise; the real WeChat refuses it with an HTTP 400). See
	 * docs/credentials.md.
	 */
	public Reply exchangeWithClientCertificate(Account account, HttpRequest request) throws IOException {
		return exchange(clientFor(account), request);
	}

	private HttpClient clientFor(Account account) {
		ClientCertificate certificate = account.certificates().clientCertificate();
		if (certificate == null) {
			return http;
		}
		CertifiedClient current = certified.compute(account.id(),
				(id, existing) -> existing != null && existing.certificate() == certificate ? existing
						: new CertifiedClient(certificate, httpClient(tls.context(certificate.keyManagers()))));
		return current.client();
	}

	private record CertifiedClient(ClientCertificate certificate, HttpClient client) {
	}

	private Reply exchange(HttpClient client, HttpRequest request) throws IOException {
		long deadline = System.nanoTime() + properties.readTimeout().toNanos();
		HttpResponse<InputStream> response = awaitHeaders(client, request, deadline);
		long max = properties.maxResponseSize().toBytes();
		InputStream in = response.body();
		Future<byte[]> body = bodyReaders.submit(() -> in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1)));
		try {
			byte[] bytes = body.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (bytes.length > max) {
				throw new ResponseTooLargeException("response body larger than " + max + " bytes");
			}
			return new Reply(response.statusCode(), response.headers(), bytes);
		}
		catch (TimeoutException ex) {
			body.cancel(true);
			throw new HttpTimeoutException("response body not received within " + properties.readTimeout());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		catch (ExecutionException ex) {
			throw ex.getCause() instanceof IOException io ? io : new IOException("reading the response failed");
		}
		finally {
			in.close();
		}
	}

	/**
	 * A streamed download (bills): the headers under the read-timeout deadline, then a body capped at
	 * {@code max-bill-size}. Redirects are never followed (a 3xx is returned as it is).
	 */
	public Streamed download(HttpRequest request) throws IOException {
		long deadline = System.nanoTime() + properties.readTimeout().toNanos();
		HttpResponse<InputStream> response = awaitHeaders(http, request, deadline);
		return new Streamed(response.statusCode(), response.headers(),
				new CappedInputStream(response.body(), properties.maxBillSize().toBytes()));
	}

	private HttpResponse<InputStream> awaitHeaders(HttpClient client, HttpRequest request, long deadline)
			throws IOException {
		CompletableFuture<HttpResponse<InputStream>> future = client.sendAsync(request,
				HttpResponse.BodyHandlers.ofInputStream());
		try {
			return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new HttpTimeoutException("no response within " + properties.readTimeout());
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new IOException("interrupted");
		}
		catch (ExecutionException ex) {
			throw ex.getCause() instanceof IOException io ? io : new IOException("request failed");
		}
	}

	/** A request builder with the per-exchange timeout set. */
	public HttpRequest.Builder request(URI uri) {
		return HttpRequest.newBuilder(uri).timeout(properties.readTimeout());
	}

	/**
	 * Runs {@code attempt} under the account's rate limit, again (with backoff and jitter) while {@code classify}
	 * calls the result transient and attempts remain, and records one observation for the whole call.
	 */
	public <T> T call(Account account, String operation, Supplier<T> attempt, Function<T, Outcome> classify) {
		// a provider call inside a transaction holds row locks for a network round trip (seconds, retries included)
		DatabaseTransactions.refuseInside("a call to the provider (" + operation + ")");
		Observation observation = Observation.createNotStarted(METRIC, observations)
			.lowCardinalityKeyValue("channel", account.channel().wireName())
			.lowCardinalityKeyValue("operation", operation)
			.start();
		try {
			T result = null;
			Outcome outcome = null;
			for (int n = 1; n <= properties.maxAttempts(); n++) {
				if (n > 1) {
					sleep(backoff(n - 1));
				}
				throttle(account);
				result = attempt.get();
				outcome = classify.apply(result);
				if (!outcome.transientFailure()) {
					break;
				}
				log.info("{} {} for account {}: transient failure {} (attempt {}/{})", account.channel().wireName(),
						operation, account.id(), outcome.tag(), n, properties.maxAttempts());
			}
			observation.lowCardinalityKeyValue("outcome", outcome.tag());
			return result;
		}
		catch (RuntimeException ex) {
			observation.lowCardinalityKeyValue("outcome", "exception");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	/** Pause before retry {@code retry} (1-based): initial × 2^(retry-1), capped, "equal jitter" (half fixed, half random). */
	long backoff(int retry) {
		long base = properties.initialBackoff().toMillis();
		long capped = Math.min(properties.maxBackoff().toMillis(), base << Math.min(20, retry - 1));
		long half = capped / 2;
		return half + ThreadLocalRandom.current().nextLong(half + 1);
	}

	private void throttle(Account account) {
		TokenBucket bucket = buckets.computeIfAbsent(account.id(),
				id -> new TokenBucket(properties.rateLimitPerSecond(), System.nanoTime()));
		long waitNanos = bucket.reserve(System.nanoTime());
		if (waitNanos > 0) {
			sleep(TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting to call the provider");
		}
	}

	/**
	 * The error code for a failed exchange: TIMEOUT, RESPONSE_TOO_LARGE, TLS_HANDSHAKE (the server's certificate is
	 * not trusted, or the server refused ours: another attempt cannot help) or IO_ERROR.
	 */
	public static String errorCode(IOException ex) {
		if (ex instanceof HttpConnectTimeoutException || ex instanceof HttpTimeoutException) {
			return "TIMEOUT";
		}
		if (ex instanceof ResponseTooLargeException) {
			return "RESPONSE_TOO_LARGE";
		}
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof javax.net.ssl.SSLHandshakeException) {
				return "TLS_HANDSHAKE";
			}
		}
		return "IO_ERROR";
	}

	/** Codes worth another attempt: the providers' "system busy" answers, HTTP 5xx, timeouts and I/O errors. */
	public static boolean isTransient(String code) {
		return code != null && (code.equals("SYSTEMERROR") || code.equals("SYSTEM_ERROR") || code.equals("ACQ.SYSTEM_ERROR")
				|| code.equals("20000") || code.equals("TIMEOUT") || code.equals("IO_ERROR") || code.startsWith("HTTP_5"));
	}

	/** The default classification of an answer: its status as the tag, transient per {@link #isTransient}. */
	public static Outcome classify(ProviderAnswer answer) {
		return new Outcome(answer.status().name().toLowerCase(Locale.ROOT),
				answer.status() == ProviderAnswer.Status.ERROR && isTransient(answer.errorCode()));
	}

	/**
	 * Threat case O1: a bill download URL must be https on a provider host, or on the account's own base-url host
	 * (same scheme and port: the sandbox and test fakes), or on a configured {@code bill-hosts} entry (https);
	 * Alipay's plain-http bill host is accepted as Alipay issues it. No user info, nothing else.
	 * @throws RefusedUrlException before any connection is made
	 */
	public URI checkBillUrl(Account account, String url) {
		URI uri;
		try {
			uri = URI.create(url);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new RefusedUrlException("bill URL is not a URI");
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
		if (uri.getRawUserInfo() != null || host.isEmpty() || !uri.isAbsolute()) {
			throw new RefusedUrlException("bill URL without a plain host");
		}
		URI base = account.baseUrl();
		if (base != null && host.equalsIgnoreCase(base.getHost()) && scheme.equalsIgnoreCase(base.getScheme())
				&& port(uri) == port(base)) {
			return uri;
		}
		boolean known = PROVIDER_HOSTS.contains(host)
				|| properties.billHosts().stream().anyMatch(h -> h.equalsIgnoreCase(host));
		if (known && scheme.equals("https") && port(uri) == 443) {
			return uri;
		}
		if (host.equals(ALIPAY_HTTP_BILL_HOST) && scheme.equals("http") && port(uri) == 80) {
			return uri;
		}
		throw new RefusedUrlException("bill URL host or scheme is not allowed: " + scheme + "://" + host);
	}

	private static int port(URI uri) {
		if (uri.getPort() >= 0) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
	}

	@Override
	public void close() {
		bodyReaders.shutdownNow();
		http.close();
		certified.values().forEach(c -> c.client().close());
	}

	/** A body larger than its cap. */
	public static class ResponseTooLargeException extends IOException {
		public ResponseTooLargeException(String message) {
			super(message);
		}
	}

	/** A URL outside the allow-list (threat case O1). */
	public static class RefusedUrlException extends RuntimeException {
		public RefusedUrlException(String message) {
			super(message);
		}
	}

	/** Fails the read once more than {@code max} bytes have come through (bill size caps, gzip bombs). */
	public static final class CappedInputStream extends FilterInputStream {

		private final long max;
		private long count;

		public CappedInputStream(InputStream in, long max) {
			super(in);
			this.max = max;
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = super.read(b, off, len);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			long skipped = super.skip(n);
			count(skipped);
			return skipped;
		}

		@Override
		public boolean markSupported() {
			return false;
		}

		private void count(long n) throws IOException {
			count += n;
			if (count > max) {
				throw new ResponseTooLargeException("more than " + max + " bytes");
			}
		}
	}
}
