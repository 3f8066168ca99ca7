package com.payrecon.console;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One browser-like console session over real HTTP: keeps its cookies, does not follow redirects (tests look at
 * them), and takes the CSRF token from the last page that carried one.
 */
public final class ConsoleSession {

	public static final String SECOND_FACTOR = "/login/second-factor";
	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

	private final int port;
	private final CookieManager cookies = new CookieManager();
	private final HttpClient client;
	private final String forwardedFor;
	private String csrf;
	private String acceptLanguage;

	public ConsoleSession(int port) {
		this(port, null);
	}

	/**
	 * A session whose requests come from {@code clientAddress} as a proxy on this host tells it
	 * ({@code X-Forwarded-For}; loopback is the trusted proxy), for tests of per-address rules.
	 */
	public ConsoleSession(int port, String clientAddress) {
		this.port = port;
		this.forwardedFor = clientAddress;
		this.client = HttpClient.newBuilder()
			.cookieHandler(cookies)
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	/** Sends {@code Accept-Language} with every request from now on (none by default: English). */
	public ConsoleSession acceptLanguage(String value) {
		this.acceptLanguage = value;
		return this;
	}

	/** Logs in through the login form; returns the answer to the POST (a redirect). */
	public HttpResponse<String> login(String login, String password) {
		get("/login");
		return post("/login", Map.of("username", login, "password", password));
	}

	/** Logs in with a password only and fails the test unless the login was accepted (users without a second factor). */
	public ConsoleSession loggedInAs(String login, String password) {
		HttpResponse<String> response = login(login, password);
		String location = response.headers().firstValue("Location").orElse("");
		if (response.statusCode() != 302 || location.contains("/login")) {
			throw new AssertionError("login of " + login + " refused: " + response.statusCode() + " " + location);
		}
		return this;
	}

	/**
	 * Signs a test user in as a person would: the password, then (for a user with a second factor) a TOTP code from
	 * the user's authenticator; fails the test unless both were accepted.
	 */
	public ConsoleSession loggedInAs(ConsoleTestUsers.TestUser user) {
		HttpResponse<String> response = login(user);
		String location = response.headers().firstValue("Location").orElse("");
		if (response.statusCode() != 302 || location.contains("/login")) {
			throw new AssertionError("login of " + user.login() + " refused: " + response.statusCode() + " " + location);
		}
		return this;
	}

	/** The password, then the second factor if one is asked for; the last answer. */
	public HttpResponse<String> login(ConsoleTestUsers.TestUser user) {
		HttpResponse<String> response = login(user.login(), user.password());
		if (!response.headers().firstValue("Location").orElse("").endsWith(SECOND_FACTOR)) {
			return response;
		}
		if (user.authenticator() == null) {
			throw new AssertionError(user.login() + " is asked for a second factor but has none");
		}
		return secondFactor(user.authenticator().nextCode());
	}

	/** Answers the second-factor page with a code (or a recovery code). */
	public HttpResponse<String> secondFactor(String code) {
		get(SECOND_FACTOR);
		return post(SECOND_FACTOR, Map.of("code", code));
	}

	public HttpResponse<String> get(String path) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
		rememberCsrf(response.body());
		return response;
	}

	/** What {@link #timedGet} read: the status and the body's length in bytes. */
	public record Read(int status, long bytes) {
	}

	/**
	 * A GET whose body is read to its end through a small buffer and counted, not kept (benchmarks: a page of a few
	 * hundred KB decoded into a String is a humongous allocation for G1 at each request, whose collections would pause
	 * the server in the same JVM).
	 */
	public Read timedGet(String path) {
		HttpResponse<java.io.InputStream> response = send(HttpRequest.newBuilder(uri(path)).GET(),
				HttpResponse.BodyHandlers.ofInputStream());
		long bytes = 0;
		byte[] buffer = new byte[16 * 1024];
		try (java.io.InputStream in = response.body()) {
			for (int n; (n = in.read(buffer)) >= 0;) {
				bytes += n;
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return new Read(response.statusCode(), bytes);
	}

	/** A GET with extra request headers (e.g. Accept-Language). */
	public HttpResponse<String> get(String path, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
		headers.forEach(request::header);
		HttpResponse<String> response = send(request);
		rememberCsrf(response.body());
		return response;
	}

	/** A GET with the {@code Accept} header a browser sends for a page. */
	public HttpResponse<String> browse(String path) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
			.header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
			.GET());
		rememberCsrf(response.body());
		return response;
	}

	/** A form POST with the session's CSRF token. */
	public HttpResponse<String> post(String path, Map<String, String> form) {
		Map<String, String> withToken = new LinkedHashMap<>(form);
		if (csrf != null) {
			withToken.put("_csrf", csrf);
		}
		return postRaw(path, withToken);
	}

	/** A form POST without any CSRF token, as a cross-site form would send it. */
	public HttpResponse<String> postWithoutCsrf(String path, Map<String, String> form) {
		return postRaw(path, form);
	}

	/** Refreshes the CSRF token from a page (the token changes at login). */
	public ConsoleSession csrfFrom(String path) {
		get(path);
		return this;
	}

	public Optional<String> sessionId() {
		return cookies.getCookieStore()
			.get(URI.create("http://127.0.0.1:" + port + "/"))
			.stream()
			.filter(c -> c.getName().equals("JSESSIONID"))
			.map(HttpCookie::getValue)
			.findFirst();
	}

	private HttpResponse<String> postRaw(String path, Map<String, String> form) {
		String body = form.entrySet()
			.stream()
			.map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
			.collect(Collectors.joining("&"));
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		rememberCsrf(response.body());
		return response;
	}

	private void rememberCsrf(String body) {
		if (body == null) {
			return;
		}
		Matcher m = CSRF.matcher(body);
		if (m.find()) {
			csrf = m.group(1);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		return send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
		if (acceptLanguage != null) {
			request.header("Accept-Language", acceptLanguage);
		}
		if (forwardedFor != null) {
			request.header("X-Forwarded-For", forwardedFor);
		}
		try {
			return client.send(request.timeout(Duration.ofSeconds(30)).build(), body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
