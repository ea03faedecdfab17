package org.circuitscope.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.circuitscope.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes safetensors files that {@code safetensors.torch.load_file} and {@link SafeTensors}
 * read: a Gson header padded with spaces so the data starts 8-byte aligned, then every
 * tensor's bytes contiguously, in the map's iteration order.
 *
 * <p>The file is written beside its target and moved into place, so a failed or interrupted
 * write never leaves a half-written file under the target name.
 */
public final class SafeTensorsWriter {
    // No HTML escaping: names like "blocks.0.attn.hook_pattern" stay readable in a hex dump.
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensorsWriter() {}

    /** Writes {@code tensors} as F32 with optional {@code metadata} (null or empty: none). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, "F32");
    }

    /**
     * Writes {@code tensors} as {@code dtype} ("F32", or "F16" or "BF16" rounded to nearest-even)
     * with optional {@code metadata} (null or empty: none).
     *
     * @throws IllegalArgumentException for another dtype, a tensor named "__metadata__" or null entries
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, String dtype)
            throws IOException {
        write(file, tensors, metadata, dtype, Map.of());
    }

    /**
     * As {@link #write(Path, Map, Map, String)}, followed by integer vectors written as I64
     * (token ids: Python then gets a {@code torch.long} tensor ready for indexing).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, String dtype,
                             Map<String, int[]> int64Vectors) throws IOException {
        int elementSize = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("cannot write dtype " + dtype + " to " + file
                    + "; the writer writes F32, F16 or BF16");
        };
        JsonObject headerJson = header(file, tensors, metadata, dtype, elementSize);
        long offset = 0;
        for (Tensor t : tensors.values()) offset += (long) t.size() * elementSize;
        for (Map.Entry<String, int[]> e : int64Vectors.entrySet()) {
            if (tensors.containsKey(e.getKey())) throw new IllegalArgumentException("tensor " + e.getKey() + " given twice for " + file);
            JsonArray shape = new JsonArray();
            shape.add(e.getValue().length);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += 8L * e.getValue().length;
            offsets.add(offset);
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "I64");
            entry.add("shape", shape);
            entry.add("data_offsets", offsets);
            headerJson.add(e.getKey(), entry);
        }
        byte[] json = GSON.toJson(headerJson).getBytes(StandardCharsets.UTF_8);
        int headerLength = (json.length + 7) & ~7;

        Path target = file.toAbsolutePath();
        // Not Files.createTempFile: that makes the file owner-only, and the result should get the
        // usual permissions so an exported cache can be shared.
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                ByteBuffer head = ByteBuffer.allocate(8 + headerLength).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(headerLength).put(json);
                while (head.hasRemaining()) head.put((byte) ' ');
                writeFully(out, head.flip());
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) writeData(out, chunk, t.data(), elementSize, dtype.equals("BF16"));
                for (int[] ints : int64Vectors.values()) {
                    ByteBuffer b = ByteBuffer.allocate(8 * ints.length).order(ByteOrder.LITTLE_ENDIAN);
                    for (int v : ints) b.putLong(v);
                    writeFully(out, b.flip());
                }
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static JsonObject header(Path file, Map<String, Tensor> tensors, Map<String, String> metadata,
                                     String dtype, int elementSize) {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("metadata for " + file + " has a null key or value: " + k + "=" + v);
                }
                m.addProperty(k, v);
            });
            header.add(SafeTensorsHeader.METADATA_KEY, m);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.equals(SafeTensorsHeader.METADATA_KEY) || e.getValue() == null) {
                throw new IllegalArgumentException("cannot write tensor named " + name + " (value " + e.getValue()
                        + ") to " + file + "; names must be non-null and not \"" + SafeTensorsHeader.METADATA_KEY + "\"");
            }
            JsonArray shape = new JsonArray();
            for (int d : e.getValue().shape()) shape.add(d);
            long end = offset + (long) e.getValue().size() * elementSize;
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(end);
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtype);
            entry.add("shape", shape);
            entry.add("data_offsets", offsets);
            header.add(name, entry);
            offset = end;
        }
        return header;
    }

    private static void writeData(FileChannel out, ByteBuffer chunk, float[] data, int elementSize, boolean bf16) throws IOException {
        int perChunk = CHUNK_BYTES / elementSize;
        for (int i = 0; i < data.length; i += perChunk) {
            int n = Math.min(perChunk, data.length - i);
            chunk.clear();
            if (elementSize == 4) {
                chunk.asFloatBuffer().put(data, i, n); // the view shares the chunk's little-endian order
                chunk.limit(n * 4);
            } else {
                for (int j = 0; j < n; j++) chunk.putShort(bf16 ? toBfloat16(data[i + j]) : Float.floatToFloat16(data[i + j]));
                chunk.flip();
            }
            writeFully(out, chunk);
        }
    }

    /**
     * bfloat16 is a float32's top 16 bits, rounded to nearest-even: add 0x7FFF, plus one when the
     * kept part is odd, then truncate (a carry into the exponent rounds up to the next binade, or
     * to infinity). A NaN stays a NaN, made quiet, since its payload may sit in the dropped bits.
     */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
