package com.payrecon.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Signed notifications kept outside the heap until they are sent: encoded once into direct buffers (native memory,
 * not a file: a temporary file's pages written back to the disk during a run stalled the database's log writes),
 * decoded into a fresh {@link NotifyBenchmark.Delivery} on each {@link #get}. A provider signs on its own
 * machine, so the server under test should not carry tens of megabytes of the load generator's data: kept in the
 * heap they were copied by young collections and set off G1's concurrent cycles, which on two cores take a core
 * from the application while they run (docs/benchmarks.md, section 7).
 */
final class OffHeapDeliveries extends AbstractList<NotifyBenchmark.Delivery> {

	private static final int SIGNED_AT_ONCE = 1_000;

	/** A thousand deliveries each, in direct (native) memory. */
	private final ByteBuffer[] chunks;
	/** Where each delivery starts in its chunk. */
	private final int[] offsets;

	/** Signs {@code count} deliveries with {@code sign} (in parallel, a thousand at a time) and stores them. */
	static OffHeapDeliveries sign(int count, IntFunction<NotifyBenchmark.Delivery> sign) {
		ByteBuffer[] chunks = new ByteBuffer[(count + SIGNED_AT_ONCE - 1) / SIGNED_AT_ONCE];
		int[] offsets = new int[count];
		for (int from = 0; from < count; from += SIGNED_AT_ONCE) {
			List<NotifyBenchmark.Delivery> signed = IntStream.range(from, Math.min(count, from + SIGNED_AT_ONCE))
				.parallel()
				.mapToObj(sign)
				.toList();
			ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
			try (DataOutputStream out = new DataOutputStream(bytes)) {
				for (int i = 0; i < signed.size(); i++) {
					offsets[from + i] = out.size();
					write(out, signed.get(i));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			chunks[from / SIGNED_AT_ONCE] = ByteBuffer.allocateDirect(bytes.size()).put(bytes.toByteArray()).flip();
		}
		return new OffHeapDeliveries(chunks, offsets);
	}

	private OffHeapDeliveries(ByteBuffer[] chunks, int[] offsets) {
		this.chunks = chunks;
		this.offsets = offsets;
	}

	private static void write(DataOutputStream out, NotifyBenchmark.Delivery d) throws IOException {
		out.writeUTF(d.path());
		out.writeUTF(d.contentType());
		out.writeShort(d.headers().size());
		for (var header : d.headers().entrySet()) {
			out.writeUTF(header.getKey());
			out.writeUTF(header.getValue());
		}
		out.writeInt(d.body().length);
		out.write(d.body());
	}

	@Override
	public NotifyBenchmark.Delivery get(int index) {
		Reader in = new Reader(chunks[index / SIGNED_AT_ONCE], offsets[index]);
		String path = in.text();
		String contentType = in.text();
		int headerCount = in.uint16();
		Map<String, String> headers = headerCount == 0 ? Map.of() : new LinkedHashMap<>();
		for (int h = 0; h < headerCount; h++) {
			headers.put(in.text(), in.text());
		}
		return new NotifyBenchmark.Delivery(path, contentType, in.bytes(in.int32()), headers);
	}

	@Override
	public int size() {
		return offsets.length;
	}

	/** Absolute reads from a shared chunk (safe from many threads at once). */
	private static final class Reader {

		private final ByteBuffer map;
		private int at;

		Reader(ByteBuffer map, int at) {
			this.map = map;
			this.at = at;
		}

		int uint16() {
			int v = Short.toUnsignedInt(map.getShort(at));
			at += 2;
			return v;
		}

		int int32() {
			int v = map.getInt(at);
			at += 4;
			return v;
		}

		byte[] bytes(int length) {
			byte[] b = new byte[length];
			map.get(at, b);
			at += length;
			return b;
		}

		/** What {@link DataOutputStream#writeUTF} wrote; the harness's texts are ASCII, where modified UTF-8 is UTF-8. */
		String text() {
			return new String(bytes(uint16()), StandardCharsets.UTF_8);
		}
	}
}
