package com.payrecon.account;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

/**
 * The merchant's API certificate with its private key ({@code apiclient_cert.p12}, PKCS#12), presented in mutual TLS
 * on WeChat Pay v2's certificate-protected endpoints ({@code secapi/pay/reverse}, {@code secapi/pay/refund}). Loaded
 * once at start-up from {@code payrecon.accounts[].client-certificate} ({@code file:}, {@code classpath:} or inline
 * Base64 of the .p12 bytes) with {@code client-certificate-password} (default: the mch_id, as WeChat issues it).
 * The provider clients build their TLS context from {@link #keyManagers()}; the certificate itself is public and
 * shown on Admin → Accounts. Neither the password nor the key ever appears in a message.
 */
public final class ClientCertificate {

	private static final ResourceLoader RESOURCES = new DefaultResourceLoader();

	private final KeyManager[] keyManagers;
	private final X509Certificate certificate;

	private ClientCertificate(KeyManager[] keyManagers, X509Certificate certificate) {
		this.keyManagers = keyManagers;
		this.certificate = certificate;
	}

	/** For a TLS context that presents this certificate (one per account: never shared between merchants). */
	public KeyManager[] keyManagers() {
		return keyManagers.clone();
	}

	public X509Certificate certificate() {
		return certificate;
	}

	/** Upper-case hex serial, as WeChat names the merchant certificate ({@code serial_no}). */
	public String serial() {
		return certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
	}

	public Instant notAfter() {
		return certificate.getNotAfter().toInstant();
	}

	public Instant notBefore() {
		return certificate.getNotBefore().toInstant();
	}

	public String subject() {
		return certificate.getSubjectX500Principal().getName();
	}

	@Override
	public String toString() {
		return "ClientCertificate[serial=" + serial() + ", subject=" + subject() + ", notAfter=" + notAfter() + "]";
	}

	/**
	 * Reads and opens the PKCS#12 file. Every failure is an
	 * {@link AccountRegistry.InvalidAccountConfiguration} naming {@code property} (or {@code passwordProperty} for a
	 * wrong password), never the password or the file's bytes.
	 * @param now an expired or not yet valid certificate is refused (it would fail every handshake)
	 */
	public static ClientCertificate load(String value, @Nullable String password, String defaultPassword, String property,
			String passwordProperty, Instant now) {
		byte[] bytes = read(value, property);
		char[] secret = (password == null || password.isEmpty() ? defaultPassword : password).toCharArray();
		KeyStore store;
		try {
			store = KeyStore.getInstance("PKCS12");
			store.load(new ByteArrayInputStream(bytes), secret);
		}
		catch (IOException ex) {
			if (ex.getCause() instanceof UnrecoverableKeyException) {
				throw new AccountRegistry.InvalidAccountConfiguration(passwordProperty + ": does not open " + property
						+ " (wrong password" + (password == null ? "; the default is the mch-id" : "") + ")");
			}
			throw new AccountRegistry.InvalidAccountConfiguration(property + ": not a PKCS#12 (.p12) file");
		}
		catch (GeneralSecurityException | RuntimeException ex) {
			throw new AccountRegistry.InvalidAccountConfiguration(property + ": not a PKCS#12 (.p12) file");
		}
		X509Certificate certificate = null;
		try {
			for (String alias : Collections.list(store.aliases())) {
				if (!store.isKeyEntry(alias)) {
					continue;
				}
				Key key = store.getKey(alias, secret);
				if (key instanceof PrivateKey && store.getCertificate(alias) instanceof X509Certificate x509) {
					if (certificate != null) {
						throw new AccountRegistry.InvalidAccountConfiguration(
								property + ": holds more than one private key; give the merchant's one only");
					}
					certificate = x509;
				}
			}
		}
		catch (UnrecoverableKeyException ex) {
			throw new AccountRegistry.InvalidAccountConfiguration(passwordProperty + ": does not open the private key in "
					+ property + " (wrong password)");
		}
		catch (GeneralSecurityException ex) {
			throw new AccountRegistry.InvalidAccountConfiguration(property + ": the private key cannot be read");
		}
		if (certificate == null) {
			throw new AccountRegistry.InvalidAccountConfiguration(
					property + ": holds no private key with its certificate (apiclient_cert.p12 has both)");
		}
		if (now.isAfter(certificate.getNotAfter().toInstant())) {
			throw new AccountRegistry.InvalidAccountConfiguration(property + ": the certificate (serial "
					+ certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + ") expired at "
					+ certificate.getNotAfter().toInstant() + "; download a new one from the merchant platform");
		}
		if (now.isBefore(certificate.getNotBefore().toInstant())) {
			throw new AccountRegistry.InvalidAccountConfiguration(property + ": the certificate (serial "
					+ certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT) + ") is valid only from "
					+ certificate.getNotBefore().toInstant());
		}
		try {
			KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			factory.init(store, secret);
			return new ClientCertificate(factory.getKeyManagers(), certificate);
		}
		catch (GeneralSecurityException ex) {
			throw new AccountRegistry.InvalidAccountConfiguration(property + ": the key cannot be used for TLS");
		}
	}

	/** {@code file:} / {@code classpath:} bytes, or inline Base64 (whitespace ignored). */
	private static byte[] read(String value, String property) {
		String text = value.strip();
		if (text.startsWith("file:") || text.startsWith("classpath:")) {
			try (var in = RESOURCES.getResource(text).getInputStream()) {
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new AccountRegistry.InvalidAccountConfiguration(
						property + ": cannot read " + text + " (" + ex.getClass().getSimpleName() + ")");
			}
		}
		try {
			return Base64.getMimeDecoder().decode(text);
		}
		catch (IllegalArgumentException ex) {
			throw new AccountRegistry.InvalidAccountConfiguration(
					property + ": neither file:, classpath: nor Base64 of a .p12 file");
		}
	}
}
