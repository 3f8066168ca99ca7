package com.payrecon.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Slows down password guessing (threat case C3, issue 11) without letting anyone lock somebody else out:
 * <ul>
 * <li>per login <em>and</em> address: {@code maxFailures} failures in a row lock that address out of that login for
 * {@code lockDuration}; the same login from any other address is not affected, so nobody can keep an admin out
 * from elsewhere. Known and unknown logins are counted alike, so the answers never tell whether a login exists;</li>
 * <li>per address, whichever logins it tries (credential stuffing): after {@code ipFreeFailures} failures each
 * further failure doubles the wait before the next attempt is even looked at (1 s, 2 s, ... up to
 * {@code ipMaxDelay}).</li>
 * </ul>
 * Attempts refused while a throttle holds are only counted here; {@link LoginAttempts} writes one audit row per
 * address for them from time to time ({@link #drainRefusals}). IPv6 addresses count by their /64 (one host usually
 * has the whole prefix). Kept in memory: per node, forgotten at restart; bounded under a spray from many addresses.
 */
@Component
public class LoginThrottle {

	private static final int MAX_ENTRIES = 100_000;

	private record Failures(int count, Instant last, Instant notBefore) {
	}

	/** Attempts refused while throttled, not yet audited. */
	record Refusals(String address, int count, Instant first, Instant last, Set<String> logins) {
	}

	/** What a failure did: the wait now imposed, and whether a throttle began with it. */
	record Failure(Duration waitFor, boolean loginLockedNow, boolean addressThrottledNow) {
		boolean blocked() {
			return !waitFor.isZero();
		}
	}

	private final ConcurrentHashMap<String, Failures> byAddress = new ConcurrentHashMap<>();
	private final ConcurrentHashMap<String, Failures> byLoginAndAddress = new ConcurrentHashMap<>();
	private final ConcurrentHashMap<String, Refusals> refusals = new ConcurrentHashMap<>();
	private final ConsoleSecurityProperties properties;
	private final Clock clock;

	LoginThrottle(ConsoleSecurityProperties properties, Clock clock) {
		this.properties = properties;
		this.clock = clock;
	}

	/** How long {@code address} must still wait before it may try {@code login}; zero when it may try now. */
	public Duration retryAfter(String login, String address) {
		Instant now = clock.instant();
		Duration a = remaining(byAddress.get(key(address)), now);
		Duration b = remaining(byLoginAndAddress.get(pair(login, address)), now);
		return a.compareTo(b) >= 0 ? a : b;
	}

	/** How long {@code address} must still wait, whichever login it tries. */
	public Duration retryAfter(String address) {
		return remaining(byAddress.get(key(address)), clock.instant());
	}

	/** Counts a failed attempt of {@code login} from {@code address}. */
	Failure failed(String login, String address) {
		Instant now = clock.instant();
		boolean addressWasFree = retryAfter(address).isZero();
		Failures perAddress = byAddress.compute(key(address), (k, old) -> {
			int count = fresh(old, now) ? 1 : old.count() + 1;
			return new Failures(count, now, now.plus(delay(count)));
		});
		Failures perPair = byLoginAndAddress.compute(pair(login, address), (k, old) -> {
			boolean lockOver = old != null && old.count() >= properties.maxFailures() && !old.notBefore().isAfter(now);
			int count = fresh(old, now) || lockOver ? 1 : old.count() + 1;
			return new Failures(count, now, count >= properties.maxFailures() ? now.plus(properties.lockDuration()) : now);
		});
		if (byAddress.size() + byLoginAndAddress.size() > MAX_ENTRIES) {
			byAddress.entrySet().removeIf(e -> fresh(e.getValue(), now));
			byLoginAndAddress.entrySet().removeIf(e -> fresh(e.getValue(), now));
		}
		Duration wait = retryAfter(login, address);
		boolean loginLocked = perPair.count() == properties.maxFailures();
		boolean addressThrottled = addressWasFree && perAddress.notBefore().isAfter(now);
		return new Failure(wait, loginLocked, addressThrottled);
	}

	/** A successful login clears the failures of that login from that address. */
	void succeeded(String login, String address) {
		byLoginAndAddress.remove(pair(login, address));
	}

	/** Counts an attempt refused while throttled (nothing else is written for it now). */
	void refused(String login, String address) {
		Instant now = clock.instant();
		refusals.compute(key(address), (k, old) -> {
			Set<String> logins = old == null ? new LinkedHashSet<>() : old.logins();
			if (logins.size() < 5) {
				logins.add(login);
			}
			return old == null ? new Refusals(k, 1, now, now, logins)
					: new Refusals(k, old.count() + 1, old.first(), now, logins);
		});
		if (refusals.size() > MAX_ENTRIES) {
			refusals.clear(); // a spray from that many addresses: the failures before each throttle are audited
		}
	}

	/**
	 * Takes the counted refusals that are due for their audit row: those of an address quiet for {@code quiet}, or
	 * counting for {@code period} already (one row per address and period however long an attack goes on).
	 */
	List<Refusals> drainRefusals(Duration quiet, Duration period) {
		Instant now = clock.instant();
		List<Refusals> due = new ArrayList<>();
		for (String address : List.copyOf(refusals.keySet())) {
			refusals.computeIfPresent(address, (k, r) -> {
				if (!r.last().plus(quiet).isAfter(now) || !r.first().plus(period).isAfter(now)) {
					due.add(r);
					return null;
				}
				return r;
			});
		}
		return due;
	}

	Duration delay(int failures) {
		int over = failures - properties.ipFreeFailures();
		if (over <= 0) {
			return Duration.ZERO;
		}
		Duration delay = Duration.ofSeconds(1L << Math.min(over - 1, 20));
		return delay.compareTo(properties.ipMaxDelay()) > 0 ? properties.ipMaxDelay() : delay;
	}

	/**
	 * Until when some address is locked out of {@code login} (this node), if any is: what the users page shows.
	 */
	public Optional<Instant> lockedUntil(String login) {
		Instant now = clock.instant();
		return byLoginAndAddress.entrySet().stream()
			.filter(e -> loginOf(e.getKey()).equals(ConsoleUserRepository.normalise(login)))
			.map(e -> e.getValue().notBefore())
			.filter(until -> until.isAfter(now))
			.max(Instant::compareTo);
	}

	/**
	 * An administrator unlocks {@code login}: its failures from every address are forgotten (this node). Addresses
	 * slowed down for failing whatever login they try keep their own delay. Returns until when it was locked.
	 */
	Optional<Instant> unlock(String login) {
		Optional<Instant> was = lockedUntil(login);
		byLoginAndAddress.keySet().removeIf(key -> loginOf(key).equals(ConsoleUserRepository.normalise(login)));
		return was;
	}

	/** The login part of a {@link #pair} key (an address never contains '@'; a login tried may). */
	private static String loginOf(String pairKey) {
		return pairKey.substring(0, pairKey.lastIndexOf('@'));
	}

	/** Forgets every address (tests, or an operator unblocking an office after an incident). */
	public void clear() {
		byAddress.clear();
		byLoginAndAddress.clear();
		refusals.clear();
	}

	private boolean fresh(Failures old, Instant now) {
		return old == null || (old.last().plus(properties.ipForgetAfter()).isBefore(now) && !old.notBefore().isAfter(now));
	}

	private static Duration remaining(Failures f, Instant now) {
		return f == null || !f.notBefore().isAfter(now) ? Duration.ZERO : Duration.between(now, f.notBefore());
	}

	private static String pair(String login, String address) {
		return ConsoleUserRepository.normalise(login) + "@" + key(address);
	}

	/** The address as throttled: IPv4 as is, IPv6 by its /64. */
	static String key(String address) {
		if (address == null) {
			return "?";
		}
		if (address.indexOf(':') < 0) {
			return address;
		}
		try {
			byte[] bytes = InetAddress.getByName(address).getAddress();
			if (bytes.length != 16) {
				return address;
			}
			StringBuilder prefix = new StringBuilder();
			for (int i = 0; i < 8; i += 2) {
				prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
			}
			return prefix.append(":/64").toString();
		}
		catch (UnknownHostException ex) {
			return address;
		}
	}
}
