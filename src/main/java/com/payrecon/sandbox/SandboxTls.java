package com.payrecon.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import com.payrecon.sandbox.SandboxProperties.Tls;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The sandbox's TLS listener and its check of merchant client certificates ({@code payrecon.sandbox.tls}). The
 * listener is an extra Tomcat connector that asks for a client certificate but accepts any
 * ({@code optional_no_ca}), so that the endpoint can answer as the real gateway does: HTTP 400 with nginx's
 * {@code No required SSL certificate was sent} when there is none, {@code The SSL certificate error} when it was not
 * issued by the sandbox's client CA or is outside its validity.
 */
class SandboxTls implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	/** What the check found. */
	enum Verdict {
		VALID, MISSING, UNTRUSTED
	}

	private final Tls settings;
	private final X509Certificate clientCa;
	private final Clock clock;

	SandboxTls(Tls settings, Clock clock) {
		this.settings = settings;
		this.clock = clock;
		this.clientCa = settings.clientCa() == null ? null : certificate(read(settings.clientCa(), "client-ca"));
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		if (settings.port() == null) {
			return;
		}
		Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		connector.setPort(settings.port());
		connector.setScheme("https");
		connector.setSecure(true);
		connector.setProperty("SSLEnabled", "true");
		SSLHostConfig ssl = new SSLHostConfig();
		ssl.setCertificateVerification("optional_no_ca");
		// no CA list in the certificate request (the JDK's default one would make clients hold back certificates of
		// other issuers), every certificate accepted in the handshake: the endpoint decides, as the gateway's nginx
		ssl.setTrustManagerClassName(AnyClientCertificate.class.getName());
		SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
		certificate.setCertificateKeystore(keyStore());
		certificate.setCertificateKeystorePassword(settings.keyStorePassword());
		ssl.addCertificate(certificate);
		connector.addSslHostConfig(ssl);
		factory.addAdditionalConnectors(connector);
	}

	/** The client certificate of {@code request} against the client CA and {@code expectedCn} (the mch_id). */
	Verdict check(HttpServletRequest request, String expectedCn) {
		Object attribute = request.getAttribute("jakarta.servlet.request.X509Certificate");
		if (!request.isSecure() || !(attribute instanceof X509Certificate[] chain) || chain.length == 0) {
			return Verdict.MISSING;
		}
		X509Certificate presented = chain[0];
		if (clientCa == null) {
			return Verdict.UNTRUSTED;
		}
		try {
			presented.checkValidity(Date.from(clock.instant()));
			if (!presented.getIssuerX500Principal().equals(clientCa.getSubjectX500Principal())) {
				return Verdict.UNTRUSTED;
			}
			presented.verify(clientCa.getPublicKey());
		}
		catch (GeneralSecurityException ex) {
			return Verdict.UNTRUSTED;
		}
		return expectedCn.equals(commonName(presented)) ? Verdict.VALID : Verdict.UNTRUSTED;
	}

	/** Accepts any client certificate in the handshake and names no CA (Tomcat instantiates it by name). */
	public static final class AnyClientCertificate implements javax.net.ssl.X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
			// checked by the endpoint (SandboxTls.check)
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
			throw new java.security.cert.CertificateException("server side only");
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}
	}

	private static String commonName(X509Certificate certificate) {
		try {
			for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
				if ("CN".equalsIgnoreCase(rdn.getType())) {
					return rdn.getValue().toString();
				}
			}
		}
		catch (InvalidNameException ex) {
			return null;
		}
		return null;
	}

	private KeyStore keyStore() {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			String location = settings.keyStore();
			if (location == null) {
				throw new IllegalStateException("payrecon.sandbox.tls.key-store: required with tls.port");
			}
			try (var in = new DefaultResourceLoader().getResource(location).getInputStream()) {
				store.load(in, settings.keyStorePassword() == null ? new char[0] : settings.keyStorePassword().toCharArray());
			}
			return store;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("payrecon.sandbox.tls.key-store: cannot open (" + ex.getClass().getSimpleName() + ")");
		}
	}

	private static String read(String value, String name) {
		return SandboxMerchants.read(value, "payrecon.sandbox.tls." + name);
	}

	static X509Certificate certificate(String pem) {
		try {
			return (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("not a PEM X.509 certificate");
		}
	}
}
