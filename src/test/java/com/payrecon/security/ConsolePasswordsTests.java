package com.payrecon.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Issue 11: NIST SP 800-63B passwords, and BCrypt's 72-byte limit no longer in the way. */
class ConsolePasswordsTests {

	final ConsolePasswords passwords = new ConsolePasswords();
	final PasswordEncoder encoder = ConsolePasswords.encoder();

	@Test
	void lengthCountsCharactersFromTwelveToTwoHundredFiftySixOfAnyKindWithoutCompositionRules() {
		assertThat(passwords.problem("alice", "elevenchars")).hasValue("password.rule.length");
		assertThat(passwords.problem("alice", "twelve chars")).isEmpty(); // lower case and a space only: fine
		assertThat(passwords.problem("alice", "我的密码是一个很长的句子吧")).isEmpty(); // 13 Chinese characters
		assertThat(passwords.problem("alice", "😀😀😀😀😀😀😀😀😀😀😀")).as("11 code points").hasValue("password.rule.length");
		assertThat(passwords.problem("alice", "a".repeat(0) + "correct horse battery staple ".repeat(8).strip())).isEmpty();
		assertThat(passwords.problem("alice", "x".repeat(257))).hasValue("password.rule.length");
		assertThat(passwords.problem("alice", "            ")).hasValue("password.rule.length");
	}

	@Test
	void commonPasswordsTheirRepetitionsAndTheLoginAreRefused() {
		assertThat(passwords.commonCount()).isGreaterThan(5_000);
		assertThat(passwords.problem("alice", "qwerty123456")).hasValue("password.rule.common");
		assertThat(passwords.problem("alice", "1q2w3e4r5t6y")).hasValue("password.rule.common");
		assertThat(passwords.problem("alice", "PasswordPassword")).hasValue("password.rule.common");
		assertThat(passwords.problem("alice", "aaaaaaaaaaaaaaaa")).hasValue("password.rule.common");
		assertThat(passwords.problem("alice", "alice-in-wonderland")).hasValue("password.rule.context");
		assertThat(passwords.problem("alice", "my payrecon password")).hasValue("password.rule.context");
	}

	@Test
	void passwordsLongerThanBcryptsSeventyTwoBytesHashAndEveryCharacterCounts() {
		String chinese = "这是一个比七十二个字节还要长得多的密码因为每个汉字在UTF8里占三个字节所以很快就超过了"; // > 72 bytes
		assertThat(chinese.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(72);
		String hash = encoder.encode(chinese);
		assertThat(hash).startsWith("{bcrypt-sha256}");
		assertThat(encoder.matches(chinese, hash)).isTrue();
		// differs only after byte 72: plain BCrypt would take it for the same password
		assertThat(encoder.matches(chinese + "!", hash)).isFalse();
		String ascii = "a".repeat(100);
		assertThat(encoder.matches("a".repeat(99) + "b", encoder.encode(ascii))).isFalse();
		// NFKC: the full-width and the ordinary form are the same password
		assertThat(encoder.matches("ＰａｙＲｅｃｏｎ ｓｅｃｒｅｔ", encoder.encode("PayRecon secret"))).isTrue();
	}

	@Test
	void olderBcryptHashesStillVerifyAndALongAttemptAgainstThemIsAPlainMismatch() {
		String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode("legacy password 2025");
		assertThat(encoder.matches("legacy password 2025", legacy)).isTrue();
		assertThat(encoder.matches("x".repeat(200), legacy)).isFalse(); // no exception, so no 500
		assertThat(encoder.upgradeEncoding(legacy)).isTrue();
	}
}
