package com.payrecon.provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.DefaultResourceLoader;

/**
 * TLS contexts for provider connections: the JDK's trust store plus {@code payrecon.provider.tls.trusted-certificates},
 * and optionally an account's client certificate (the JDK's protocol defaults: TLS 1.2 and 1.3).
 */
final class ProviderTls {

	private final X509TrustManager trust;

	private ProviderTls(X509TrustManager trust) {
		this.trust = trust;
	}

	static ProviderTls of(ProviderTlsProperties properties) {
		List<X509Certificate> extra = new ArrayList<>();
		int index = 0;
		for (String value : properties.trustedCertificates()) {
			extra.addAll(certificates(value, "payrecon.provider.tls.trusted-certificates[" + index++ + "]"));
		}
		try {
			X509TrustManager system = trustManager(null);
			if (extra.isEmpty()) {
				return new ProviderTls(system);
			}
			KeyStore anchors = KeyStore.getInstance("PKCS12");
			anchors.load(null, null);
			for (int i = 0; i < extra.size(); i++) {
				anchors.setCertificateEntry("extra-" + i, extra.get(i));
			}
			return new ProviderTls(new EitherTrustManager(system, trustManager(anchors)));
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("cannot build the provider trust store: " + ex.getClass().getSimpleName());
		}
	}

	/** A context with these key managers (null: no client certificate). */
	SSLContext context(KeyManager @Nullable [] keyManagers) {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(keyManagers, new TrustManager[] { trust }, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot build a TLS context: " + ex.getClass().getSimpleName());
		}
	}

	private static X509TrustManager trustManager(@Nullable KeyStore anchors) throws GeneralSecurityException {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(anchors);
		for (TrustManager manager : factory.getTrustManagers()) {
			if (manager instanceof X509TrustManager x509) {
				return x509;
			}
		}
		throw new IllegalStateException("no X509TrustManager");
	}

	private static List<X509Certificate> certificates(String value, String property) {
		String text = value.strip();
		byte[] pem;
		if (text.startsWith("file:") || text.startsWith("classpath:")) {
			try (var in = new DefaultResourceLoader().getResource(text).getInputStream()) {
				pem = in.readAllBytes();
			}
			catch (IOException ex) {
				throw new IllegalStateException(property + ": cannot read " + text);
			}
		}
		else {
			pem = text.getBytes(StandardCharsets.US_ASCII);
		}
		try {
			List<X509Certificate> out = new ArrayList<>();
			for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
				out.add((X509Certificate) c);
			}
			if (out.isEmpty()) {
				throw new IllegalStateException(property + ": no certificate in it");
			}
			return out;
		}
		catch (CertificateException ex) {
			throw new IllegalStateException(property + ": not PEM X.509 certificates");
		}
	}

	/** Trusts a server chain that either the JDK's store or the extra anchors trust. */
	private record EitherTrustManager(X509TrustManager first, X509TrustManager second) implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			throw new CertificateException("provider connections are client side only");
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			try {
				first.checkServerTrusted(chain, authType);
			}
			catch (CertificateException notInTheJdkStore) {
				second.checkServerTrusted(chain, authType);
			}
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
			all.addAll(List.of(second.getAcceptedIssuers()));
			return all.toArray(X509Certificate[]::new);
		}
	}
}
