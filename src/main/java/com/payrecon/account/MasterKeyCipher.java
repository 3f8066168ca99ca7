package com.payrecon.account;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM with the master key (JDK only): {@code nonce (12 bytes) || ciphertext || tag (16 bytes)}. The associated
 * data binds a ciphertext to its place (account and key name), so a row copied elsewhere does not decrypt. One bean
 * ({@link SecretsConfiguration}) seals replaced and proposed account keys and, for the security module, second-factor
 * secrets.
 */
public final class MasterKeyCipher implements com.payrecon.security.SecretCipher {

	static final String PROPERTY = "payrecon.secrets.master-key";
	private static final int NONCE = 12;
	private static final int TAG_BITS = 128;
	private static final SecureRandom RANDOM = new SecureRandom();

	private final @Nullable SecretKeySpec key;

	private MasterKeyCipher(@Nullable SecretKeySpec key) {
		this.key = key;
	}

	/** From the configured value (inline base64, file: or classpath:); none when blank. */
	static MasterKeyCipher of(@Nullable String configured) {
		if (configured == null || configured.isBlank()) {
			return new MasterKeyCipher(null);
		}
		byte[] raw;
		try {
			raw = Base64.getDecoder().decode(AccountRegistry.secret(configured, PROPERTY).strip());
		}
		catch (IllegalArgumentException ex) {
			throw new AccountRegistry.InvalidAccountConfiguration(PROPERTY + ": not base64");
		}
		if (raw.length != 32) {
			throw new AccountRegistry.InvalidAccountConfiguration(PROPERTY + ": must be 32 bytes (base64 of 32 random bytes)");
		}
		return new MasterKeyCipher(new SecretKeySpec(raw, "AES"));
	}

	@Override
	public boolean available() {
		return key != null;
	}

	@Override
	public byte[] encrypt(String plain, String associatedData) {
		byte[] nonce = new byte[NONCE];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, required(), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
			return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM encryption failed: " + ex.getClass().getSimpleName());
		}
	}

	@Override
	public String decrypt(byte[] stored, String associatedData) {
		if (stored.length <= NONCE) {
			throw new IllegalStateException("stored key of " + associatedData + " is too short");
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, required(), new GCMParameterSpec(TAG_BITS, stored, 0, NONCE));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			return new String(cipher.doFinal(stored, NONCE, stored.length - NONCE), StandardCharsets.UTF_8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("stored key of " + associatedData + " does not decrypt with " + PROPERTY
					+ " (wrong master key, or the row was altered)");
		}
	}

	private SecretKeySpec required() {
		if (key == null) {
			throw new IllegalStateException(PROPERTY + " is not set");
		}
		return key;
	}
}
