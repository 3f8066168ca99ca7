package com.payrecon.account;

import java.time.Instant;

import com.payrecon.account.Account.Certificates;
import com.payrecon.account.AccountRegistry.InvalidAccountConfiguration;
import com.payrecon.account.AccountsProperties.AccountProperties;

/**
 * Reads an account's certificates at start-up ({@link Certificates}); every problem stops start-up with a message
 * naming the property, never a secret.
 */
final class AccountCertificates {

	private AccountCertificates() {
	}

	static Certificates load(AccountProperties p, String prefix, Instant now) {
		ClientCertificate client = null;
		if (present(p.clientCertificate())) {
			if (p.channel() != Channel.WECHATPAY_V2) {
				throw new InvalidAccountConfiguration(prefix + ".client-certificate: only wechatpay-v2 accounts use a "
						+ "client certificate (mutual TLS on secapi endpoints)");
			}
			client = ClientCertificate.load(p.clientCertificate(), p.clientCertificatePassword(), p.mchId(),
					prefix + ".client-certificate", prefix + ".client-certificate-password", now);
		}
		return new Certificates(client);
	}

	private static boolean present(String value) {
		return value != null && !value.isBlank();
	}
}
