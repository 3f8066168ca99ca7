package com.payrecon.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** TOTP against RFC 6238 Appendix B (the SHA-1 rows) and RFC 4648's base-32 vectors; the window and the replay rule. */
class TotpTests {

	/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890" (20 bytes). */
	static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

	@ParameterizedTest(name = "T = {0} s: step {1}, code {2}")
	@CsvSource({ "59, 0000000000000001, 94287082", "1111111109, 00000000023523EC, 07081804",
			"1111111111, 00000000023523ED, 14050471", "1234567890, 000000000273EF07, 89005924",
			"2000000000, 0000000003F940AA, 69279037", "20000000000, 0000000027BC86AA, 65353130" })
	void rfc6238AppendixBSha1(long unixSeconds, String stepHex, String eightDigits) {
		long step = Totp.step(Instant.ofEpochSecond(unixSeconds));
		assertThat(step).isEqualTo(Long.parseLong(stepHex, 16));
		assertThat(Totp.code(SEED, step, 8)).isEqualTo(eightDigits);
		// six digits, as authenticator apps show them: the same number modulo 10^6
		assertThat(Totp.code(SEED, step)).isEqualTo(eightDigits.substring(2));
	}

	@Test
	void aCodeOfTheStepBeforeOrAfterIsAcceptedFurtherOffIsNot() {
		Instant now = Instant.ofEpochSecond(1111111111);
		long step = Totp.step(now);
		for (long s = step - 1; s <= step + 1; s++) {
			assertThat(Totp.match(SEED, Totp.code(SEED, s), now, Long.MIN_VALUE)).hasValue(s);
		}
		assertThat(Totp.match(SEED, Totp.code(SEED, step - 2), now, Long.MIN_VALUE)).isEmpty();
		assertThat(Totp.match(SEED, Totp.code(SEED, step + 2), now, Long.MIN_VALUE)).isEmpty();
	}

	@Test
	void aCodeOfAStepAlreadyUsedOrEarlierIsRefused() {
		Instant now = Instant.ofEpochSecond(1234567890);
		long step = Totp.step(now);
		assertThat(Totp.match(SEED, Totp.code(SEED, step), now, step - 1)).hasValue(step);
		assertThat(Totp.match(SEED, Totp.code(SEED, step), now, step)).as("replay").isEmpty();
		assertThat(Totp.match(SEED, Totp.code(SEED, step - 1), now, step)).as("older").isEmpty();
		assertThat(Totp.match(SEED, Totp.code(SEED, step + 1), now, step)).as("the next one").hasValue(step + 1);
	}

	@Test
	void malformedCodesNeverMatch() {
		Instant now = Instant.ofEpochSecond(59);
		for (String bad : new String[] { null, "", "28708", "2870821", "28708a", " 287082", "２８７０８２" }) {
			assertThat(Totp.match(SEED, bad, now, Long.MIN_VALUE)).as(String.valueOf(bad)).isEmpty();
		}
		assertThat(Totp.match(SEED, "287082", now, Long.MIN_VALUE)).hasValue(1);
	}

	@ParameterizedTest
	@CsvSource({ "'', ''", "f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI" })
	void base32AsRfc4648WithoutPadding(String plain, String encoded) {
		assertThat(Base32.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
		assertThat(Base32.decode(encoded)).isEqualTo(plain.getBytes(StandardCharsets.US_ASCII));
		assertThat(Base32.decode(encoded.toLowerCase() + "====")).isEqualTo(plain.getBytes(StandardCharsets.US_ASCII));
	}

	@Test
	void theOtpauthUriIsWhatAuthenticatorAppsRead() {
		assertThat(SecondFactors.otpauthUri("ann.lee", "JBSWY3DPEHPK3PXP"))
			.isEqualTo("otpauth://totp/PayRecon%3Aann.lee?secret=JBSWY3DPEHPK3PXP&issuer=PayRecon&algorithm=SHA1&digits=6&period=30");
		assertThat(QrCodes.svg("otpauth://totp/x")).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("<path");
	}
}
