package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.payrecon.security.Role;
import com.payrecon.support.MutableClock;
import com.payrecon.support.PayReconIT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 11: PayRecon behind a TLS-terminating proxy on the same host (the default trusted proxy is loopback;
 * {@code server.forward-headers-strategy=native}). The session cookie is {@code Secure} and HSTS is sent when the
 * proxy says the request came over https; redirects never echo the {@code Host} a client sent; a session ends after
 * its absolute lifetime however busy it is.
 */
@PayReconIT
class BehindTlsIT {

	static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Autowired
	MutableClock clock;

	@AfterEach
	void resetClock() {
		clock.reset();
	}

	@Test
	void overHttpsTheSessionCookieIsSecureAndHstsIsSent() throws Exception {
		HttpResponse<String> login = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
				.header("X-Forwarded-Proto", "https")
				.header("X-Forwarded-For", "203.0.113.7")
				.GET()
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(login.statusCode()).isEqualTo(200);
		String cookie = login.headers().allValues("Set-Cookie").stream()
			.filter(c -> c.startsWith("JSESSIONID="))
			.findFirst()
			.orElseThrow();
		assertThat(cookie.toLowerCase(Locale.ROOT)).contains("; secure").contains("; httponly");
		assertThat(login.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(
				hsts -> assertThat(hsts).contains("max-age=31536000"));
	}

	@Test
	void redirectsNeverEchoTheHostAClientSent() throws IOException {
		var user = users.create(Role.SUPPORT);
		RawResponse challenge = raw("GET /dashboard HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
		assertThat(challenge.status()).isEqualTo(302);
		assertThat(challenge.header("location")).isEqualTo("/login").doesNotContain("evil");
		String session = challenge.cookie("JSESSIONID");

		RawResponse form = raw("GET /login HTTP/1.1\r\nHost: evil.example\r\nCookie: JSESSIONID=" + session
				+ "\r\nConnection: close\r\n\r\n");
		Matcher csrf = CSRF.matcher(form.body());
		assertThat(csrf.find()).isTrue();
		String body = "username=" + enc(user.login()) + "&password=" + enc(user.password()) + "&_csrf=" + enc(csrf.group(1));
		RawResponse signedIn = raw("POST /login HTTP/1.1\r\nHost: evil.example\r\nCookie: JSESSIONID=" + session
				+ "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
				+ body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
		assertThat(signedIn.status()).isEqualTo(302);
		assertThat(signedIn.header("location")).as("back to the page first asked for").startsWith("/dashboard")
			.doesNotContain("evil").doesNotContain("://");
	}

	@Test
	void aSessionEndsAfterItsAbsoluteLifetimeHoweverBusy() {
		var user = users.create(Role.SUPPORT);
		ConsoleSession session = new ConsoleSession(port).loggedInAs(user.login(), user.password());
		for (int hour = 0; hour < 11; hour++) { // busy all day: never idle for long
			assertThat(session.get("/dashboard").statusCode()).isEqualTo(200);
			clock.advance(Duration.ofHours(1));
		}
		assertThat(session.get("/dashboard").statusCode()).isEqualTo(200);
		clock.advance(Duration.ofMinutes(61)); // 12 h 1 min after sign-in

		HttpResponse<String> after = session.get("/dashboard");
		assertThat(after.statusCode()).isEqualTo(302);
		assertThat(after.headers().firstValue("Location").orElseThrow()).isEqualTo("/login?expired");
		assertThat(session.get("/dashboard").headers().firstValue("Location").orElseThrow()).isEqualTo("/login");
	}

	record RawResponse(int status, Map<String, String> headers, Map<String, String> cookies, String body) {
		String header(String name) {
			return headers.getOrDefault(name, "(none)");
		}

		String cookie(String name) {
			return cookies.get(name);
		}
	}

	/** One request over a plain socket, so that the Host header is exactly what a client chose. */
	private RawResponse raw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			in.transferTo(all);
			String text = all.toString(StandardCharsets.UTF_8);
			int end = text.indexOf("\r\n\r\n");
			String[] lines = text.substring(0, end).split("\r\n");
			Map<String, String> headers = new LinkedHashMap<>();
			Map<String, String> cookies = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				String name = lines[i].substring(0, lines[i].indexOf(':')).toLowerCase(Locale.ROOT);
				String value = lines[i].substring(lines[i].indexOf(':') + 1).strip();
				headers.put(name, value);
				if (name.equals("set-cookie")) {
					String pair = value.split(";")[0];
					cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
				}
			}
			return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), headers, cookies, text.substring(end + 4));
		}
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
