package com.payrecon.account;

import static com.payrecon.db.Tables.PROVIDER_CERTIFICATE;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.payrecon.account.CertificateSource.Downloaded;
import com.payrecon.account.ProviderCertificate.Kind;
import com.payrecon.account.ProviderCertificate.Source;
import com.payrecon.crypto.AlipayCertificates;
import com.payrecon.db.tables.records.ProviderCertificateRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The provider certificates every node verifies with, besides the configured keys: WeChat Pay v3 platform
 * certificates (certificate mode) and Alipay certificates (certificate mode). Several per account are in force at
 * once (old and new during a rotation); a message is verified only with the one it names by serial or SN, never
 * with "any that verifies".
 * <ul>
 * <li><b>Shared by every node</b>: downloads are stored in {@code provider_certificate}; each node checks the table's
 * fingerprint every {@code payrecon.keys.sync-interval} (5 s) and re-reads it when it moved, so a certificate one node
 * downloaded is in force on every node within that interval (plus one query).</li>
 * <li><b>Refresh on an unknown serial</b> ({@link #refresh}): one download per account at a time (concurrent
 * callers wait for it: a burst of notifications causes exactly one), at most once per
 * {@code payrecon.keys.refresh-throttle} (1 min), before the caller answers the provider's retryable failure.</li>
 * <li><b>Refresh on a timer</b> ({@link KeySync}'s own, not a batch-jobs entry): every minute, each WeChat v3 account
 * in certificate mode whose newest download is older than {@code payrecon.keys.refresh-interval} (1 h) downloads
 * again.</li>
 * </ul>
 */
@Service
public class ProviderCertificates {

	private static final Logger log = LoggerFactory.getLogger(ProviderCertificates.class);

	public static final String DOWNLOADS_METRIC = "payrecon.certificates.downloads";

	private final DSLContext dsl;
	private final Clock clock;
	private final KeysProperties properties;
	private final AccountRegistry accounts;
	private final ObjectProvider<CertificateSource> sources;
	private final ObjectProvider<MeterRegistry> meters;
	private final @Nullable MasterKeyCipher cipher;
	private final Map<String, Flight> flights = new ConcurrentHashMap<>();
	private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	private volatile Map<String, List<ProviderCertificate>> stored = Map.of();
	private volatile Fingerprint fingerprint = new Fingerprint(-1, -1);

	ProviderCertificates(DSLContext dsl, Clock clock, KeysProperties properties, AccountRegistry accounts,
			ObjectProvider<CertificateSource> sources, ObjectProvider<MeterRegistry> meters,
			@Nullable MasterKeyCipher cipher) {
		this.cipher = cipher;
		this.dsl = dsl;
		this.clock = clock;
		this.properties = properties;
		this.accounts = accounts;
		this.sources = sources;
		this.meters = meters;
	}

	/** What made a download happen (metric tag). */
	public enum Trigger {
		UNKNOWN_SERIAL, SCHEDULE, MANUAL
	}

	private record Fingerprint(long rows, long versions) {
	}

	/** The download in flight for one account, and when the last one for an unknown serial started. */
	private static final class Flight {
		@Nullable CompletableFuture<Boolean> running;
		Instant lastStart = Instant.EPOCH;
	}

	// ---- lookups ------------------------------------------------------------------------------------------------

	/** The certificate of this account named {@code serial}, if it is in force now. */
	public Optional<ProviderCertificate> find(Account account, Kind kind, String serial) {
		Instant now = clock.instant();
		return all(account).stream()
			.filter(c -> c.kind() == kind && c.serial().equalsIgnoreCase(serial) && c.usableAt(now))
			.findFirst();
	}

	/**
	 * Alipay's certificate for messages that name none (notifications): the newest in force (latest notBefore, then
	 * the one learnt last) among the configured one and those learnt since.
	 */
	public Optional<ProviderCertificate> currentAlipay(Account account) {
		Instant now = clock.instant();
		return all(account).stream()
			.filter(c -> c.kind() == Kind.ALIPAY && c.usableAt(now))
			.max(Comparator.comparing(ProviderCertificate::notBefore)
				.thenComparing(c -> c.lastSeenAt() == null ? Instant.EPOCH : c.lastSeenAt()));
	}

	/** Every certificate of the account, configured and learnt, in force or not (for the console and metrics). */
	public List<ProviderCertificate> all(Account account) {
		List<ProviderCertificate> out = new ArrayList<>();
		AlipayCertificateMode alipay = account.certificates().alipay();
		if (alipay != null) {
			out.add(new ProviderCertificate(account.id(), Kind.ALIPAY, alipay.alipayCertSn(), alipay.alipayChain(),
					alipay.alipayCertificate().getNotBefore().toInstant(),
					alipay.alipayCertificate().getNotAfter().toInstant(), Source.CONFIGURED, null));
		}
		for (ProviderCertificate c : stored.getOrDefault(account.id(), List.of())) {
			if (out.stream().noneMatch(o -> o.kind() == c.kind() && o.serial().equalsIgnoreCase(c.serial()))) {
				out.add(c);
			}
		}
		return out;
	}

	// ---- refresh ------------------------------------------------------------------------------------------------

	/**
	 * Downloads the account's certificates now unless another request is doing so (then waits for it, at most
	 * {@code refresh-wait}) or one started less than {@code refresh-throttle} ago. Never throws: a failed download is
	 * logged and counted.
	 * @return whether a certificate named {@code serial} is in force afterwards
	 */
	public boolean refresh(Account account, Kind kind, @Nullable String serial, Trigger trigger) {
		if (serial != null && find(account, kind, serial).isPresent()) {
			return true;
		}
		Flight flight = flights.computeIfAbsent(account.id() + "/" + kind, k -> new Flight());
		CompletableFuture<Boolean> mine = null;
		CompletableFuture<Boolean> theirs;
		synchronized (flight) {
			theirs = flight.running;
			if (theirs == null) {
				Instant now = clock.instant();
				if (trigger == Trigger.UNKNOWN_SERIAL) {
					// what messages name is not ours to decide: forged serials must not cause a download each
					if (Duration.between(flight.lastStart, now).compareTo(properties.refreshThrottle()) < 0) {
						log.info("Account {}: {} download for serial {} throttled (last one at {})", account.id(), kind,
								serial, flight.lastStart);
						return false;
					}
					flight.lastStart = now;
				}
				mine = new CompletableFuture<>();
				flight.running = mine;
			}
		}
		if (mine == null) {
			try {
				theirs.get(properties.refreshWait().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (TimeoutException | java.util.concurrent.ExecutionException ex) {
				// the download goes on without us: answer with what is known
			}
			return serial != null && find(account, kind, serial).isPresent();
		}
		boolean ok = false;
		try {
			ok = download(account, kind, serial, trigger);
		}
		finally {
			synchronized (flight) {
				flight.running = null;
			}
			mine.complete(ok);
		}
		return serial == null ? ok : find(account, kind, serial).isPresent();
	}

	private boolean download(Account account, Kind kind, @Nullable String serial, Trigger trigger) {
		CertificateSource source = sources.orderedStream()
			.filter(s -> s.channel() == account.channel())
			.findFirst()
			.orElse(null);
		if (source == null) {
			return false;
		}
		String outcome = "stored";
		try {
			List<Downloaded> downloaded = source.download(account, serial);
			store(account.id(), downloaded);
			log.info("Account {}: {} certificate(s) downloaded ({}): {}", account.id(), downloaded.size(), trigger,
					downloaded.stream().map(Downloaded::serial).toList());
			return true;
		}
		catch (CertificateSource.DownloadFailed ex) {
			outcome = "failed";
			log.warn("Account {}: {} certificate download failed ({}): {}", account.id(), kind, trigger, ex.getMessage());
			return false;
		}
		catch (RuntimeException ex) {
			outcome = "error";
			log.warn("Account {}: {} certificate download failed ({}): {}", account.id(), kind, trigger, ex.toString());
			return false;
		}
		finally {
			MeterRegistry registry = meters.getIfAvailable();
			if (registry != null) {
				Counter.builder(DOWNLOADS_METRIC)
					.tag("account", account.id())
					.tag("trigger", trigger.name().toLowerCase(java.util.Locale.ROOT))
					.tag("outcome", outcome)
					.register(registry)
					.increment();
			}
		}
	}

	/**
	 * Stores (or marks as seen again) downloaded certificates, sealed with the master key when one is configured, then
	 * re-reads the table on this node at once. A download is verified before it gets here, so what it says replaces what
	 * the row held (a row with the same serial written by anyone else is overwritten, not believed).
	 */
	void store(String accountId, List<Downloaded> downloaded) {
		Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		for (Downloaded d : downloaded) {
			Instant notBefore = d.notBefore().truncatedTo(ChronoUnit.MICROS);
			Instant notAfter = d.notAfter().truncatedTo(ChronoUnit.MICROS);
			byte[] seal = seal(accountId, d.kind(), d.serial(), d.chainPem(), notBefore, notAfter);
			dsl.insertInto(PROVIDER_CERTIFICATE)
				.set(PROVIDER_CERTIFICATE.ACCOUNT_ID, accountId)
				.set(PROVIDER_CERTIFICATE.KIND, d.kind().name())
				.set(PROVIDER_CERTIFICATE.SERIAL, d.serial())
				.set(PROVIDER_CERTIFICATE.CERTIFICATE_PEM, d.chainPem())
				.set(PROVIDER_CERTIFICATE.NOT_BEFORE, notBefore)
				.set(PROVIDER_CERTIFICATE.NOT_AFTER, notAfter)
				.set(PROVIDER_CERTIFICATE.SOURCE, Source.DOWNLOADED.name())
				.set(PROVIDER_CERTIFICATE.ADDED_AT, now)
				.set(PROVIDER_CERTIFICATE.LAST_SEEN_AT, now)
				.set(PROVIDER_CERTIFICATE.SEAL, seal)
				.onDuplicateKeyIgnore() // (jOOQ's MySQL upsert renders "AS excluded", which MariaDB lacks)
				.execute();
			dsl.update(PROVIDER_CERTIFICATE)
				.set(PROVIDER_CERTIFICATE.LAST_SEEN_AT, now)
				.set(PROVIDER_CERTIFICATE.CERTIFICATE_PEM, d.chainPem())
				.set(PROVIDER_CERTIFICATE.NOT_BEFORE, notBefore)
				// WeChat shortens expire_time before a replacement (protocols-refunds-credentials.md C.1)
				.set(PROVIDER_CERTIFICATE.NOT_AFTER, notAfter)
				.set(PROVIDER_CERTIFICATE.SEAL, seal)
				.set(PROVIDER_CERTIFICATE.VERSION, PROVIDER_CERTIFICATE.VERSION.plus(1))
				.where(PROVIDER_CERTIFICATE.ACCOUNT_ID.eq(accountId), PROVIDER_CERTIFICATE.KIND.eq(d.kind().name()),
						PROVIDER_CERTIFICATE.SERIAL.eq(d.serial()))
				.execute();
		}
		reload();
	}

	/** The row's seal: a GCM tag over what the row says, or none without a master key. */
	private byte @Nullable [] seal(String accountId, Kind kind, String serial, String pem, Instant notBefore,
			Instant notAfter) {
		return cipher != null && cipher.available()
				? cipher.encrypt("", sealed(accountId, kind, serial, pem, notBefore, notAfter)) : null;
	}

	/** Whether a stored row is PayRecon's own: always without a master key (nothing can be sealed then). */
	private boolean sealVerifies(ProviderCertificateRecord r) {
		if (cipher == null || !cipher.available()) {
			return true;
		}
		if (r.getSeal() == null) {
			return false;
		}
		try {
			cipher.decrypt(r.getSeal(), sealed(r.getAccountId(), Kind.valueOf(r.getKind()), r.getSerial(),
					r.getCertificatePem(), r.getNotBefore(), r.getNotAfter()));
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	private static String sealed(String accountId, Kind kind, String serial, String pem, Instant notBefore,
			Instant notAfter) {
		return "provider_certificate/" + accountId + "/" + kind + "/" + serial.toUpperCase(java.util.Locale.ROOT) + "/"
				+ notBefore.truncatedTo(ChronoUnit.MICROS) + "/" + notAfter.truncatedTo(ChronoUnit.MICROS) + "/"
				+ pem;
	}

	// ---- keeping nodes in step ----------------------------------------------------------------------------------

	/** Re-reads the table if another node changed it since the last read. */
	void sync() {
		Fingerprint now = current();
		if (!now.equals(fingerprint)) {
			reload();
		}
	}

	private Fingerprint current() {
		var row = dsl.select(DSL.count(), DSL.coalesce(DSL.sum(PROVIDER_CERTIFICATE.VERSION), DSL.inline(java.math.BigDecimal.ZERO)))
			.from(PROVIDER_CERTIFICATE)
			.fetchOne();
		return new Fingerprint(row.value1(), row.value2().longValue());
	}

	synchronized void reload() {
		Fingerprint before = current();
		Map<String, List<ProviderCertificate>> byAccount = new LinkedHashMap<>();
		for (var r : dsl.selectFrom(PROVIDER_CERTIFICATE).orderBy(PROVIDER_CERTIFICATE.ID).fetch()) {
			if (!sealVerifies(r)) {
				// not stored by PayRecon after a verified download (written by hand, altered, or stored before
				// sealing): never believed; the next download of that serial stores it properly
				log.warn("provider_certificate {} (account {}, serial {}): its seal does not verify with the master key, ignored",
						r.getId(), r.getAccountId(), r.getSerial());
				continue;
			}
			ProviderCertificate certificate;
			try {
				certificate = new ProviderCertificate(r.getAccountId(), Kind.valueOf(r.getKind()), r.getSerial(),
						AlipayCertificates.chain(r.getCertificatePem()), r.getNotBefore(), r.getNotAfter(),
						Source.valueOf(r.getSource()), r.getLastSeenAt());
			}
			catch (IllegalArgumentException ex) {
				log.warn("provider_certificate {}: unreadable ({}), ignored", r.getId(), ex.getMessage());
				continue;
			}
			byAccount.computeIfAbsent(r.getAccountId(), k -> new ArrayList<>()).add(certificate);
		}
		byAccount.replaceAll((k, v) -> List.copyOf(v));
		this.stored = Map.copyOf(byAccount);
		this.fingerprint = before;
		listeners.forEach(Runnable::run);
	}

	/** Runs {@code listener} after every re-read of the learnt certificates (the expiry metric). */
	void onChange(Runnable listener) {
		listeners.add(listener);
	}

	/** Downloads for every v3 account in certificate mode whose newest download is older than refresh-interval. */
	void scheduledRefreshes() {
		Instant now = clock.instant();
		for (Account account : accounts.all()) {
			if (!account.certificates().downloadPlatformCertificates()) {
				continue;
			}
			Instant newest = stored.getOrDefault(account.id(), List.of())
				.stream()
				.filter(c -> c.kind() == Kind.WECHATPAY_PLATFORM && c.lastSeenAt() != null)
				.map(ProviderCertificate::lastSeenAt)
				.max(Comparator.naturalOrder())
				.orElse(Instant.EPOCH);
			if (Duration.between(newest, now).compareTo(properties.refreshInterval()) >= 0) {
				refresh(account, Kind.WECHATPAY_PLATFORM, null, Trigger.SCHEDULE);
			}
		}
	}
}
