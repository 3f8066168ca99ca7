package com.payrecon.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Console passwords after NIST SP 800-63B (issue 11): at least {@value #MIN_LENGTH} characters, up to
 * {@value #MAX_LENGTH} of any kind (spaces, any Unicode; compared after NFKC normalisation), no composition rules,
 * and not one of the common passwords shipped in {@code security/common-passwords.txt} (nor one repeated, nor
 * containing the login or the product's name).
 *
 * <p>Hashing: BCrypt looks at the first 72 bytes only (Spring Security refuses more, which used to answer 500; 64
 * Chinese characters are 192 bytes). Passwords are therefore pre-hashed: {@code {bcrypt-sha256}} stores
 * BCrypt(Base64(HMAC-SHA256("payrecon-password-v1", NFKC(password)))), 44 ASCII bytes, so every character counts.
 * The HMAC key is not a secret: it only makes the inner hash differ from a plain SHA-256 of the password, so a hash
 * from some other breach cannot be tried against the BCrypt directly ("password shucking"). Hashes of the older
 * {@code {bcrypt}} form still verify (they come from passwords of at most 72 bytes; a longer attempt simply does not
 * match) and are re-hashed at the next successful login.
 */
@Component
public class ConsolePasswords {

	public static final int MIN_LENGTH = 12;
	public static final int MAX_LENGTH = 256;
	static final String ENCODING_ID = "bcrypt-sha256";
	private static final byte[] PRE_HASH_KEY = "payrecon-password-v1".getBytes(StandardCharsets.US_ASCII);
	private static final String LIST = "security/common-passwords.txt";

	private final Set<String> common;

	ConsolePasswords() {
		this.common = load();
	}

	/** {@code {bcrypt-sha256}} for new hashes; older {@code {bcrypt}} hashes still verify. */
	public static PasswordEncoder encoder() {
		BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
		Map<String, PasswordEncoder> encoders = new HashMap<>();
		encoders.put(ENCODING_ID, new PreHashedBCrypt(bcrypt));
		encoders.put("bcrypt", new LegacyBCrypt(bcrypt));
		return new DelegatingPasswordEncoder(ENCODING_ID, encoders);
	}

	/** The message key of what is wrong with {@code candidate} as {@code login}'s new password; empty when fine. */
	public Optional<String> problem(String login, String candidate) {
		if (candidate == null) {
			return Optional.of("password.rule.length");
		}
		String normalised = normalise(candidate);
		int length = normalised.codePointCount(0, normalised.length());
		if (length < MIN_LENGTH || length > MAX_LENGTH) {
			return Optional.of("password.rule.length");
		}
		if (normalised.isBlank()) {
			return Optional.of("password.rule.length");
		}
		String lower = normalised.toLowerCase(Locale.ROOT);
		if (common.contains(lower) || common.contains(lower.strip()) || repeats(lower)) {
			return Optional.of("password.rule.common");
		}
		String user = login == null ? "" : login.toLowerCase(Locale.ROOT);
		if ((!user.isEmpty() && lower.contains(user)) || lower.contains("payrecon")) {
			return Optional.of("password.rule.context");
		}
		return Optional.empty();
	}

	/** Common passwords repeated ({@code passwordpassword}) or one character throughout. */
	private boolean repeats(String lower) {
		int n = lower.length();
		for (int unit = 1; unit <= n / 2; unit++) {
			if (n % unit != 0) {
				continue;
			}
			String part = lower.substring(0, unit);
			if (part.repeat(n / unit).equals(lower) && (unit <= 3 || common.contains(part))) {
				return true;
			}
		}
		return false;
	}

	static String normalise(String password) {
		return Normalizer.normalize(password, Normalizer.Form.NFKC);
	}

	private static Set<String> load() {
		Set<String> words = new HashSet<>();
		try (InputStream in = ConsolePasswords.class.getClassLoader().getResourceAsStream(LIST)) {
			if (in == null) {
				throw new IllegalStateException(LIST + " is missing from the class path");
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isBlank() && !line.startsWith("#")) {
					words.add(line.strip().toLowerCase(Locale.ROOT));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return Set.copyOf(words);
	}

	int commonCount() {
		return common.size();
	}

	/** BCrypt over a fixed-length digest of the normalised password: no length limit, every character counts. */
	static final class PreHashedBCrypt implements PasswordEncoder {

		private final BCryptPasswordEncoder bcrypt;

		PreHashedBCrypt(BCryptPasswordEncoder bcrypt) {
			this.bcrypt = bcrypt;
		}

		@Override
		public String encode(CharSequence raw) {
			return bcrypt.encode(preHash(raw));
		}

		@Override
		public boolean matches(CharSequence raw, String encoded) {
			return raw != null && encoded != null && bcrypt.matches(preHash(raw), encoded);
		}

		static String preHash(CharSequence raw) {
			try {
				Mac mac = Mac.getInstance("HmacSHA256");
				mac.init(new SecretKeySpec(PRE_HASH_KEY, "HmacSHA256"));
				byte[] digest = mac.doFinal(normalise(raw.toString()).getBytes(StandardCharsets.UTF_8));
				return Base64.getEncoder().encodeToString(digest);
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("JDK lacks HmacSHA256", ex);
			}
		}
	}

	/** The older {@code {bcrypt}} hashes: verify only; a password above BCrypt's 72 bytes cannot be one of them. */
	static final class LegacyBCrypt implements PasswordEncoder {

		private final BCryptPasswordEncoder bcrypt;

		LegacyBCrypt(BCryptPasswordEncoder bcrypt) {
			this.bcrypt = bcrypt;
		}

		@Override
		public String encode(CharSequence raw) {
			throw new UnsupportedOperationException("new passwords are hashed as {" + ENCODING_ID + "}");
		}

		@Override
		public boolean matches(CharSequence raw, String encoded) {
			if (raw == null || raw.toString().getBytes(StandardCharsets.UTF_8).length > 72) {
				return false;
			}
			return bcrypt.matches(raw, encoded);
		}
	}
}
