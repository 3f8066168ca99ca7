package com.payrecon.security;

import org.springframework.security.core.AuthenticationException;

/** The remote address failed too often recently; the attempt was refused without looking at the password. */
class LoginThrottledException extends AuthenticationException {

	LoginThrottledException(String message) {
		super(message);
	}
}
