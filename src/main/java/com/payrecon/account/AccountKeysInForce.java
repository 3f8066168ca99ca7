package com.payrecon.account;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.payrecon.crypto.AlipayCertificates;
import org.jspecify.annotations.Nullable;

/**
 * Every key and certificate an account verifies or authenticates with, as Admin → Accounts lists them and the
 * expiry metric exports them: its id (serial, public-key id or SN), where it came from and its validity. Public
 * information only: never key material.
 */
public final class AccountKeysInForce {

	private AccountKeysInForce() {
	}

	/** What a listed key is for. */
	public enum Use {
		CLIENT_CERTIFICATE, PLATFORM_PUBLIC_KEY, PLATFORM_CERTIFICATE, ALIPAY_PUBLIC_KEY, ALIPAY_CERTIFICATE,
		APP_CERTIFICATE, ALIPAY_ROOT_CERTIFICATE
	}

	/** Where it came from. */
	public enum Origin {
		CONFIGURED, DOWNLOADED, REPLACED
	}

	/** Its state now. */
	public enum State {
		IN_FORCE, EXPIRED, NOT_YET_VALID
	}

	/**
	 * One key or certificate.
	 * @param id the serial (upper-case hex), public-key id or Alipay SN messages name it by
	 * @param notBefore null for a bare public key (no validity)
	 * @param notAfter null for a bare public key; WeChat's {@code expire_time} where earlier than the certificate's
	 */
	public record Listed(String accountId, Use use, String id, Origin origin, @Nullable Instant notBefore,
			@Nullable Instant notAfter, State state) {

		/** Whether it is a certificate (with an expiry worth alerting on). */
		public boolean expires() {
			return notAfter != null;
		}
	}

	/**
	 * @param learnt the account's certificates from {@link ProviderCertificates#all}
	 * @param replaced the keys an admin replaced (from the console): shown as REPLACED instead of CONFIGURED
	 */
	public static List<Listed> of(Account account, List<ProviderCertificate> learnt, Set<AccountKeyName> replaced,
			Instant now) {
		List<Listed> out = new ArrayList<>();
		Account.Certificates certificates = account.certificates();
		if (certificates.clientCertificate() != null) {
			out.add(certificate(account, Use.CLIENT_CERTIFICATE, certificates.clientCertificate().serial(),
					Origin.CONFIGURED, certificates.clientCertificate().certificate(), now));
		}
		switch (account.credentials()) {
			case Account.WechatV3Keys k -> k.platformKeys().keySet().forEach(id -> out.add(new Listed(account.id(),
					Use.PLATFORM_PUBLIC_KEY, id,
					replaced.contains(AccountKeyName.PLATFORM_PUBLIC_KEY) ? Origin.REPLACED : Origin.CONFIGURED, null, null,
					State.IN_FORCE)));
			case Account.AlipayKeys k -> {
				if (certificates.alipay() == null) {
					out.add(new Listed(account.id(), Use.ALIPAY_PUBLIC_KEY, "alipay-public-key",
							replaced.contains(AccountKeyName.ALIPAY_PUBLIC_KEY) ? Origin.REPLACED : Origin.CONFIGURED, null,
							null, State.IN_FORCE));
				}
			}
			case Account.WechatV2Keys k -> {
				// v2 verifies with its API key: nothing public to list
			}
		}
		AlipayCertificateMode alipay = certificates.alipay();
		if (alipay != null) {
			out.add(certificate(account, Use.APP_CERTIFICATE, alipay.appCertSn(), Origin.CONFIGURED,
					alipay.appCertificate(), now));
			for (X509Certificate root : alipay.roots()) {
				out.add(certificate(account, Use.ALIPAY_ROOT_CERTIFICATE, AlipayCertificates.sn(root), Origin.CONFIGURED,
						root, now));
			}
		}
		for (ProviderCertificate c : learnt) {
			Use use = c.kind() == ProviderCertificate.Kind.ALIPAY ? Use.ALIPAY_CERTIFICATE : Use.PLATFORM_CERTIFICATE;
			Origin origin = c.source() == ProviderCertificate.Source.DOWNLOADED ? Origin.DOWNLOADED : Origin.CONFIGURED;
			out.add(new Listed(account.id(), use, c.serial(), origin, c.notBefore(), c.notAfter(),
					state(c.notBefore(), c.notAfter(), now)));
		}
		return out;
	}

	private static Listed certificate(Account account, Use use, String id, Origin origin, X509Certificate certificate,
			Instant now) {
		Instant from = certificate.getNotBefore().toInstant();
		Instant to = certificate.getNotAfter().toInstant();
		return new Listed(account.id(), use, id, origin, from, to, state(from, to, now));
	}

	private static State state(Instant from, Instant to, Instant now) {
		return now.isBefore(from) ? State.NOT_YET_VALID : now.isBefore(to) ? State.IN_FORCE : State.EXPIRED;
	}

	/** The metric tag of a use: {@code client_certificate}, … */
	public static String tag(Use use) {
		return use.name().toLowerCase(Locale.ROOT);
	}
}
