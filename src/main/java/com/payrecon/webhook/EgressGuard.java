package com.payrecon.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.hc.client5.http.DnsResolver;

/**
 * The SSRF guard of outbound webhook requests (threat case O1). A URL must be absolute {@code https://} (or
 * {@code http://} where allowed), without user info. Its host is resolved here, every address is checked, and the
 * connection is made to exactly those addresses: the HTTP client asks this resolver and nothing else, so a DNS answer
 * that changes between the check and the connection (rebinding) cannot redirect it. Refused: loopback, unspecified,
 * link-local (cloud metadata at 169.254.169.254), private (RFC 1918, unique-local fc00::/7), carrier-grade NAT
 * (100.64.0.0/10), multicast, broadcast and reserved blocks, IPv4 embedded in IPv6 (mapped, NAT64) when the embedded
 * address is refused, and PayRecon's own addresses (its interfaces and its public URL's host), unless a configured
 * CIDR block lets the address through. One refused address refuses the host.
 */
public final class EgressGuard implements DnsResolver {

	/** Looks a host up (the system's DNS; tests give their own). */
	@FunctionalInterface
	public interface Lookup {
		InetAddress[] lookup(String host) throws UnknownHostException;
	}

	/** A refusal: an {@link UnknownHostException}, so that the HTTP client never connects. */
	public static final class RefusedAddress extends UnknownHostException {
		RefusedAddress(String message) {
			super(message);
		}
	}

	private final List<Cidr> allowed;
	private final Set<InetAddress> own;
	private final Lookup lookup;
	private final boolean requireHttps;

	public EgressGuard(List<String> allowedNetworks, Set<InetAddress> own, Lookup lookup, boolean requireHttps) {
		List<Cidr> blocks = new ArrayList<>();
		for (String block : allowedNetworks) {
			blocks.add(Cidr.parse(block));
		}
		this.allowed = List.copyOf(blocks);
		this.own = Set.copyOf(own);
		this.lookup = lookup;
		this.requireHttps = requireHttps;
	}

	/** Why the URL cannot be an endpoint's, without looking its host up; empty when its form is fine. */
	public Optional<String> urlProblem(String url) {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (Exception ex) {
			return Optional.of("not a URL");
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("https") && !(scheme.equals("http") && !requireHttps)) {
			return Optional.of(requireHttps ? "must be https://" : "must be https:// or http://");
		}
		if (uri.getHost() == null || uri.getHost().isBlank()) {
			return Optional.of("has no host");
		}
		if (uri.getRawUserInfo() != null) {
			return Optional.of("must not carry a user or password");
		}
		if (uri.getRawFragment() != null) {
			return Optional.of("must not carry a fragment");
		}
		return Optional.empty();
	}

	/** Resolves and checks, as the HTTP client does before every new connection. */
	@Override
	public InetAddress[] resolve(String host) throws UnknownHostException {
		String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
		InetAddress[] addresses = lookup.lookup(bare);
		if (addresses == null || addresses.length == 0) {
			throw new UnknownHostException(host + ": no address");
		}
		for (InetAddress address : addresses) {
			Optional<String> refusal = refusal(address);
			if (refusal.isPresent()) {
				throw new RefusedAddress(host + " resolves to " + address.getHostAddress() + " (" + refusal.get()
						+ "): refused, see payrecon.webhook-delivery.allowed-networks");
			}
		}
		return addresses;
	}

