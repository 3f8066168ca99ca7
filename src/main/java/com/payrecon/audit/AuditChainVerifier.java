package com.payrecon.audit;

import java.util.List;

import com.payrecon.audit.AuditEntryRepository.Head;
import com.payrecon.audit.AuditEntryRepository.StoredRow;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Walks the whole audit log in id order and recomputes the hash chain: an edited row, a row inserted or deleted in
 * the middle (ids are consecutive) and rows cut from the end (the chain head remembers the last id and hash) are all
 * reported, with the first id where the chain breaks.
 */
@Component
public class AuditChainVerifier {

	private static final int CHUNK = 1000;

	private final AuditEntryRepository entries;

	AuditChainVerifier(AuditEntryRepository entries) {
		this.entries = entries;
	}

	/** @param brokenAt the first entry id that does not verify, or null when intact */
	public record ChainReport(boolean intact, long entriesChecked, Long brokenAt, String problem) {
	}

	@Transactional(readOnly = true)
	public ChainReport verify() {
		Head head = entries.head();
		String prevHash = AuditHash.GENESIS;
		long prevId = 0;
		long checked = 0;
		// entries appended after the head was read are left for the next run
		scan: while (true) {
			List<StoredRow> rows = entries.after(prevId, CHUNK);
			if (rows.isEmpty()) {
				break;
			}
			for (StoredRow row : rows) {
				if (row.id() > head.lastEntryId() && prevId == head.lastEntryId()) {
					break scan;
				}
				if (row.id() != prevId + 1) {
					return broken(checked, prevId + 1, "entry " + (prevId + 1) + " is missing");
				}
				if (!row.prevHash().equals(prevHash)) {
					return broken(checked, row.id(), "previous hash does not match entry " + prevId);
				}
				String expected = AuditHash.of(prevHash, row.id(), row.occurredAt(), row.actor(), row.action(),
						row.target(), row.outcome(), row.details(), row.remoteAddr());
				if (!expected.equals(row.hash())) {
					return broken(checked, row.id(), "content does not match its hash");
				}
				prevHash = row.hash();
				prevId = row.id();
				checked++;
			}
		}
		if (prevId != head.lastEntryId() || !prevHash.equals(head.lastHash())) {
			return broken(checked, prevId + 1, "the log ends at entry " + prevId + " but the chain head names entry "
					+ head.lastEntryId());
		}
		return new ChainReport(true, checked, null, null);
	}

	private static ChainReport broken(long checked, long id, String problem) {
		return new ChainReport(false, checked, id, problem);
	}
}
