package com.payrecon.api;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * With the database away, an API call answers 503 with a JSON error and {@code Retry-After}, so a checkout repeats the
 * same request. Found by the chaos run: the exception used to reach the servlet container, whose error dispatch
 * answered the client 200 with an empty body, which a checkout takes for success.
 */
@RestControllerAdvice(assignableTypes = OrderApiController.class)
class ApiUnavailableHandler {

	private static final Logger log = LoggerFactory.getLogger(ApiUnavailableHandler.class);

	@ExceptionHandler({ DataAccessException.class, TransactionException.class })
	ResponseEntity<Map<String, Object>> unavailable(RuntimeException ex) {
		log.warn("API request failed, answering 503: {}", ex.toString());
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", "1")
			.body(Map.of("error", "unavailable", "message", "temporarily unavailable; retry the same request"));
	}
}
