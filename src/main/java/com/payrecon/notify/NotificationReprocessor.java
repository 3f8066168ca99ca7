package com.payrecon.notify;

import java.util.Optional;

import com.payrecon.notify.RawNotificationRepository.StoredNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Runs a stored notification through verification and application again: after a crash between storing and
 * applying, after the database was away, or once a missing order or key exists. The v3 timestamp window is measured
 * against the time the notification was received, not now. Applying stays exactly-once.
 */
@Service
public class NotificationReprocessor {

	private static final Logger log = LoggerFactory.getLogger(NotificationReprocessor.class);

	private final RawNotificationRepository rawLog;
	private final NotificationProcessor processor;

	NotificationReprocessor(RawNotificationRepository rawLog, NotificationProcessor processor) {
		this.rawLog = rawLog;
		this.processor = processor;
	}

	/** Empty when there is no such stored notification. */
	public Optional<NotificationProcessor.Outcome> reprocess(long rawId, String actor) {
		Optional<StoredNotification> stored = rawLog.find(rawId);
		stored.ifPresent(s -> log.info("Re-processing raw notification {} (was {}) for {}", rawId, s.verdict(), actor));
		return stored.map(s -> processor.process(rawId, s.request()));
	}
}
