package com.payrecon.bench;

import static com.payrecon.bench.BenchReport.f;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The collector's stop-the-world pauses while it is open, from the JVM's own notifications (one per collection or
 * pause: G1's young and mixed collections, its remark and cleanup pauses; ZGC's pause beans), so that a latency tail
 * can be set beside the pauses in the same window. Not thread-safe to read while open; {@link #close()} first.
 */
final class GcPauses implements NotificationListener, AutoCloseable {

	/**
	 * Beans whose "collections" are concurrent cycles, not pauses: their durations are not stopped time (ZGC and
	 * Shenandoah report their pauses on beans of their own; G1's "G1 Concurrent GC" bean reports remark and cleanup
	 * pauses, and is kept).
	 */
	private static final List<String> CONCURRENT = List.of("ZGC Major Cycles", "ZGC Minor Cycles", "ZGC Cycles",
			"Shenandoah Cycles");

	private final List<NotificationEmitter> emitters = new ArrayList<>();
	private final List<Long> millis = java.util.Collections.synchronizedList(new ArrayList<>());

	private GcPauses() {
		for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (bean instanceof NotificationEmitter emitter && !CONCURRENT.contains(bean.getName())) {
				emitter.addNotificationListener(this, null, null);
				emitters.add(emitter);
			}
		}
	}

	static GcPauses open() {
		return new GcPauses();
	}

	@Override
	public void handleNotification(Notification notification, Object handback) {
		if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
			millis.add(info.getGcInfo().getDuration());
		}
	}

	@Override
	public void close() {
		for (NotificationEmitter emitter : emitters) {
			try {
				emitter.removeNotificationListener(this);
			}
			catch (ListenerNotFoundException ex) {
				// not registered: nothing to remove
			}
		}
	}

	int count() {
		return millis.size();
	}

	long totalMillis() {
		return millis.stream().mapToLong(Long::longValue).sum();
	}

	long longestMillis() {
		return millis.stream().mapToLong(Long::longValue).max().orElse(0);
	}

	/** "n, total / longest ms", for a table cell. */
	String text() {
		return f("%d, %d / %d", count(), totalMillis(), longestMillis());
	}
}
