package com.payrecon.security;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The login page says so when the second factor is switched off (the demo), rather than leaving it unsaid. */
@ControllerAdvice(assignableTypes = LoginController.class)
class SecondFactorNotice {

	private final SecondFactors factors;

	SecondFactorNotice(SecondFactors factors) {
		this.factors = factors;
	}

	@ModelAttribute("secondFactorRequired")
	boolean secondFactorRequired() {
		return factors.required();
	}
}
