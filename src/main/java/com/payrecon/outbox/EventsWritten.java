package com.payrecon.outbox;

import java.util.Set;

/** Published after a transaction that wrote events committed (on the node that wrote them). */
public record EventsWritten(Set<String> accounts, int count) {
}
