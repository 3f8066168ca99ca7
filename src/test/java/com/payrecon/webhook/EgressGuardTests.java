package com.payrecon.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Threat case O1 for webhooks: which addresses the SSRF guard refuses, and which URLs it takes. */
class EgressGuardTests {

	static InetAddress ip(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	final EgressGuard strict = new EgressGuard(List.of(), Set.of(ip("203.0.114.7")), host -> new InetAddress[] { ip(host) }, true);

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1", "172.31.255.255",
			"192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1", "fd12:3456::1", "100.64.0.1", "100.127.255.254",
			"224.0.0.1", "ff02::1", "255.255.255.255", "240.0.0.1", "192.0.0.8", "198.18.0.1", "192.0.2.1",
			"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "::127.0.0.1",
			"2001:db8::1", "203.0.114.7" })
	void refusesInternalSpecialAndOwnAddresses(String address) {
		assertThat(strict.refusal(ip(address))).as(address).isPresent();
	}

	@ParameterizedTest
	@ValueSource(strings = { "93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
			"::ffff:93.184.216.34" })
	void letsPublicAddressesThrough(String address) {
		assertThat(strict.refusal(ip(address))).as(address).isEmpty();
	}

	@Test
	void configuredBlocksLetTheirAddressesThroughAndNothingElse() {
		EgressGuard guard = new EgressGuard(List.of("10.20.0.0/16", "127.0.0.1", "fd00::/8"), Set.of(ip("127.0.0.1")),
				host -> new InetAddress[] { ip(host) }, true);
		assertThat(guard.refusal(ip("10.20.3.4"))).isEmpty();
		assertThat(guard.refusal(ip("10.21.0.1"))).contains("private");
		assertThat(guard.refusal(ip("127.0.0.1"))).as("listed, although PayRecon's own").isEmpty();
		assertThat(guard.refusal(ip("127.0.0.2"))).contains("loopback");
		assertThat(guard.refusal(ip("fd00::5"))).isEmpty();
		assertThatThrownBy(() -> new EgressGuard(List.of("intranet.example/8"), Set.of(), h -> null, true))
			.hasMessageContaining("allowed-networks: 'intranet.example/8' is not an address block");
	}

	@Test
	void oneRefusedAddressRefusesTheHostAndTheLookupIsMadeOnce() {
		AtomicInteger lookups = new AtomicInteger();
		EgressGuard guard = new EgressGuard(List.of(), Set.of(), host -> {
			lookups.incrementAndGet();
			return new InetAddress[] { ip("93.184.216.34"), ip("10.0.0.7") };
		}, true);
		assertThatThrownBy(() -> guard.resolve("hooks.example")).isInstanceOf(EgressGuard.RefusedAddress.class)
			.hasMessageContaining("10.0.0.7 (private)");
		assertThat(lookups).hasValue(1);
	}

	@Test
	void anEndpointUrlIsAbsoluteHttpsWithoutUserInfo() {
		assertThat(strict.urlProblem("https://erp.example.com/hooks")).isEmpty();
		assertThat(strict.urlProblem("http://erp.example.com/hooks")).contains("must be https://");
		assertThat(strict.urlProblem("ftp://erp.example.com/")).isPresent();
		assertThat(strict.urlProblem("https://user:pw@erp.example.com/")).contains("must not carry a user or password");
		assertThat(strict.urlProblem("/relative")).isPresent();
		EgressGuard plain = new EgressGuard(List.of(), Set.of(), h -> null, false);
		assertThat(plain.urlProblem("http://erp.example.com/hooks")).isEmpty();
	}
}
