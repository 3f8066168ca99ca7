package com.payrecon.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The events as a feed ({@code GET /api/events}): per account in sequence order, several accounts merged by when
 * they were written. The cursor is opaque to consumers: it holds each account's last number read, so a page after it
 * never skips an event committed late (numbers are taken in commit order, and an account's events are handed out only
 * up to the first number not visible yet: {@link OutboxRepository#after}) nor repeats one.
 */
@Service
public class EventFeed {

	static final String VERSION = "v1.";

	/** A page: the events (oldest first), the cursor to ask after, and whether more are waiting. */
	public record Page(List<OutboxEvent> events, String next, boolean more) {
	}

	/** A cursor that is not one of ours. */
	public static class BadCursor extends IllegalArgumentException {
		BadCursor() {
			super("not a cursor returned by this feed");
		}
	}

	private final OutboxRepository events;

	EventFeed(OutboxRepository events) {
		this.events = events;
	}

	/** Up to {@code limit} events of these accounts after the cursor ({@code null}: from the first). */
	@Transactional(readOnly = true)
	public Page after(Collection<String> accounts, String cursor, int limit) {
		Map<String, Long> positions = new TreeMap<>();
		accounts.forEach(a -> positions.put(a, 0L));
		decode(cursor).forEach((account, seq) -> {
			if (positions.containsKey(account)) { // positions of other accounts are not this reader's
				positions.put(account, seq);
			}
		});
		List<OutboxEvent> candidates = new ArrayList<>();
		positions.forEach((account, seq) -> candidates.addAll(events.after(account, seq, limit + 1)));
		candidates.sort(Comparator.comparingLong(OutboxEvent::id));
		List<OutboxEvent> page = candidates.subList(0, Math.min(limit, candidates.size()));
		// an account's events are taken in its own order: the merge never takes seq n+1 before seq n
		for (OutboxEvent e : page) {
			positions.put(e.accountId(), e.seq());
		}
		return new Page(List.copyOf(page), encode(positions), candidates.size() > page.size());
	}

	static String encode(Map<String, Long> positions) {
		StringBuilder text = new StringBuilder();
		positions.forEach((account, seq) -> {
			if (seq > 0) {
				text.append(text.isEmpty() ? "" : ";").append(account).append('=').append(seq);
			}
		});
		return VERSION + Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
	}

	static Map<String, Long> decode(String cursor) {
		Map<String, Long> positions = new LinkedHashMap<>();
		if (cursor == null || cursor.isBlank()) {
			return positions;
		}
		if (!cursor.startsWith(VERSION) || cursor.length() > 8_000) {
			throw new BadCursor();
		}
		try {
			String text = new String(Base64.getUrlDecoder().decode(cursor.substring(VERSION.length())), StandardCharsets.UTF_8);
			if (text.isEmpty()) {
				return positions;
			}
			for (String part : text.split(";")) {
				int eq = part.lastIndexOf('=');
				long seq = Long.parseLong(part.substring(eq + 1));
				if (eq <= 0 || seq < 0) {
					throw new BadCursor();
				}
				positions.put(part.substring(0, eq), seq);
			}
			return positions;
		}
		catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
			throw new BadCursor();
		}
	}
}
