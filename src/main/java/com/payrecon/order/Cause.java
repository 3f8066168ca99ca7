package com.payrecon.order;

/**
 * Who or what asked for a change, and why: recorded with every order event.
 *
 * @param actor API client name, job run id, operator login, or "notify"
 * @param rawNotificationId the notification behind a NOTIFY event, else null
 */
public record Cause(EventSource source, String actor, Long rawNotificationId, String reason) {

	public static Cause notification(long rawNotificationId, String reason) {
		return new Cause(EventSource.NOTIFY, "notify", rawNotificationId, reason);
	}

	/** A signed provider answer to one of our calls (query, micropay, reverse) made for {@code actor}. */
	public static Cause query(String actor, String reason) {
		return new Cause(EventSource.QUERY, actor, null, reason);
	}

	public static Cause api(String client, String reason) {
		return new Cause(EventSource.API, client, null, reason);
	}

	/** How an outbound event tells this cause: the kind of source, never who. */
	public com.payrecon.outbox.EventCause eventCause() {
		return OrderOutbox.cause(source);
	}

	/** Which job or path asked, for outbound events of provider queries and jobs; null otherwise. */
	public String eventTrigger() {
		return OrderOutbox.trigger(this);
	}

	/**
	 * Who asked, coarsely (bounded values, for metrics and outbound events): a job run {@code <job>#<execution>}
	 * gives the job name ({@code stale-pending-sweep}, {@code reconciliation}), a follow-up query
	 * {@code <trigger>:<notification id>} its trigger ({@code verification-failure}, {@code payer-return}), anything
	 * else (an operator, an API client) {@code manual}.
	 */
	public static String triggerOf(String actor) {
		if (actor == null) {
			return "manual";
		}
		java.util.regex.Matcher followUp = FOLLOW_UP.matcher(actor);
		if (followUp.matches()) {
			return followUp.group(1);
		}
		int hash = actor.indexOf('#');
		if (hash > 0 && hash + 1 < actor.length() && actor.substring(hash + 1).chars().allMatch(Character::isDigit)) {
			return actor.substring(0, hash);
		}
		return "manual";
	}

	private static final java.util.regex.Pattern FOLLOW_UP = java.util.regex.Pattern.compile("([a-z][a-z-]*):[0-9]+");
}
