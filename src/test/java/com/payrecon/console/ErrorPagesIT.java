package com.payrecon.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;

import com.payrecon.security.Role;
import com.payrecon.support.Http;
import com.payrecon.support.PayReconIT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Issue 11: every error the console answers is PayRecon's own page (never Spring Boot's "Whitelabel Error Page",
 * which names the framework and the exception class), and every error under {@code /api/**} is JSON in the API's
 * own shape, whatever the client asked to accept.
 */
@PayReconIT
class ErrorPagesIT {

	static final JsonMapper JSON = JsonMapper.builder().build();
	static final Map<String, String> API = Map.of("Authorization", "Bearer it-checkout-token-0123456789", "Accept",
			"text/html,application/xhtml+xml");

	@LocalServerPort
	int port;

	@Autowired
	ConsoleTestUsers users;

	@Test
	void consoleErrorsArePayReconsOwnPages() {
		ConsoleSession support = new ConsoleSession(port);
		var user = users.create(Role.SUPPORT);
		support.loggedInAs(user.login(), user.password());

		HttpResponse<String> badId = support.browse("/orders/not-a-number");
		assertThat(badId.statusCode()).isEqualTo(400);
		assertOwnPage(badId);
		assertThat(badId.body()).contains("id=\"error-other\"").contains("400");

		HttpResponse<String> notFound = support.browse("/account/password/nothing-here");
		assertThat(notFound.statusCode()).isEqualTo(404);
		assertOwnPage(notFound);
		assertThat(notFound.body()).contains("id=\"error-404\"");

		HttpResponse<String> postOnly = support.browse("/orders/1/close");
		assertThat(postOnly.statusCode()).isEqualTo(405);
		assertOwnPage(postOnly);
		assertThat(postOnly.body()).contains("id=\"error-other\"").contains("405");
	}

	@Test
	void apiErrorsAreJsonEvenForAClientThatAsksForHtml() {
		Http http = new Http(port);

		HttpResponse<String> unknown = http.get("/api/orders/only-one-segment", API);
		assertJsonError(unknown, 404, "not_found");

		HttpResponse<String> wrongMethod = http.get("/api/orders/micropay", API);
		assertJsonError(wrongMethod, 405, "method_not_allowed");

		HttpResponse<String> wrongType = http.post("/api/orders", "text/plain", "hello".getBytes(), API);
		assertJsonError(wrongType, 415, "unsupported_media_type");
	}

	static void assertOwnPage(HttpResponse<String> response) {
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
		assertThat(response.body()).doesNotContain("Whitelabel").doesNotContain("Exception").contains("PayRecon");
	}

	static void assertJsonError(HttpResponse<String> response, int status, String error) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
		JsonNode body = JSON.readTree(response.body());
		assertThat(body.path("error").asString()).isEqualTo(error);
		assertThat(body.path("message").asString()).isNotBlank();
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("trace");
	}
}
