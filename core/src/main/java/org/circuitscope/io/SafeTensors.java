package org.circuitscope.io;

import org.circuitscope.tensor.DType;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, mapped once into memory and validated at {@link #open}: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON mapping tensor names to
 * {@code {dtype, shape, data_offsets}} (plus optional {@code "__metadata__"} strings), then the
 * data section the offsets point into.
 *
 * <p>Tensors are sliced from the mapping without copying ({@link #segment}) or decoded straight
 * from it to float32 ({@link #read}). Segments and reads are valid until {@link #close}, which
 * unmaps the file; reading from several threads at once is safe, closing while they read is not.
 */
public final class SafeTensors implements TensorSource {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The largest float[] the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> byName;
    private final List<String> names;
    private final Map<String, String> metadata;
    private volatile boolean closed;

    private SafeTensors(Path file, Arena arena, MemorySegment data, SafeTensorsHeader.Parsed header) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.metadata = header.metadata();
        Map<String, TensorInfo> map = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (TensorInfo t : header.tensors()) {
            map.put(t.name(), t);
            order.add(t.name());
        }
        this.byName = Collections.unmodifiableMap(map);
        this.names = Collections.unmodifiableList(order);
    }

    /**
     * Maps {@code file} read-only and validates its header and offsets.
     *
     * @throws SafeTensorsException if the file is not a well-formed safetensors file
     * @throws IOException if it cannot be opened or mapped
     */
    public static SafeTensors open(Path file) throws IOException {
        // A shared arena: the mapping is read from the kernel worker threads, not just the opener.
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            SafeTensorsHeader.Parsed header = SafeTensorsHeader.parse(file, all);
            return new SafeTensors(file, arena, all.asSlice(header.dataStart(), header.dataLength()), header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public Path file() { return file; }

    /** Tensor names in file order (by data offset). */
    @Override
    public List<String> names() { return names; }

    /** Header entries in file order (by data offset). */
    public List<TensorInfo> infos() { return List.copyOf(byName.values()); }

    @Override
    public boolean contains(String name) { return byName.containsKey(name); }

    /** @throws IllegalArgumentException naming the file and tensor if the file has no such tensor */
    @Override
    public TensorInfo info(String name) {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in safetensors file " + file + "; it holds "
                    + names.size() + " tensors" + (names.isEmpty() ? "" : ", the first being " + names.subList(0, Math.min(5, names.size()))));
        }
        return t;
    }

    /** The {@code "__metadata__"} strings of the header (empty when there are none). */
    public Map<String, String> metadata() { return metadata; }

    /** The tensor's raw little-endian bytes: a read-only slice of the mapping, valid until {@link #close}. */
    public MemorySegment segment(String name) {
        TensorInfo t = info(name);
        checkOpen();
        return data.asSlice(t.begin(), t.byteSize());
    }

    /**
     * The tensor decoded to float32 with the shape in the file. F32, F16 and BF16 are read
     * exactly (every F16 and BF16 value is a float32); I32 and I64, used for token ids, are
     * converted to the nearest float (exact up to 2^24).
     *
     * @throws SafeTensorsException for another dtype, or a tensor too large for one float array
     */
    public Tensor read(String name) throws SafeTensorsException {
        TensorInfo t = info(name);
        checkOpen();
        long n = t.numel();
        if (n > MAX_ARRAY) {
            throw new SafeTensorsException(file, name, "tensor '" + name + "' in " + file + " has " + n
                    + " elements, more than one float array holds (" + MAX_ARRAY + "); read it in parts through segment()");
        }
        MemorySegment src = data.asSlice(t.begin(), t.byteSize());
        float[] out = new float[(int) n];
        switch (t.dtype()) {
            case "F32" -> MemorySegment.copy(src, F32_LE, 0, out, 0, out.length);
            case "F16", "BF16" -> sixteenBitsToFloat(src, 0, t.dtype(), out);
            case "I32" -> {
                for (int i = 0; i < out.length; i++) out[i] = src.getAtIndex(I32_LE, i);
            }
            case "I64" -> {
                for (int i = 0; i < out.length; i++) out[i] = src.getAtIndex(I64_LE, i);
            }
            default -> throw new SafeTensorsException(file, name, "dtype " + t.dtype() + " of tensor '" + name + "' in "
                    + file + " is not supported; circuitscope reads F32, F16, BF16 (and I32, I64 as float);"
                    + " convert the file, e.g. with torch: {k: v.float() for k, v in state_dict.items()}");
        }
        return Tensor.of(out, t.shape());
    }

    /**
     * As {@link #read}, for a tensor that must hold weights: only F32, F16 and BF16 are taken.
     * An integer tensor where a weight belongs is a mislabelled or wrong file; converting its
     * values would load a model whose numbers mean nothing, without a word.
     *
     * @throws SafeTensorsException naming the file, the tensor and its dtype for any other dtype
     */
    @Override
    public Tensor readWeight(String name) throws SafeTensorsException {
        String dtype = info(name).dtype();
        if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("BF16")) {
            throw SafeTensorsHeader.fail(file, name, "tensor '" + name + "' is stored as " + dtype
                    + ", but a weight must be F32, F16 or BF16");
        }
        return read(name);
    }

    /**
     * As {@link #readWeight(String)}; with {@link WeightsDtype#KEEP}, an F16 or BF16 matrix
     * (rank ≥ 2) keeps its 16-bit elements, copied from the mapping into a {@code short[]}
     * (the file is unmapped after loading, and the kernels read heap arrays).
     */
    @Override
    public Tensor readWeight(String name, WeightsDtype dtype) throws SafeTensorsException {
        TensorInfo t = info(name);
        DType sixteen = switch (t.dtype()) {
            case "BF16" -> DType.BF16;
            case "F16" -> DType.F16;
            default -> null;
        };
        if (dtype != WeightsDtype.KEEP || sixteen == null || t.shape().length < 2) return readWeight(name);
        checkOpen();
        long n = t.numel();
        if (n > MAX_ARRAY) {
            throw new SafeTensorsException(file, name, "tensor '" + name + "' in " + file + " has " + n
                    + " elements, more than one array holds (" + MAX_ARRAY + ")");
        }
        short[] bits = new short[(int) n];
        MemorySegment.copy(data.asSlice(t.begin(), t.byteSize()), I16_LE, 0, bits, 0, bits.length);
        return Tensor.ofBits(bits, sixteen, t.shape());
    }

    /**
     * The transpose of a matrix, straight out of the mapping: bands of rows are copied into a
     * small buffer (converted to float32 unless kept 16-bit) and transposed from there, so a
     * checkpoint's [out, in] weights arrive as [in, out] without a copy of each in its stored
     * layout (2.2 GB of new arrays for TinyLlama's shape). The same elements as {@code
     * transpose(readWeight(name, dtype))}.
     */
    @Override
    public Tensor readWeightTransposed(String name, WeightsDtype dtype) throws SafeTensorsException {
        TensorInfo t = info(name);
        String stored = t.dtype();
        if (t.shape().length != 2 || !(stored.equals("F32") || stored.equals("F16") || stored.equals("BF16"))) {
            return TensorSource.super.readWeightTransposed(name, dtype); // its errors, and vectors, as readWeight's
        }
        checkOpen();
        if (t.numel() > MAX_ARRAY) return TensorSource.super.readWeightTransposed(name, dtype);
        int rows = t.shape()[0], cols = t.shape()[1];
        MemorySegment src = data.asSlice(t.begin(), t.byteSize());
        int bands = (rows + BAND - 1) / BAND;
        if (dtype == WeightsDtype.KEEP && !stored.equals("F32")) {
            short[] d = new short[rows * cols];
            WorkerPool.parallelFor(bands, b -> {
                int i0 = b * BAND, n = Math.min(BAND, rows - i0);
                short[] band = new short[n * cols];
                MemorySegment.copy(src, I16_LE, (long) i0 * cols * 2, band, 0, band.length);
                HeadRows.transpose(band, 0, n, cols, cols, d, i0, rows);
            });
            return Tensor.ofBits(d, stored.equals("BF16") ? DType.BF16 : DType.F16, cols, rows);
        }
        float[] d = new float[rows * cols];
        WorkerPool.parallelFor(bands, b -> {
            int i0 = b * BAND, n = Math.min(BAND, rows - i0);
            float[] band = new float[n * cols];
            long at = (long) i0 * cols;
            if (stored.equals("F32")) MemorySegment.copy(src, F32_LE, at * 4, band, 0, band.length);
            else sixteenBitsToFloat(src, at, stored, band);
            HeadRows.transpose(band, 0, n, cols, cols, d, i0, rows);
        });
        return Tensor.of(d, cols, rows);
    }

    /** dst[i] = the F16 or BF16 element {@code from + i} of {@code src}, exactly, for every i of dst. */
    private static void sixteenBitsToFloat(MemorySegment src, long from, String dtype, float[] dst) {
        if (dtype.equals("BF16")) {
            // bfloat16 is the top half of a float32: the sign-extended high bits shift out.
            for (int i = 0; i < dst.length; i++) dst[i] = Float.intBitsToFloat(src.getAtIndex(I16_LE, from + i) << 16);
        } else {
            for (int i = 0; i < dst.length; i++) dst[i] = Float.float16ToFloat(src.getAtIndex(I16_LE, from + i));
        }
    }

    /** Source rows per band of {@link #readWeightTransposed}: its buffer stays in L2 (64 × 5,632 shorts: 704 KB). */
    private static final int BAND = 64;

    private void checkOpen() {
        if (closed) throw new IllegalStateException("safetensors file " + file + " was closed");
    }

    /** Unmaps the file; segments handed out before become inaccessible. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
    }

    @Override
    public String toString() { return "SafeTensors[" + file + ", " + names.size() + " tensors]"; }
}
