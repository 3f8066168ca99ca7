package com.payrecon.webhook;

/** How one attempt ended. Only {@link #DELIVERED} ends a delivery well; {@link #GONE} disables the endpoint. */
public enum AttemptOutcome {
	/** a 2xx answer */
	DELIVERED,
	/** any other answer (4xx, 5xx, 1xx) */
	HTTP_ERROR,
	/** a 3xx answer while redirects are not followed (or one too many) */
	REDIRECT,
	/** 410 Gone: the receiver says the endpoint is no more (Standard Webhooks): it is disabled */
	GONE,
	/** no complete answer within the request timeout */
	TIMEOUT,
	/** could not connect (refused, unreachable, unknown host) */
	CONNECT_ERROR,
	/** TLS handshake or certificate failed */
	TLS_ERROR,
	/** the guard refused the address before connecting (SSRF) */
	REFUSED_ADDRESS,
	/** anything else that went wrong on the way */
	ERROR;

	public boolean delivered() {
		return this == DELIVERED;
	}
}
