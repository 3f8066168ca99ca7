package com.payrecon.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Loads RSA keys and certificates from PEM or bare Base64 (Alipay style), JDK only. Failures are
 * {@link IllegalArgumentException}s whose messages say what was wrong, never what the input contained; JDK causes are
 * deliberately not chained because their messages can quote input bytes.
 */
public final class Keys {

	private static final Pattern PEM = Pattern
		.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

	/** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
	private static final byte[] RSA_ALGORITHM_IDENTIFIER = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
			(byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };

	private Keys() {
	}

	/**
	 * A public key from a {@code PUBLIC KEY} PEM, a bare Base64 SubjectPublicKeyInfo, or an X.509
	 * {@code CERTIFICATE} PEM (its key). Whitespace tolerant.
	 */
	public static PublicKey publicKey(@Nullable String text) {
		String input = requireText(text, "public key");
		Matcher pem = PEM.matcher(input);
		if (pem.find()) {
			String type = pem.group(1);
			byte[] der = base64(pem.group(2), "public key");
			return switch (type) {
				case "PUBLIC KEY" -> spki(der);
				case "CERTIFICATE" -> certificate(der).getPublicKey();
				default -> throw new IllegalArgumentException("unsupported PEM type for a public key: " + type);
			};
		}
		if (input.contains("-----")) {
			throw new IllegalArgumentException("malformed PEM public key");
		}
		return spki(base64(input, "public key"));
	}

	/**
	 * A private key from a PKCS#8 {@code PRIVATE KEY} PEM, a PKCS#1 {@code RSA PRIVATE KEY} PEM (wrapped into PKCS#8
	 * here), or bare Base64 PKCS#8 (bare PKCS#1 is accepted too). Encrypted keys are not supported.
	 */
	public static PrivateKey privateKey(@Nullable String text) {
		String input = requireText(text, "private key");
		Matcher pem = PEM.matcher(input);
		if (pem.find()) {
			String type = pem.group(1);
			String body = pem.group(2);
			if (body.contains("Proc-Type") || body.contains("DEK-Info")) {
				throw new IllegalArgumentException("encrypted private keys are not supported");
			}
			byte[] der = base64(body, "private key");
			return switch (type) {
				case "PRIVATE KEY" -> pkcs8(der);
				case "RSA PRIVATE KEY" -> pkcs8(wrapPkcs1(der));
				case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(
						"encrypted private keys are not supported");
				default -> throw new IllegalArgumentException("unsupported PEM type for a private key: " + type);
			};
		}
		if (input.contains("-----")) {
			throw new IllegalArgumentException("malformed PEM private key");
		}
		byte[] der = base64(input, "private key");
		try {
			return pkcs8(der);
		}
		catch (IllegalArgumentException notPkcs8) {
			return pkcs8(wrapPkcs1(der));
		}
	}

	/** The certificate's serial number as upper-case hex, as WeChat writes it in {@code Wechatpay-Serial}. */
	public static String certificateSerialHex(@Nullable String certificatePem) {
		return certificate(certificatePem).getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
	}

	/** Parses one X.509 certificate PEM. */
	public static X509Certificate certificate(@Nullable String certificatePem) {
		String input = requireText(certificatePem, "certificate");
		Matcher pem = PEM.matcher(input);
		if (!pem.find() || !"CERTIFICATE".equals(pem.group(1))) {
			throw new IllegalArgumentException("not a CERTIFICATE PEM");
		}
		return certificate(base64(pem.group(2), "certificate"));
	}

	/** {@code -----BEGIN PUBLIC KEY-----} PEM of the X.509 SubjectPublicKeyInfo, 64-character lines. */
	public static String toPem(PublicKey key) {
		if (!"X.509".equals(key.getFormat())) {
			throw new IllegalArgumentException("public key is not X.509-encodable");
		}
		return pem("PUBLIC KEY", key.getEncoded());
	}

	/** {@code -----BEGIN CERTIFICATE-----} PEM, 64-character lines. */
	public static String toPem(X509Certificate certificate) {
		try {
			return pem("CERTIFICATE", certificate.getEncoded());
		}
		catch (java.security.cert.CertificateEncodingException ex) {
			throw new IllegalArgumentException("certificate cannot be encoded");
		}
	}

	/** PEM ("PRIVATE KEY" armour) of the PKCS#8 encoding, 64-character lines. */
	public static String toPem(PrivateKey key) {
		if (!"PKCS#8".equals(key.getFormat())) {
			throw new IllegalArgumentException("private key is not PKCS#8-encodable");
		}
		return pem("PRIVATE KEY", key.getEncoded());
	}

	/** PKCS#8 PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 }. */
	static byte[] wrapPkcs1(byte[] pkcs1) {
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		content.writeBytes(new byte[] { 0x02, 0x01, 0x00 });
		content.writeBytes(RSA_ALGORITHM_IDENTIFIER);
		content.writeBytes(derHeader(0x04, pkcs1.length));
		content.writeBytes(pkcs1);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(derHeader(0x30, content.size()));
		out.writeBytes(content.toByteArray());
		return out.toByteArray();
	}

	private static byte[] derHeader(int tag, int length) {
		if (length < 0x80) {
			return new byte[] { (byte) tag, (byte) length };
		}
		if (length <= 0xff) {
			return new byte[] { (byte) tag, (byte) 0x81, (byte) length };
		}
		if (length <= 0xffff) {
			return new byte[] { (byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length };
		}
		return new byte[] { (byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length };
	}

	private static PublicKey spki(byte[] der) {
		try {
			return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new IllegalArgumentException("not an RSA SubjectPublicKeyInfo");
		}
	}

	private static PrivateKey pkcs8(byte[] der) {
		try {
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new IllegalArgumentException("not an RSA private key");
		}
	}

	private static X509Certificate certificate(byte[] der) {
		try {
			return (X509Certificate) CertificateFactory.getInstance("X.509")
				.generateCertificate(new ByteArrayInputStream(der));
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new IllegalArgumentException("not an X.509 certificate");
		}
	}

	private static byte[] base64(String text, String what) {
		String compact = text.replaceAll("\\s+", "");
		if (compact.isEmpty()) {
			throw new IllegalArgumentException("empty " + what);
		}
		try {
			return Base64.getDecoder().decode(compact);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(what + " is not valid Base64");
		}
	}

	private static String requireText(@Nullable String text, String what) {
		if (text == null || text.isBlank()) {
			throw new IllegalArgumentException("missing " + what);
		}
		return text.strip();
	}

	private static String pem(String type, byte[] der) {
		String body = Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der);
		return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
	}

}