	@Override
	public List<java.net.InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
		List<java.net.InetSocketAddress> out = new ArrayList<>();
		for (InetAddress address : resolve(host)) {
			out.add(new java.net.InetSocketAddress(address, port));
		}
		return out;
	}

	@Override
	public String resolveCanonicalHostname(String host) throws UnknownHostException {
		return host; // never used for the connection; no reverse lookup
	}

	/** Why a connection to this address is refused; empty when it is allowed. */
	public Optional<String> refusal(InetAddress address) {
		for (Cidr block : allowed) {
			if (block.contains(address)) {
				return Optional.empty();
			}
		}
		if (own.contains(address)) {
			return Optional.of("PayRecon's own address");
		}
		return forbidden(address);
	}

	static Optional<String> forbidden(InetAddress address) {
		if (address instanceof Inet6Address v6) {
			byte[] b = v6.getAddress();
			Inet4Address embedded = embeddedIpv4(b);
			if (embedded != null) {
				return forbidden(embedded).map(r -> r + ", embedded in IPv6");
			}
			if ((b[0] & 0xfe) == 0xfc) {
				return Optional.of("unique-local");
			}
			if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
				return Optional.of("documentation");
			}
		}
		if (address.isLoopbackAddress()) {
			return Optional.of("loopback");
		}
		if (address.isAnyLocalAddress()) {
			return Optional.of("unspecified");
		}
		if (address.isLinkLocalAddress()) {
			return Optional.of("link-local");
		}
		if (address.isSiteLocalAddress()) {
			return Optional.of("private");
		}
		if (address.isMulticastAddress()) {
			return Optional.of("multicast");
		}
		if (address instanceof Inet4Address) {
			byte[] b = address.getAddress();
			int a0 = b[0] & 0xff;
			int a1 = b[1] & 0xff;
			int a2 = b[2] & 0xff;
			if (a0 == 0) {
				return Optional.of("this network");
			}
			if (a0 == 100 && (a1 & 0xc0) == 64) {
				return Optional.of("carrier-grade NAT");
			}
			if (a0 == 192 && a1 == 0 && a2 == 0) {
				return Optional.of("IETF protocol assignments");
			}
			if (a0 == 192 && a1 == 0 && a2 == 2 || a0 == 198 && a1 == 51 && a2 == 100 || a0 == 203 && a1 == 0 && a2 == 113) {
				return Optional.of("documentation");
			}
			if (a0 == 198 && (a1 & 0xfe) == 18) {
				return Optional.of("benchmarking");
			}
			if (a0 >= 240) {
				return Optional.of("reserved");
			}
		}
		return Optional.empty();
	}

	/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96) or NAT64 (64:ff9b::/96) one. */
	private static Inet4Address embeddedIpv4(byte[] b) {
		boolean zeros80 = true;
		for (int i = 0; i < 10; i++) {
			zeros80 &= b[i] == 0;
		}
		boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
		boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
		boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
		for (int i = 4; nat64 && i < 12; i++) {
			nat64 = b[i] == 0;
		}
		if (!mapped && !compatible && !nat64) {
			return null;
		}
		try {
			return (Inet4Address) InetAddress.getByAddress(new byte[] { b[12], b[13], b[14], b[15] });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An address block, {@code 10.0.0.0/8} or {@code fd00::/8} (a bare address is a /32 or /128). */
	record Cidr(byte[] network, int bits) {

		static Cidr parse(String text) {
			String[] parts = text.strip().split("/", 2);
			boolean literal = parts[0].matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
					|| parts[0].contains(":") && parts[0].matches("[0-9a-fA-F:.]+");
			if (!literal) { // a literal only: never a name to look up
				throw new IllegalArgumentException("payrecon.webhook-delivery.allowed-networks: '" + text
						+ "' is not an address block (a.b.c.d/n or an IPv6 block)");
			}
			try {
				InetAddress address = InetAddress.getByName(parts[0]);
				int max = address.getAddress().length * 8;
				int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
				if (bits < 0 || bits > max) {
					throw new IllegalArgumentException("payrecon.webhook-delivery.allowed-networks: '" + text + "': bad prefix length");
				}
				return new Cidr(address.getAddress(), bits);
			}
			catch (UnknownHostException | NumberFormatException ex) {
				throw new IllegalArgumentException("payrecon.webhook-delivery.allowed-networks: '" + text
						+ "' is not an address block (a.b.c.d/n or an IPv6 block)");
			}
		}

		boolean contains(InetAddress address) {
			byte[] a = address.getAddress();
			if (a.length != network.length) {
				return false;
			}
			int full = bits / 8;
			for (int i = 0; i < full; i++) {
				if (a[i] != network[i]) {
					return false;
				}
			}
			int rest = bits % 8;
			if (rest == 0) {
				return true;
			}
			int mask = 0xff << (8 - rest) & 0xff;
			return (a[full] & mask) == (network[full] & mask);
		}
	}
}
