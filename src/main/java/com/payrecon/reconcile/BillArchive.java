package com.payrecon.reconcile;

import static com.payrecon.db.Tables.BILL_ARCHIVE;
import static com.payrecon.db.Tables.BILL_ARCHIVE_CHUNK;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.payrecon.provider.HashCheckingInputStream;
import com.payrecon.provider.HashCheckingInputStream.HashMismatchException;
import com.payrecon.provider.PaymentProvider.BillDownload;
import org.jooq.DSLContext;

import org.springframework.stereotype.Component;

/**
 * Keeps a downloaded (or imported) bill, byte for byte, in the database with its SHA-256, before a line of it is
 * matched: every node reads the same bytes (the match step, a restart on another node, maker-checker). A v3 SHA1
 * mismatch (thrown by the stream at its end), an empty file or one over the size cap is rejected here, so nothing of
 * it is ever matched (threat case O2). The bytes go in pieces of {@link #PIECE} bytes, each gzip-compressed and
 * written in its own statement (no transaction holds a whole bill); reading checks the SHA-256 again at the end.
 * A dry run's bill goes to a temporary file instead (a dry run keeps nothing).
 */
@Component
class BillArchive {

	/** Uncompressed bytes per stored piece. */
	static final int PIECE = 1 << 20;

	static final String STORING = "STORING";
	static final String STORED = "STORED";

	/** The bill is not usable: recorded as the run's FAILED reason, retried by a later run. */
	static class BillRejected extends IOException {
		BillRejected(String message) {
			super(message);
		}
	}

	/**
	 * A bill kept for a run: in the database ({@code id}) or, for a dry run, in a temporary file ({@code file}).
	 */
	record Archived(Long id, Path file, String sha256, long bytes) {
	}

	private final ReconcileProperties properties;
	private final DSLContext dsl;
	private final Clock clock;

	BillArchive(ReconcileProperties properties, DSLContext dsl, Clock clock) {
		this.properties = properties;
		this.dsl = dsl;
		this.clock = clock;
	}

	/** Stores the bill in the database; {@code source}: PROVIDER or IMPORT. */
	Archived store(String accountId, LocalDate day, BillDownload download, String source, String createdBy)
			throws IOException {
		long id = dsl.insertInto(BILL_ARCHIVE)
			.set(BILL_ARCHIVE.ACCOUNT_ID, accountId)
			.set(BILL_ARCHIVE.BUSINESS_DATE, day)
			.set(BILL_ARCHIVE.FORMAT, download.format())
			.set(BILL_ARCHIVE.SOURCE, source)
			.set(BILL_ARCHIVE.STATE, STORING)
			.set(BILL_ARCHIVE.CREATED_BY, createdBy)
			.set(BILL_ARCHIVE.CREATED_AT, clock.instant())
			.returningResult(BILL_ARCHIVE.ID)
			.fetchOne()
			.value1();
		PieceWriter pieces = new PieceWriter(id);
		Copied copied;
		try {
			copied = copy(download, pieces);
			pieces.flush();
		}
		catch (IOException | RuntimeException ex) {
			delete(id);
			throw ex;
		}
		dsl.update(BILL_ARCHIVE)
			.set(BILL_ARCHIVE.STATE, STORED)
			.set(BILL_ARCHIVE.SHA256, copied.sha256())
			.set(BILL_ARCHIVE.BYTES, copied.bytes())
			.set(BILL_ARCHIVE.STORED_BYTES, pieces.stored)
			.set(BILL_ARCHIVE.CHUNK_COUNT, pieces.seq)
			.set(BILL_ARCHIVE.VERSION, BILL_ARCHIVE.VERSION.plus(1))
			.where(BILL_ARCHIVE.ID.eq(id))
			.execute();
		return new Archived(id, null, copied.sha256(), copied.bytes());
	}

	/** Same checks, into a temporary file that the caller deletes (dry runs keep nothing). */
	Archived storeTemporarily(BillDownload download) throws IOException {
		Path dir = Files.createTempDirectory("payrecon-dry-run");
		Path file = dir.resolve("bill");
		Copied copied;
		try (OutputStream out = Files.newOutputStream(file)) {
			copied = copy(download, out);
		}
		catch (IOException | RuntimeException ex) {
			deleteTemporary(file);
			throw ex;
		}
		return new Archived(null, file, copied.sha256(), copied.bytes());
	}

	static void deleteTemporary(Path file) {
		if (file == null) {
			return;
		}
		try {
			Files.deleteIfExists(file);
			Files.deleteIfExists(file.getParent());
		}
		catch (IOException ex) {
			// a temporary directory left behind holds no secrets; the OS cleans it
		}
	}

	/**
	 * The bill's bytes, streamed piece by piece from the database; a bill whose stored bytes no longer hash to the
	 * recorded SHA-256 throws at the end of the stream.
	 */
	InputStream open(long id) throws IOException {
		var header = dsl.selectFrom(BILL_ARCHIVE).where(BILL_ARCHIVE.ID.eq(id)).fetchOptional()
			.filter(r -> STORED.equals(r.getState()))
			.orElseThrow(() -> new IOException("archived bill " + id + " is not stored"));
		return new HashCheckingInputStream(new PieceReader(id, header.getChunkCount()), "SHA-256", header.getSha256());
	}

