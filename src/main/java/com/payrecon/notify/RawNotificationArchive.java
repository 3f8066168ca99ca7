package com.payrecon.notify;

import static com.payrecon.db.Tables.RAW_NOTIFICATION;
import static com.payrecon.db.Tables.RAW_NOTIFICATION_ARCHIVE;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.payrecon.db.tables.records.RawNotificationArchiveRecord;
import com.payrecon.db.tables.records.RawNotificationRecord;
import org.jooq.DSLContext;
import org.jooq.Field;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Raw notifications past their hot period, moved out of {@code raw_notification} into compressed archives in the
 * database (table {@code raw_notification_archive}): a few thousand rows per archive, as gzip-compressed JSON lines
 * (every column, the body in base64) with a hash manifest. Kept in the database, not in files on one node, so that
 * every node (and a backup) has them; {@link #export} writes an archive out as the two files an auditor gets. Why not
 * partitions: MySQL and MariaDB require the partition key in every unique key and allow no foreign keys on
 * partitioned tables, and dropping a month would need monthly DDL; moving small chunks needs neither.
 */
@Component
public class RawNotificationArchive {

	/** Rows per archive, and the uncompressed size at which an archive is closed early. */
	static final int MAX_ROWS = 2000;
	static final long MAX_BYTES = 8L << 20;
	static final String ARCHIVED = "ARCHIVED";
	static final String DONE = "DONE";
	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final DSLContext dsl;
	private final Clock clock;

	RawNotificationArchive(DSLContext dsl, Clock clock) {
		this.dsl = dsl;
		this.clock = clock;
	}

	/** One archive as stored. */
	public record Archived(long id, long firstId, long lastId, int rowCount, Instant firstReceivedAt,
			Instant lastReceivedAt, String contentSha256, String manifestSha256) {
	}

	/**
	 * Archives the oldest rows received before {@code before} (at most {@link #MAX_ROWS}, at most {@link #MAX_BYTES}
	 * uncompressed) in one insert; returns the archive, or empty when no row is due. Call {@link #deleteArchived}
	 * until it returns 0 first: rows of an archive whose delete was interrupted are still in the table.
	 */
	public Optional<Archived> archiveNext(Instant before) {
		List<RawNotificationRecord> rows = dsl.selectFrom(RAW_NOTIFICATION)
			.where(RAW_NOTIFICATION.RECEIVED_AT.lt(before))
			.orderBy(RAW_NOTIFICATION.RECEIVED_AT, RAW_NOTIFICATION.ID)
			.limit(MAX_ROWS)
			.fetch();
		if (rows.isEmpty()) {
			return Optional.empty();
		}
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		ByteArrayOutputStream manifest = new ByteArrayOutputStream();
		MessageDigest contentHash = sha256();
		MessageDigest manifestHash = sha256();
		List<RawNotificationRecord> taken = new ArrayList<>();
		try (GZIPOutputStream gzContent = new GZIPOutputStream(content);
				GZIPOutputStream gzManifest = new GZIPOutputStream(manifest)) {
			long bytes = 0;
			for (RawNotificationRecord row : rows) {
				byte[] line = (JSON.writeValueAsString(columns(row)) + "\n").getBytes(StandardCharsets.UTF_8);
				if (!taken.isEmpty() && bytes + line.length > MAX_BYTES) {
					break;
				}
				gzContent.write(line);
				contentHash.update(line);
				byte[] entry = (row.getId() + " " + row.getReceivedAt() + " " + row.getBodySha256() + " "
						+ HexFormat.of().formatHex(sha256().digest(line)) + "\n").getBytes(StandardCharsets.UTF_8);
				gzManifest.write(entry);
				manifestHash.update(entry);
				bytes += line.length;
				taken.add(row);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		long firstId = taken.stream().mapToLong(RawNotificationRecord::getId).min().orElseThrow();
		long lastId = taken.stream().mapToLong(RawNotificationRecord::getId).max().orElseThrow();
		Instant firstAt = taken.get(0).getReceivedAt();
		Instant lastAt = taken.get(taken.size() - 1).getReceivedAt();
		String contentSha = HexFormat.of().formatHex(contentHash.digest());
		String manifestSha = HexFormat.of().formatHex(manifestHash.digest());
		long id = dsl.insertInto(RAW_NOTIFICATION_ARCHIVE)
			.set(RAW_NOTIFICATION_ARCHIVE.FIRST_ID, firstId)
			.set(RAW_NOTIFICATION_ARCHIVE.LAST_ID, lastId)
			.set(RAW_NOTIFICATION_ARCHIVE.FIRST_RECEIVED_AT, firstAt)
			.set(RAW_NOTIFICATION_ARCHIVE.LAST_RECEIVED_AT, lastAt)
			.set(RAW_NOTIFICATION_ARCHIVE.ROW_COUNT, taken.size())
			.set(RAW_NOTIFICATION_ARCHIVE.CONTENT, content.toByteArray())
			.set(RAW_NOTIFICATION_ARCHIVE.CONTENT_SHA256, contentSha)
			.set(RAW_NOTIFICATION_ARCHIVE.MANIFEST, manifest.toByteArray())
			.set(RAW_NOTIFICATION_ARCHIVE.MANIFEST_SHA256, manifestSha)
			.set(RAW_NOTIFICATION_ARCHIVE.STATE, ARCHIVED)
			.set(RAW_NOTIFICATION_ARCHIVE.CREATED_AT, clock.instant())
			.returningResult(RAW_NOTIFICATION_ARCHIVE.ID)
			.fetchOne()
			.value1();
		return Optional.of(new Archived(id, firstId, lastId, taken.size(), firstAt, lastAt, contentSha, manifestSha));
	}

	/**
	 * Deletes up to {@code limit} rows of the oldest archive whose rows are still in the table (by the ids in its
	 * manifest; one statement, no transaction around it), and marks the archive DONE once none is left. The rows go
	 * from the hot table only after their archive is committed. Returns how many rows it deleted; 0 when every archive
	 * is DONE.
	 */
	public int deleteArchived(int limit) {
		while (true) {
			var pending = dsl.select(RAW_NOTIFICATION_ARCHIVE.ID, RAW_NOTIFICATION_ARCHIVE.MANIFEST)
				.from(RAW_NOTIFICATION_ARCHIVE)
				.where(RAW_NOTIFICATION_ARCHIVE.STATE.eq(ARCHIVED))
				.orderBy(RAW_NOTIFICATION_ARCHIVE.ID)
				.limit(1)
				.fetchOptional();
			if (pending.isEmpty()) {
				return 0;
			}
			List<Long> ids = new ArrayList<>();
			for (String entry : new String(gunzip(pending.get().value2()), StandardCharsets.UTF_8).split("\n")) {
				ids.add(Long.parseLong(entry.substring(0, entry.indexOf(' '))));
			}
			int deleted = dsl.deleteFrom(RAW_NOTIFICATION)
				.where(RAW_NOTIFICATION.ID.in(ids))
				.limit(limit)
				.execute();
			if (deleted > 0) {
				return deleted;
			}
			dsl.update(RAW_NOTIFICATION_ARCHIVE)
				.set(RAW_NOTIFICATION_ARCHIVE.STATE, DONE)
				.where(RAW_NOTIFICATION_ARCHIVE.ID.eq(pending.get().value1()))
				.execute();
		}
	}

	/** Deletes up to {@code limit} archives whose newest notification was received before {@code before}. */
	public int deleteArchivesBefore(Instant before, int limit) {
		return dsl.deleteFrom(RAW_NOTIFICATION_ARCHIVE)
			.where(RAW_NOTIFICATION_ARCHIVE.LAST_RECEIVED_AT.lt(before), RAW_NOTIFICATION_ARCHIVE.STATE.eq(DONE))
			.orderBy(RAW_NOTIFICATION_ARCHIVE.LAST_RECEIVED_AT, RAW_NOTIFICATION_ARCHIVE.ID)
			.limit(limit)
			.execute();
	}

	/**
	 * The archive's notifications, one map of columns per row, after both hashes and every manifest line were checked
	 * against the content (throws {@link TamperedArchive} otherwise).
	 */
	public List<Map<String, Object>> read(long archiveId) {
		RawNotificationArchiveRecord r = dsl.selectFrom(RAW_NOTIFICATION_ARCHIVE)
			.where(RAW_NOTIFICATION_ARCHIVE.ID.eq(archiveId))
			.fetchOptional()
			.orElseThrow(() -> new IllegalArgumentException("no raw notification archive " + archiveId));
		byte[] content = gunzip(r.getContent());
		byte[] manifest = gunzip(r.getManifest());
		check(content, r.getContentSha256(), "content");
		check(manifest, r.getManifestSha256(), "manifest");
		String[] lines = new String(content, StandardCharsets.UTF_8).split("\n");
		String[] entries = new String(manifest, StandardCharsets.UTF_8).split("\n");
		if (lines.length != r.getRowCount() || entries.length != r.getRowCount()) {
			throw new TamperedArchive("archive " + archiveId + ": " + lines.length + " lines, " + entries.length
					+ " manifest entries, " + r.getRowCount() + " rows recorded");
		}
		List<Map<String, Object>> rows = new ArrayList<>(lines.length);
		for (int i = 0; i < lines.length; i++) {
			String lineSha = HexFormat.of().formatHex(sha256().digest((lines[i] + "\n").getBytes(StandardCharsets.UTF_8)));
			if (!entries[i].endsWith(" " + lineSha)) {
				throw new TamperedArchive("archive " + archiveId + ": line " + (i + 1) + " does not match its manifest entry");
			}
			rows.add(JSON.readValue(lines[i], LinkedHashMap.class));
		}
		return rows;
	}

	/**
	 * Writes the archive out as an auditor gets it: {@code raw-notifications-<first>-<last>.jsonl.gz} (the stored bytes)
	 * and {@code .manifest} (the manifest lines, then the SHA-256 of the uncompressed JSON lines and of the .gz file).
	 */
	public List<Path> export(long archiveId, Path directory) throws IOException {
		read(archiveId); // checked before it leaves
		RawNotificationArchiveRecord r = dsl.selectFrom(RAW_NOTIFICATION_ARCHIVE)
			.where(RAW_NOTIFICATION_ARCHIVE.ID.eq(archiveId))
			.fetchOne();
		String name = "raw-notifications-" + r.getFirstId() + "-" + r.getLastId();
		Path data = directory.resolve(name + ".jsonl.gz");
		Path manifest = directory.resolve(name + ".manifest");
		Files.write(data, r.getContent());
		try (OutputStream out = Files.newOutputStream(manifest)) {
			out.write(gunzip(r.getManifest()));
			out.write(("sha256(jsonl) " + r.getContentSha256() + "\nsha256(" + data.getFileName() + ") "
					+ HexFormat.of().formatHex(sha256().digest(r.getContent())) + "\n").getBytes(StandardCharsets.UTF_8));
		}
		return List.of(data, manifest);
	}

	/** An archive whose bytes no longer match what was recorded when it was made. */
	public static class TamperedArchive extends IllegalStateException {
		TamperedArchive(String message) {
			super(message);
		}
	}

	private static void check(byte[] bytes, String expected, String what) {
		String actual = HexFormat.of().formatHex(sha256().digest(bytes));
		if (!actual.equals(expected)) {
			throw new TamperedArchive("archive " + what + " SHA-256 " + actual + " is not the recorded " + expected);
		}
	}

	private static Map<String, Object> columns(RawNotificationRecord row) {
		Map<String, Object> columns = new LinkedHashMap<>();
		for (Field<?> field : row.fields()) {
			Object value = row.get(field);
			columns.put(field.getName(), value instanceof Instant instant ? instant.toString() : value);
		}
		return columns;
	}

	private static Archived toArchived(RawNotificationArchiveRecord r) {
		return new Archived(r.getId(), r.getFirstId(), r.getLastId(), r.getRowCount(), r.getFirstReceivedAt(),
				r.getLastReceivedAt(), r.getContentSha256(), r.getManifestSha256());
	}

	private static byte[] gunzip(byte[] gz) {
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new TamperedArchive("archive is not readable gzip: " + ex.getMessage());
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
