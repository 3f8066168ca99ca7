package com.payrecon.console;

import java.time.Clock;
import java.time.Duration;

import com.payrecon.security.Totp;

/**
 * The authenticator app of a test user: computes TOTP codes from the user's secret with the application's clock (the
 * tests' {@code MutableClock}). PayRecon refuses a code of a step already used, so each code comes from a step later
 * than the last one handed out: the current step, else the next one (the server accepts ± one); a third sign-in of
 * the same user within one step waits for the next step (at most 30 s).
 */
public final class Authenticator {

	private final byte[] secret;
	private final Clock clock;
	private long lastStep = Long.MIN_VALUE;

	public Authenticator(byte[] secret, Clock clock) {
		this.secret = secret.clone();
		this.clock = clock;
	}

	public synchronized String nextCode() {
		long now = Totp.step(clock.instant());
		if (lastStep >= now + 1) {
			waitForStep(lastStep);
			now = Totp.step(clock.instant());
		}
		long step = Math.max(now, lastStep + 1);
		lastStep = step;
		return Totp.code(secret, step);
	}

	/** The code of the current step, whether used or not (to show that a replay is refused). */
	public String currentCode() {
		return Totp.code(secret, Totp.step(clock.instant()));
	}

	public synchronized void used(long step) {
		lastStep = Math.max(lastStep, step);
	}

	private void waitForStep(long step) {
		long deadline = System.nanoTime() + Duration.ofSeconds(Totp.STEP_SECONDS + 5).toNanos();
		while (Totp.step(clock.instant()) < step) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the clock does not move (set by the test?): no fresh TOTP step for a third "
						+ "sign-in of one user");
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}
}
