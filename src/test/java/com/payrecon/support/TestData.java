package com.payrecon.support;

import java.util.concurrent.atomic.AtomicLong;

/** Fresh identifiers, so that tests sharing one database never collide. */
public final class TestData {

	private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);

	private TestData() {
	}

	/** 6–32 characters of [A-Za-z0-9_-], unique in this JVM run. */
	public static String outTradeNo() {
		return "IT" + SEQUENCE.incrementAndGet();
	}

	public static String transactionId() {
		return "4200" + SEQUENCE.incrementAndGet();
	}
}
