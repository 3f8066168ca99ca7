package com.payrecon.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.payrecon.order.EventSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** What the order and refund APIs answer alike: an error body, and one line of a history. */
final class ApiAnswers {

	private ApiAnswers() {
	}

	static ResponseEntity<Map<String, Object>> error(HttpStatus status, String field, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", status.name().toLowerCase(Locale.ROOT));
		if (field != null) {
			body.put("field", field);
		}
		body.put("message", message);
		return ResponseEntity.status(status).body(body);
	}

	/**
	 * One history line (an order's or a refund's event). A console operator's change says {@code operator} and no
	 * reason unless configured: the actor is a console login and the reason an operator's note that may name people
	 * (maker-checker names both).
	 */
	static Map<String, Object> historyLine(String type, Enum<?> from, Enum<?> to, EventSource source, String actor,
			Long rawNotificationId, String reason, String details, Instant at, boolean operatorNames) {
		boolean anonymous = source == EventSource.OPERATOR && !operatorNames;
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("type", type);
		view.put("from", from);
		view.put("to", to);
		view.put("source", source);
		view.put("actor", anonymous ? "operator" : actor);
		view.put("rawNotificationId", rawNotificationId);
		view.put("reason", anonymous ? "changed by a console operator" : reason);
		view.put("details", details);
		view.put("at", at);
		return view;
	}
}
