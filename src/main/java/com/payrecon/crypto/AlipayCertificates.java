package com.payrecon.crypto;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Alipay public-key certificate mode (公钥证书模式, protocols-refunds-credentials.md E): the SNs that requests carry
 * ({@code app_cert_sn}, {@code alipay_root_cert_sn}) and responses name ({@code alipay_cert_sn}), computed as the
 * official SDKs do (E.2, vector G4), and the chain check of an Alipay certificate against the root file (E.3). JDK
 * only: the root file's SM2 certificate, which the JDK's provider cannot parse, is skipped (it never enters the SN).
 */
public final class AlipayCertificates {

	/** Signature algorithms of the RSA family (sha1RSA, sha256RSA, ...): the root certificates that enter the SN. */
	static final String RSA_SIGNATURES = "1.2.840.113549.1.1";

	private static final Pattern PEM = Pattern.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----",
			Pattern.DOTALL);

	private AlipayCertificates() {
	}

	/**
	 * {@code lowercase hex MD5(UTF-8(issuer RFC 2253 + decimal serial))}, zero-padded to 32 characters, as the SDK's
	 * {@code AntCertificationUtil.getCertSN}.
	 */
	public static String sn(X509Certificate certificate) {
		Objects.requireNonNull(certificate, "certificate");
		String text = certificate.getIssuerX500Principal().getName() + certificate.getSerialNumber();
		try {
			byte[] md5 = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
			String hex = new BigInteger(1, md5).toString(16);
			return "0".repeat(32 - hex.length()) + hex;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("MD5 unavailable", ex);
		}
	}

	/**
	 * {@code alipay_root_cert_sn}: the SNs of the root file's RSA-signed certificates, in file order, joined by
	 * {@code _}. Certificates the JDK cannot parse (the SM2 root) and non-RSA ones (the ECDSA root) are left out, as
	 * the SDK leaves them out.
	 * @throws IllegalArgumentException when no RSA-signed certificate is in it
	 */
	public static String rootSn(@Nullable String rootFile) {
		List<X509Certificate> rsa = roots(rootFile);
		if (rsa.isEmpty()) {
			throw new IllegalArgumentException("no RSA-signed root certificate in the root certificate file");
		}
		return rsa.stream().map(AlipayCertificates::sn).collect(Collectors.joining("_"));
	}

	/** The root file's RSA-signed certificates (the trust anchors of certificate mode). */
	public static List<X509Certificate> roots(@Nullable String rootFile) {
		List<X509Certificate> out = new ArrayList<>();
		for (byte[] der : blocks(rootFile, "root certificate file")) {
			X509Certificate certificate;
			try {
				certificate = parse(der);
			}
			catch (IllegalArgumentException unparseable) {
				continue; // e.g. SM2 ("Unknown named curve: 1.2.156.10197.1.301")
			}
			if (certificate.getSigAlgOID().startsWith(RSA_SIGNATURES)) {
				out.add(certificate);
			}
		}
		return out;
	}

	/**
	 * Every certificate of an app or Alipay certificate file ({@code .crt}: the certificate first, then its issuers),
	 * or of a downloaded {@code alipay_cert_content} (the same PEM, Base64-encoded once more).
	 * @throws IllegalArgumentException when a block is not an X.509 certificate, or there is none
	 */
	public static List<X509Certificate> chain(@Nullable String file) {
		List<X509Certificate> out = new ArrayList<>();
		for (byte[] der : blocks(file, "certificate file")) {
			out.add(parse(der));
		}
		return out;
	}

	/**
	 * Whether {@code chain} (a certificate and its issuers, any order) leads from its first certificate to one of
	 * {@code roots}, every link signed by the next and valid at {@code now}, as the SDK's
	 * {@code AntCertificationUtil.isTrusted}. A certificate named by a response is used only when this holds.
	 */
	public static boolean trusted(List<X509Certificate> chain, List<X509Certificate> roots, Instant now) {
		if (chain.isEmpty() || roots.isEmpty()) {
			return false;
		}
		X509Certificate current = chain.getFirst();
		List<X509Certificate> rest = new ArrayList<>(chain.subList(1, chain.size()));
		for (int depth = 0; depth <= chain.size(); depth++) {
			if (!validAt(current, now)) {
				return false;
			}
			for (X509Certificate root : roots) {
				if (signedBy(current, root) && validAt(root, now)) {
					return true;
				}
			}
			X509Certificate issuer = null;
			for (X509Certificate candidate : rest) {
				if (signedBy(current, candidate)) {
					issuer = candidate;
					break;
				}
			}
			if (issuer == null) {
				return false;
			}
			rest.remove(issuer);
			current = issuer;
		}
		return false;
	}

	private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
		if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
			return false;
		}
		try {
			certificate.verify(issuer.getPublicKey());
			return true;
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	private static boolean validAt(X509Certificate certificate, Instant now) {
		try {
			certificate.checkValidity(Date.from(now));
			return true;
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	private static List<byte[]> blocks(@Nullable String file, String what) {
		if (file == null || file.isBlank()) {
			throw new IllegalArgumentException("missing " + what);
		}
		String text = file.strip();
		if (!text.contains("-----BEGIN")) {
			try { // alipay_cert_content: Base64 of the PEM file
				text = new String(Base64.getMimeDecoder().decode(text), StandardCharsets.US_ASCII);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(what + " is neither PEM nor Base64");
			}
		}
		List<byte[]> out = new ArrayList<>();
		Matcher pem = PEM.matcher(text);
		while (pem.find()) {
			try {
				out.add(Base64.getMimeDecoder().decode(pem.group(1).strip()));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(what + " holds a block that is not Base64");
			}
		}
		if (out.isEmpty()) {
			throw new IllegalArgumentException("no CERTIFICATE block in the " + what);
		}
		return out;
	}

	private static X509Certificate parse(byte[] der) {
		try {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new IllegalArgumentException("not an X.509 certificate");
		}
	}
}
