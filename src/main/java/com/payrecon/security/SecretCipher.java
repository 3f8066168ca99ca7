package com.payrecon.security;

/**
 * Encrypts small secrets at rest (second-factor secrets) with the master key ({@code payrecon.secrets.master-key}).
 * The associated data binds a ciphertext to its place, so a value copied to another row does not decrypt. Implemented
 * by the account module's master-key cipher; security only needs this much of it.
 */
public interface SecretCipher {

	/** False when no master key is configured: nothing can be sealed. */
	boolean available();

	byte[] encrypt(String plain, String associatedData);

	String decrypt(byte[] sealed, String associatedData);
}
