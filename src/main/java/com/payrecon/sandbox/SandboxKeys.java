package com.payrecon.sandbox;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One sandbox merchant's provider-side signing keys and their rotation state (changed through the control API):
 * which WeChat Pay v3 platform key signs responses and notifications ({@code Wechatpay-Serial}), which platform
 * certificates {@code GET /v3/certificates} lists, which Alipay certificate signs ({@code alipay_cert_sn}). Thread
 * safe; the counters say how often PayRecon downloaded certificates.
 */
final class SandboxKeys {

	/** A key that signs, named as the provider names it (certificate serial, public-key id or Alipay SN). */
	record Signer(String id, PrivateKey key, X509Certificate certificate, String chainPem) {

		@Override
		public String toString() {
			return "Signer[" + id + "]";
		}
	}

	private final Signer publicKey;
	private final List<Signer> platformCertificates;
	private final List<Signer> alipayCertificates;
	private volatile String wechatSigning;
	private volatile Set<String> wechatListed;
	private volatile String alipaySigning;
	final AtomicInteger wechatCertificateDownloads = new AtomicInteger();
	final AtomicInteger alipayCertificateDownloads = new AtomicInteger();

	/**
	 * @param publicKey v3 public-key mode ({@code PUB_KEY_ID_…}); null without one
	 * @param platformCertificates v3 certificate mode, oldest first; at first only the first is listed and signs, the
	 * others are published by rotation steps ({@link #use})
	 * @param alipayCertificates Alipay certificate mode, oldest first; at first the first signs
	 */
	SandboxKeys(Signer publicKey, List<Signer> platformCertificates, List<Signer> alipayCertificates) {
		this.publicKey = publicKey;
		this.platformCertificates = List.copyOf(platformCertificates);
		this.alipayCertificates = List.copyOf(alipayCertificates);
		reset();
	}

	/** Back to the configured state. */
	synchronized void reset() {
		this.wechatSigning = !platformCertificates.isEmpty() ? platformCertificates.getFirst().id()
				: publicKey == null ? null : publicKey.id();
		this.wechatListed = new LinkedHashSet<>(platformCertificates.stream().limit(1).map(Signer::id).toList());
		this.alipaySigning = alipayCertificates.isEmpty() ? null : alipayCertificates.getFirst().id();
		wechatCertificateDownloads.set(0);
		alipayCertificateDownloads.set(0);
	}

	/** The WeChat v3 key that signs now. */
	Signer wechatSigner() {
		return wechatKey(wechatSigning);
	}

	List<Signer> wechatListed() {
		return platformCertificates.stream().filter(c -> wechatListed.contains(c.id())).toList();
	}

	/** The Alipay certificate that signs now; null in public-key mode. */
	Signer alipaySigner() {
		return alipaySigning == null ? null : alipayKey(alipaySigning);
	}

	Signer alipayKey(String sn) {
		return alipayCertificates.stream().filter(c -> c.id().equals(sn)).findFirst().orElse(null);
	}

	List<Signer> alipayCertificates() {
		return alipayCertificates;
	}

	List<String> wechatKeyIds() {
		List<String> ids = new ArrayList<>();
		if (publicKey != null) {
			ids.add(publicKey.id());
		}
		platformCertificates.forEach(c -> ids.add(c.id()));
		return ids;
	}

	/**
	 * A rotation step: which WeChat key signs and which certificates are listed, and which Alipay certificate signs
	 * (null leaves that part as it is).
	 * @throws IllegalArgumentException for an id the merchant does not have
	 */
	synchronized void use(String wechatSignWith, List<String> listed, String alipaySignWith) {
		if (wechatSignWith != null && wechatKey(wechatSignWith) == null) {
			throw new IllegalArgumentException("no WeChat key " + wechatSignWith);
		}
		if (listed != null && !wechatKeyIds().containsAll(listed)) {
			throw new IllegalArgumentException("listed: unknown certificate serial");
		}
		if (alipaySignWith != null && alipayKey(alipaySignWith) == null) {
			throw new IllegalArgumentException("no Alipay certificate " + alipaySignWith);
		}
		if (wechatSignWith != null) {
			this.wechatSigning = wechatSignWith;
		}
		if (listed != null) {
			this.wechatListed = new LinkedHashSet<>(listed);
		}
		if (alipaySignWith != null) {
			this.alipaySigning = alipaySignWith;
		}
	}

	String wechatSigning() {
		return wechatSigning;
	}

	Set<String> wechatListedIds() {
		return Set.copyOf(wechatListed);
	}

	String alipaySigning() {
		return alipaySigning;
	}

	private Signer wechatKey(String id) {
		if (id == null) {
			return null;
		}
		if (publicKey != null && publicKey.id().equals(id)) {
			return publicKey;
		}
		return platformCertificates.stream().filter(c -> c.id().equalsIgnoreCase(id)).findFirst().orElse(null);
	}
}