	/**
	 * A run made before bills moved into the database: its file, while it is still there, checked against the SHA-256
	 * the run recorded (a mismatch throws at the end of the stream).
	 */
	Optional<InputStream> openLegacy(String path, String sha256) throws IOException {
		Path file = Path.of(path);
		if (!Files.isReadable(file)) {
			return Optional.empty();
		}
		InputStream bytes = Files.newInputStream(file);
		return Optional.of(sha256 == null ? bytes : new HashCheckingInputStream(bytes, "SHA-256", sha256));
	}

	/** Removes an archived bill and its pieces, one piece per statement. */
	void delete(long id) {
		while (dsl.deleteFrom(BILL_ARCHIVE_CHUNK).where(BILL_ARCHIVE_CHUNK.ARCHIVE_ID.eq(id)).limit(8).execute() > 0) {
			// small statements: a large bill never holds a long lock
		}
		dsl.deleteFrom(BILL_ARCHIVE).where(BILL_ARCHIVE.ID.eq(id)).execute();
	}

	/**
	 * Deletes up to {@code limit} archived bills made before {@code before}, and bills left STORING by a crash more than
	 * a day ago; returns how many.
	 */
	int purgeChunk(Instant before, int limit) {
		List<Long> ids = dsl.select(BILL_ARCHIVE.ID)
			.from(BILL_ARCHIVE)
			.where(BILL_ARCHIVE.CREATED_AT.lt(before)
				.or(BILL_ARCHIVE.STATE.eq(STORING).and(BILL_ARCHIVE.CREATED_AT.lt(clock.instant().minus(Duration.ofDays(1))))))
			.orderBy(BILL_ARCHIVE.CREATED_AT, BILL_ARCHIVE.ID)
			.limit(limit)
			.fetch(BILL_ARCHIVE.ID);
		ids.forEach(this::delete);
		return ids.size();
	}

	private record Copied(String sha256, long bytes) {
	}

	private Copied copy(BillDownload download, OutputStream out) throws IOException {
		MessageDigest sha256 = sha256();
		long max = properties.maxBillSize().toBytes();
		long total = 0;
		try (InputStream in = download.content()) {
			byte[] buffer = new byte[1 << 16];
			int n;
			while ((n = in.read(buffer)) >= 0) {
				total += n;
				if (total > max) {
					throw new BillRejected("bill larger than payrecon.reconcile.max-bill-size (" + max + " bytes)");
				}
				sha256.update(buffer, 0, n);
				out.write(buffer, 0, n);
			}
		}
		catch (HashMismatchException ex) {
			throw new BillRejected("hash mismatch: " + ex.getMessage());
		}
		catch (BillRejected ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			throw new BillRejected("bill download broke off: " + ex.getClass().getSimpleName()
					+ (ex.getMessage() == null ? "" : " " + ex.getMessage()));
		}
		if (total == 0) {
			throw new BillRejected("empty bill file (0 bytes)");
		}
		return new Copied(HexFormat.of().formatHex(sha256.digest()), total);
	}

	/** Cuts what is written into pieces of {@link #PIECE} bytes and stores each one compressed. */
	private final class PieceWriter extends OutputStream {

		private final long archiveId;
		private final ByteArrayOutputStream piece = new ByteArrayOutputStream(PIECE);
		int seq;
		long stored;

		PieceWriter(long archiveId) {
			this.archiveId = archiveId;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			while (len > 0) {
				int n = Math.min(len, PIECE - piece.size());
				piece.write(b, off, n);
				off += n;
				len -= n;
				if (piece.size() == PIECE) {
					flush();
				}
			}
		}

		@Override
		public void flush() throws IOException {
			if (piece.size() == 0) {
				return;
			}
			ByteArrayOutputStream compressed = new ByteArrayOutputStream(piece.size() / 4);
			try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
				piece.writeTo(gzip);
			}
			byte[] content = compressed.toByteArray();
			dsl.insertInto(BILL_ARCHIVE_CHUNK)
				.set(BILL_ARCHIVE_CHUNK.ARCHIVE_ID, archiveId)
				.set(BILL_ARCHIVE_CHUNK.SEQ, seq)
				.set(BILL_ARCHIVE_CHUNK.CONTENT, content)
				.execute();
			seq++;
			stored += content.length;
			piece.reset();
		}
	}

	/** Reads the pieces back one at a time (one piece in memory). */
	private final class PieceReader extends InputStream {

		private final long archiveId;
		private final int count;
		private int next;
		private InputStream current = InputStream.nullInputStream();

		PieceReader(long archiveId, int count) {
			this.archiveId = archiveId;
			this.count = count;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			while (true) {
				int n = current.read(b, off, len);
				if (n >= 0) {
					return n;
				}
				if (next >= count) {
					return -1;
				}
				byte[] content = dsl.select(BILL_ARCHIVE_CHUNK.CONTENT)
					.from(BILL_ARCHIVE_CHUNK)
					.where(BILL_ARCHIVE_CHUNK.ARCHIVE_ID.eq(archiveId), BILL_ARCHIVE_CHUNK.SEQ.eq(next))
					.fetchOptional(BILL_ARCHIVE_CHUNK.CONTENT)
					.orElseThrow(() -> new IOException("archived bill " + archiveId + ": piece " + next + " is missing"));
				next++;
				current = new GZIPInputStream(new ByteArrayInputStream(content));
			}
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
