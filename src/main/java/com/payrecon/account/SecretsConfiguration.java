package com.payrecon.account;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The master-key cipher, from {@code payrecon.secrets.master-key} (unset: nothing can be sealed). */
@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

	@Bean
	MasterKeyCipher masterKeyCipher(SecretsProperties secrets) {
		return MasterKeyCipher.of(secrets.masterKey());
	}
}
