package com.payrecon.sandbox;

import java.time.Clock;

import com.payrecon.sandbox.SandboxMerchants.CallFault;

/** Latency and refusals of API calls, per merchant (see {@link SandboxProperties.Faults}). */
public class CallFaults {

	private final SandboxMerchants merchants;
	private final Clock clock;

	public CallFaults(SandboxMerchants merchants, Clock clock) {
		this.merchants = merchants;
		this.clock = clock;
	}

	/** Sleeps the configured latency, then draws the call's fate. */
	public CallFault draw(SandboxMerchant merchant) {
		long latency = merchants.latencyMillis(merchant.id());
		if (latency > 0) {
			try {
				Thread.sleep(latency);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return merchants.drawCall(merchant.id(), clock.instant());
	}
}
