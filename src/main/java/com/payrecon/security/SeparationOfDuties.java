package com.payrecon.security;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who may approve whose proposal (keys, reconciliation adjustments). Nobody approves their own. Beyond that, one
 * admin must not get around maker-checker by making a second account to approve with: whenever a user hands power or
 * access to another (creates the user, adds a role, enables them, resets their password or second factor: the
 * moments one person could end up holding both accounts), the two are <em>tied</em> for
 * {@code payrecon.console.handover-tie} (7 days), and so are any two users the same person handed power to in that
 * time. Tied users do not approve each other's proposals. The wait is the time others have to notice a new account
 * (audit entries {@code USER_CREATED}, {@code USER_ROLES_CHANGED}, ..., the users page); handovers by {@code system}
 * (the first admin, demo users) tie nobody.
 */
@Service
public class SeparationOfDuties {

	/** The kinds of handover. */
	public enum Handover {
		CREATED, ROLES_ADDED, ENABLED, PASSWORD_RESET, SECOND_FACTOR_RESET
	}

	private final HandoverRepository handovers;
	private final ConsoleDutiesProperties properties;
	private final Clock clock;

	SeparationOfDuties(HandoverRepository handovers, ConsoleDutiesProperties properties, Clock clock) {
		this.handovers = handovers;
		this.properties = properties;
		this.clock = clock;
	}

	/** Records a handover (in the caller's transaction). */
	@Transactional
	public void handedOver(String login, String by, Handover kind, String detail) {
		handovers.insert(login, by, kind.name(), detail, clock.instant());
	}

	/**
	 * Why {@code approver} may not approve a proposal of {@code proposer} now; empty when they may.
	 * @return a refusal ({@code duties.own} or {@code duties.tied} with the handover and when the tie ends)
	 */
	@Transactional(readOnly = true)
	public Optional<Refused> refusal(String proposer, String approver) {
		if (proposer.equals(approver)) {
			return Optional.of(new Refused("duties.own"));
		}
		Instant now = clock.instant();
		List<HandoverRepository.Handover> tying = handovers.tying(proposer, approver, now.minus(properties.handoverTie()));
		if (tying.isEmpty()) {
			return Optional.empty();
		}
		HandoverRepository.Handover latest = tying.get(0);
		return Optional.of(new Refused("duties.tied", proposer, approver, latest.by(), latest.kind(), latest.login(),
				latest.at().plus(properties.handoverTie()).toString()));
	}

	/** The same as {@link #refusal} and thrown. */
	public void checkMayApprove(String proposer, String approver) {
		refusal(proposer, approver).ifPresent(r -> {
			throw r;
		});
	}
}
