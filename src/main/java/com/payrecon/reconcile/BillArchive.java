package com.payrecon.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.UUID;

import com.payrecon.provider.HashCheckingInputStream.HashMismatchException;
import com.payrecon.provider.PaymentProvider.BillDownload;

import org.springframework.stereotype.Component;

/**
 * Copies a downloaded bill, byte for byte, to {@code archive-dir/{account}/{date}-{sha256}.{ext}} with its SHA-256,
 * before a line of it is matched: a v3 SHA1 mismatch (thrown by the stream at its end), an empty file or one over
 * the size cap is rejected here, so nothing of it is ever matched (threat case O2); a restarted run reads the same
 * bytes again.
 */
@Component
class BillArchive {

	/** The bill is not usable: recorded as the run's FAILED reason, retried by a later run. */
	static class BillRejected extends IOException {
		BillRejected(String message) {
			super(message);
		}
	}

	record Archived(Path path, String sha256, long bytes) {
	}

	private final ReconcileProperties properties;

	BillArchive(ReconcileProperties properties) {
		this.properties = properties;
	}

	Archived archive(String accountId, LocalDate day, BillDownload download) throws IOException {
		return archive(properties.archiveDir().resolve(accountId), accountId, day, download);
	}

	/** Same, into a temporary directory (dry runs keep nothing). */
	Archived archiveTemporarily(String accountId, LocalDate day, BillDownload download) throws IOException {
		return archive(Files.createTempDirectory("payrecon-dry-run"), accountId, day, download);
	}

	private Archived archive(Path dir, String accountId, LocalDate day, BillDownload download) throws IOException {
		Files.createDirectories(dir);
		Path incoming = dir.resolve(".incoming-" + UUID.randomUUID());
		MessageDigest sha256 = sha256();
		long max = properties.maxBillSize().toBytes();
		long total = 0;
		try (InputStream in = download.content(); OutputStream out = Files.newOutputStream(incoming)) {
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
			Files.deleteIfExists(incoming);
			throw new BillRejected("hash mismatch: " + ex.getMessage());
		}
		catch (BillRejected ex) {
			Files.deleteIfExists(incoming);
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(incoming);
			throw new BillRejected("bill download broke off: " + ex.getClass().getSimpleName()
					+ (ex.getMessage() == null ? "" : " " + ex.getMessage()));
		}
		if (total == 0) {
			Files.deleteIfExists(incoming);
			throw new BillRejected("empty bill file (0 bytes)");
		}
		String hex = HexFormat.of().formatHex(sha256.digest());
		String ext = BillDownload.ALIPAY_CSV_GBK.equals(download.format()) ? "csv" : "txt";
		Path target = dir.resolve(day + "-" + hex + "." + ext);
		Files.move(incoming, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		return new Archived(target, hex, total);
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
