package com.payrecon.crypto;

import java.io.Serial;

/**
 * Thrown when a provider message cannot be parsed safely: bad XML/JSON/form syntax, a DOCTYPE, a duplicate field, an
 * undecodable charset and similar. Messages describe the problem, never the message content or key material.
 */
public class MalformedMessageException extends Exception {

	@Serial
	private static final long serialVersionUID = 1L;

	public MalformedMessageException(String message) {
		super(message);
	}

	public MalformedMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
