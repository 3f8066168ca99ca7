package com.payrecon.webhook;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.payrecon.account.AccountRegistry;
import com.payrecon.audit.AuditAction;
import com.payrecon.audit.AuditLog;
import com.payrecon.audit.AuditOutcome;
import com.payrecon.outbox.EventType;
import com.payrecon.outbox.OutboxRepository;
import com.payrecon.security.Refused;
import com.payrecon.security.SecretCipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Webhook endpoints: the configured ones ({@code payrecon.webhooks[]}, checked at start-up and kept in step with the
 * configuration) and the ones admins create in the console. Admins create, disable, enable and rotate secrets (with
 * an overlap during which both secrets sign); every step is audited. A secret is shown once, when it is made, and
 * stored sealed with the master key; a configured secret stays in the configuration until rotated here.
 */
@Service
public class WebhookEndpoints implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(WebhookEndpoints.class);
	static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
	public static final String SYSTEM = "webhook-delivery";
	/** The reason of a status change starts with who made it: an admin, the delivery (failures) or the configuration. */
	public static final String BY_ADMIN = "admin: ";
	public static final String BY_FAILURE = "failure: ";
	public static final String BY_CONFIGURATION = "configuration: ";

	/** A new endpoint and its secret, which is shown this once. */
	public record CreatedEndpoint(WebhookEndpoint endpoint, String secret) {
		@Override
		public String toString() {
			return "CreatedEndpoint[" + endpoint.name() + ", secret=****]";
		}
	}

	private final EndpointRepository endpoints;
	private final OutboxRepository events;
	private final SecretCipher cipher;
	private final AuditLog audit;
	private final Clock clock;
	private final DeliveryProperties delivery;
	private final EgressGuard guard;
	private final AccountRegistry accounts;
	/** Configured secrets by endpoint name (the HMAC keys, never logged). */
	private final Map<String, byte[]> configuredKeys = new LinkedHashMap<>();
	private final List<WebhooksProperties.ConfiguredEndpoint> configured;

	WebhookEndpoints(EndpointRepository endpoints, OutboxRepository events, SecretCipher cipher, AuditLog audit,
			Clock clock, DeliveryProperties delivery, EgressGuard guard, AccountRegistry accounts,
			WebhooksProperties properties) {
		this.endpoints = endpoints;
		this.events = events;
		this.cipher = cipher;
		this.audit = audit;
		this.clock = clock;
		this.delivery = delivery;
		this.guard = guard;
		this.accounts = accounts;
		this.configured = properties.webhooks();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < configured.size(); i++) {
			var c = configured.get(i);
			String prefix = "payrecon.webhooks[" + i + "]";
			if (c.name() == null || !NAME.matcher(c.name()).matches()) {
				throw new IllegalStateException(prefix + ".name: required, letters, digits, '.', '-', '_' (at most 64)");
			}
			if (!names.add(c.name())) {
				throw new IllegalStateException(prefix + ".name: '" + c.name() + "' is used twice");
			}
			if (c.url() == null || guard.urlProblem(c.url()).isPresent()) {
				throw new IllegalStateException(prefix + ".url: " + (c.url() == null ? "required" : guard.urlProblem(c.url()).get()));
			}
			try {
				configuredKeys.put(c.name(), WebhookSignature.key(AccountRegistry.secret(c.secret(), prefix + ".secret")));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(prefix + ".secret: " + ex.getMessage());
			}
			checkFilters(c.accounts(), c.eventTypes()).ifPresent(problem -> {
				throw new IllegalStateException(prefix + "." + problem);
			});
		}
	}

	/** After start-up: the configured endpoints are in the table, as configured; ones no longer configured are off. */
	@Override
	public void afterSingletonsInstantiated() {
		Instant now = clock.instant();
		Set<String> names = new HashSet<>();
		for (var c : configured) {
			names.add(c.name());
			if (endpoints.insert(c.name(), c.url(), WebhookEndpoint.CONFIG, c.accounts(), c.eventTypes(), null,
					events.maxId() + 1, "configuration", now)) {
				log.info("Webhook endpoint '{}' from the configuration: {}", c.name(), hostOf(c.url()));
			}
			else {
				endpoints.updateConfigured(c.name(), c.url(), c.accounts(), c.eventTypes(), now);
			}
		}
		for (WebhookEndpoint e : endpoints.all()) {
			if (e.origin().equals(WebhookEndpoint.CONFIG) && !names.contains(e.name()) && e.enabled()) {
				endpoints.moveStatus(e, EndpointStatus.DISABLED, BY_CONFIGURATION + "no longer in payrecon.webhooks", now);
				log.warn("Webhook endpoint '{}' is no longer configured: disabled", e.name());
			}
		}
	}

	public List<WebhookEndpoint> list() {
		return endpoints.all();
	}

	public Optional<WebhookEndpoint> find(long id) {
		return endpoints.find(id);
	}

	/** Whether new secrets can be stored (a master key is configured). */
	public boolean canStoreSecrets() {
		return cipher.available();
	}

	@Transactional
	@PreAuthorize("hasRole('ADMIN') and #actor == authentication.name")
	public CreatedEndpoint create(String name, String url, List<String> accountIds, List<String> eventTypes, String actor) {
		String n = name == null ? "" : name.strip();
		String u = url == null ? "" : url.strip();
		if (!NAME.matcher(n).matches()) {
			throw new Refused("webhooks.refused.name");
		}
		Optional<String> urlProblem = guard.urlProblem(u);
		if (urlProblem.isPresent()) {
			throw new Refused("webhooks.refused.url", urlProblem.get());
		}
		String host = URI.create(u).getHost();
		try {
			guard.resolve(host);
		}
		catch (EgressGuard.RefusedAddress ex) {
			throw new Refused("webhooks.refused.address", ex.getMessage());
		}
		catch (java.net.UnknownHostException ex) {
			throw new Refused("webhooks.refused.unknownHost", host);
		}
		checkFilters(accountIds, eventTypes).ifPresent(problem -> {
			throw new Refused("webhooks.refused.filter", problem);
		});
		if (!cipher.available()) {
			throw new Refused("webhooks.refused.noMasterKey");
		}
		String secret = WebhookSignature.newSecret();
		Instant now = clock.instant();
		if (!endpoints.insert(n, u, WebhookEndpoint.CONSOLE, accountIds, eventTypes,
				cipher.encrypt(secret, aad(n, "current")), events.maxId() + 1, actor, now)) {
			throw new Refused("webhooks.refused.nameTaken", n);
		}
		WebhookEndpoint created = endpoints.findByName(n).orElseThrow();
		audit.record(actor, AuditAction.WEBHOOK_ENDPOINT_CREATED, target(created), AuditOutcome.SUCCESS,
				"url " + u + ", accounts " + describe(created.accounts()) + ", events " + describe(created.eventTypes()));
		return new CreatedEndpoint(created, secret);
	}

	@Transactional
	@PreAuthorize("hasRole('ADMIN') and #actor == authentication.name")
	public WebhookEndpoint disable(long id, String actor) {
		WebhookEndpoint e = endpoints.find(id).orElseThrow(() -> new Refused("webhooks.refused.unknown", id));
		move(e, EndpointStatus.DISABLED, BY_ADMIN + actor);
		audit.record(actor, AuditAction.WEBHOOK_ENDPOINT_DISABLED, target(e), AuditOutcome.SUCCESS, null);
		return endpoints.find(id).orElseThrow();
	}

	@Transactional
	@PreAuthorize("hasRole('ADMIN') and #actor == authentication.name")
	public WebhookEndpoint enable(long id, String actor) {
		WebhookEndpoint e = endpoints.find(id).orElseThrow(() -> new Refused("webhooks.refused.unknown", id));
		if (e.origin().equals(WebhookEndpoint.CONFIG) && !configuredKeys.containsKey(e.name()) && !e.rotated()) {
			throw new Refused("webhooks.refused.notConfigured", e.name());
		}
		move(e, EndpointStatus.ENABLED, BY_ADMIN + actor);
		audit.record(actor, AuditAction.WEBHOOK_ENDPOINT_ENABLED, target(e), AuditOutcome.SUCCESS,
				"events written while it was disabled are not sent unless redelivered");
		return endpoints.find(id).orElseThrow();
	}

	/**
	 * A new secret; the old one keeps signing beside it for {@code payrecon.webhook-delivery.rotation-overlap}, so
	 * that the receiver can switch without losing a delivery. The new secret is returned this once.
	 */
	@Transactional
	@PreAuthorize("hasRole('ADMIN') and #actor == authentication.name")
	public CreatedEndpoint rotate(long id, String actor) {
		WebhookEndpoint e = endpoints.find(id).orElseThrow(() -> new Refused("webhooks.refused.unknown", id));
		if (!cipher.available()) {
			throw new Refused("webhooks.refused.noMasterKey");
		}
		Instant now = clock.instant();
		String secret = WebhookSignature.newSecret();
		String old = currentSecret(e);
		Instant until = now.plus(delivery.rotationOverlap());
		if (!endpoints.rotate(e, cipher.encrypt(secret, aad(e.name(), "current")),
				old == null ? null : cipher.encrypt(old, aad(e.name(), "previous")), until, now)) {
			throw new Refused("webhooks.refused.concurrent", e.name());
		}
		audit.record(actor, AuditAction.WEBHOOK_SECRET_ROTATED, target(e), AuditOutcome.SUCCESS,
				"both secrets sign until " + until);
		return new CreatedEndpoint(endpoints.find(id).orElseThrow(), secret);
	}

	/** Automatic: the receiver answered 410 Gone, or the endpoint failed for {@code disable-after}. Audited. */
	@Transactional
	public void disableFailing(WebhookEndpoint e, String reason) {
		if (move(e, EndpointStatus.DISABLED, BY_FAILURE + reason)) {
			audit.record(SYSTEM, AuditAction.WEBHOOK_ENDPOINT_DISABLED, target(e), AuditOutcome.SUCCESS, reason);
			log.warn("Webhook endpoint '{}' disabled: {}", e.name(), reason);
		}
	}

	/** The HMAC keys to sign with now: the current one first, the previous one during a rotation's overlap. */
	List<byte[]> keys(WebhookEndpoint e, Instant now) {
		EndpointRepository.Sealed sealed = endpoints.sealed(e.id());
		List<byte[]> keys = new ArrayList<>();
		if (sealed.current() != null) {
			keys.add(WebhookSignature.key(cipher.decrypt(sealed.current(), aad(e.name(), "current"))));
		}
		else if (configuredKeys.containsKey(e.name())) {
			keys.add(configuredKeys.get(e.name()));
		}
		if (sealed.previous() != null && sealed.previousUntil() != null && sealed.previousUntil().isAfter(now)) {
			keys.add(WebhookSignature.key(cipher.decrypt(sealed.previous(), aad(e.name(), "previous"))));
		}
		return keys;
	}

	/** Previous secrets past their overlap are wiped (called by the deliverer now and then). */
	@Transactional
	public int wipeExpiredSecrets() {
		return endpoints.wipeExpiredPrevious(clock.instant());
	}

	private String currentSecret(WebhookEndpoint e) {
		EndpointRepository.Sealed sealed = endpoints.sealed(e.id());
		if (sealed.current() != null) {
			return cipher.decrypt(sealed.current(), aad(e.name(), "current"));
		}
		byte[] configuredKey = configuredKeys.get(e.name());
		return configuredKey == null ? null : WebhookSignature.PREFIX + java.util.Base64.getEncoder().encodeToString(configuredKey);
	}

	private boolean move(WebhookEndpoint e, EndpointStatus to, String reason) {
		if (e.status() == to) {
			return false;
		}
		if (!e.status().canMoveTo(to) || !endpoints.moveStatus(e, to, reason, clock.instant())) {
			throw new Refused("webhooks.refused.concurrent", e.name());
		}
		return true;
	}

	private Optional<String> checkFilters(List<String> accountIds, List<String> types) {
		for (String a : accountIds) {
			if (accounts.find(a).isEmpty()) {
				return Optional.of("accounts: no account '" + a + "' in payrecon.accounts");
			}
		}
		for (String t : types) {
			if (EventType.fromWire(t).isEmpty()) {
				return Optional.of("event-types: no event type '" + t + "'");
			}
		}
		return Optional.empty();
	}

	static String aad(String name, String slot) {
		return "webhook-endpoint/" + name + "/" + slot;
	}

	static String target(WebhookEndpoint e) {
		return "webhook:" + e.name();
	}

	private static String describe(Set<String> values) {
		return values.isEmpty() ? "all" : String.join(",", values);
	}

	private static String hostOf(String url) {
		try {
			return URI.create(url).getHost();
		}
		catch (IllegalArgumentException ex) {
			return "?";
		}
	}
}
