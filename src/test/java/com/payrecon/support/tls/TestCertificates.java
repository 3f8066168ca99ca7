package com.payrecon.support.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made by the tests themselves (BouncyCastle, test scope): CAs, TLS server certificates for
 * 127.0.0.1/localhost, client certificates, and PKCS#12 files, as WeChat Pay and Alipay issue them. Nothing
 * published is reused and nothing is committed: every run makes its own.
 */
public final class TestCertificates {

	private static final SecureRandom RANDOM = new SecureRandom();

	private TestCertificates() {
	}

	/** A certificate with its key pair. */
	public record Issued(X509Certificate certificate, KeyPair keys) {

		public PrivateKey privateKey() {
			return keys.getPrivate();
		}

		public String certificatePem() {
			return pem(certificate);
		}

		/** PKCS#8 ({@code PRIVATE KEY}). */
		public String privateKeyPem() {
			try {
				return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** PKCS#12 with the key and this certificate (then {@code chain}), one password for store and key. */
		public byte[] pkcs12(String password, X509Certificate... chain) {
			try {
				KeyStore store = KeyStore.getInstance("PKCS12");
				store.load(null, null);
				X509Certificate[] all = new X509Certificate[chain.length + 1];
				all[0] = certificate;
				System.arraycopy(chain, 0, all, 1, chain.length);
				store.setKeyEntry("1", keys.getPrivate(), password.toCharArray(), all);
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				store.store(out, password.toCharArray());
				return out.toByteArray();
			}
			catch (GeneralSecurityException | IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	public static KeyPair rsa() {
		return com.payrecon.sandbox.SandboxCrypto.generateRsaKeyPair();
	}

	public static Issued ca(String subject) {
		KeyPair keys = rsa();
		return new Issued(build(subject, keys, subject, keys.getPrivate(), serial(), Instant.now().minus(Duration.ofDays(1)),
				Instant.now().plus(Duration.ofDays(3650)), true, List.of()), keys);
	}

	/** A CA certificate issued by {@code issuer} (an intermediate), valid for ten years. */
	public static Issued intermediate(Issued issuer, String subject) {
		KeyPair keys = rsa();
		return new Issued(build(subject, keys, issuer.certificate().getSubjectX500Principal().getName(),
				issuer.privateKey(), serial(), Instant.now().minus(Duration.ofDays(1)),
				Instant.now().plus(Duration.ofDays(3650)), true, List.of()), keys);
	}

	/** A leaf certificate issued by {@code issuer}, valid from {@code notBefore} to {@code notAfter}. */
	public static Issued leaf(Issued issuer, String subject, BigInteger serial, Instant notBefore, Instant notAfter,
			String... ipOrDnsNames) {
		KeyPair keys = rsa();
		return new Issued(build(subject, keys, issuer.certificate().getSubjectX500Principal().getName(),
				issuer.privateKey(), serial, notBefore, notAfter, false, List.of(ipOrDnsNames)), keys);
	}

	/** A leaf valid from yesterday for {@code days} days. */
	public static Issued leaf(Issued issuer, String subject, int days, String... ipOrDnsNames) {
		return leaf(issuer, subject, serial(), Instant.now().minus(Duration.ofDays(1)),
				Instant.now().plus(Duration.ofDays(days)), ipOrDnsNames);
	}

	public static BigInteger serial() {
		return new BigInteger(159, RANDOM).setBit(158);
	}

	private static X509Certificate build(String subject, KeyPair keys, String issuer, PrivateKey issuerKey,
			BigInteger serial, Instant notBefore, Instant notAfter, boolean ca, List<String> names) {
		try {
			// names parsed by the JDK (RFC 2253: the most specific RDN is written first), as getName() prints them
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
					X500Name.getInstance(new X500Principal(issuer).getEncoded()), serial, Date.from(notBefore),
					Date.from(notAfter), X500Name.getInstance(new X500Principal(subject).getEncoded()), keys.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
			builder.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
					: new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
			if (!names.isEmpty()) {
				GeneralName[] general = names.stream()
					.map(n -> n.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, n)
							: new GeneralName(GeneralName.dNSName, n))
					.toArray(GeneralName[]::new);
				builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(general));
			}
			ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey);
			return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
		}
		catch (GeneralSecurityException | OperatorCreationException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String pem(Object object) {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}
}
