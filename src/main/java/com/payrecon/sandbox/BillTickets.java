package com.payrecon.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Short-lived bill download tokens (v3 download_url: 5 min; Alipay bill_download_url: 30 s). In memory. */
public class BillTickets {

	public record Ticket(String merchantId, LocalDate day, String billType, boolean gzip, Instant expiresAt) {
	}

	private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
	private final Clock clock;

	public BillTickets(Clock clock) {
		this.clock = clock;
	}

	public String issue(String merchantId, LocalDate day, String billType, boolean gzip, Duration validity) {
		Instant now = clock.instant();
		tickets.values().removeIf(t -> t.expiresAt().isBefore(now.minusSeconds(600)));
		String token = SandboxCrypto.randomAlphanumeric(40);
		tickets.put(token, new Ticket(merchantId, day, billType, gzip, now.plus(validity)));
		return token;
	}

	/** The ticket if it exists; {@code expired} tells whether it may still be used. */
	public Optional<Ticket> find(String token) {
		return Optional.ofNullable(token).map(tickets::get);
	}

	public boolean expired(Ticket ticket) {
		return !clock.instant().isBefore(ticket.expiresAt());
	}
}
