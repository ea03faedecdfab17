package org.circuitscope.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense row-major array with a shape. Storage is a heap {@code float[]} so the kernels can
 * stream it with the Vector API; a tensor is treated as immutable once built (kernels write
 * only into tensors they were handed as outputs).
 *
 * <p>Weights of a 16-bit checkpoint may instead keep their 16-bit elements ({@link #ofBits}):
 * half the memory, read by the forward pass's products through {@link WeightGemm}, which converts
 * as it packs. For everything else such a tensor still reads as float32: {@link #data()}
 * converts the whole tensor into a new array on every call (not memoised: a model's worth of
 * converted copies would undo the saving), so code that reads a weight should call it once
 * per matrix and hold the array while it works.
 */
public final class Tensor {
    private final int[] shape;
    /** The elements as float32; null when 16-bit. */
    private final float[] data;
    /** The elements as 16-bit patterns of {@link #dtype}; null when float32. */
    private final short[] bits;
    private final DType dtype;

    private Tensor(float[] data, int[] shape) {
        this.shape = shape;
        this.data = data;
        this.bits = null;
        this.dtype = DType.F32;
    }

    private Tensor(short[] bits, DType dtype, int[] shape) {
        this.shape = shape;
        this.data = null;
        this.bits = bits;
        this.dtype = dtype;
    }

    /** Wraps 16-bit {@code bits} of {@code dtype} (BF16 or F16; not copied) with {@code shape}; the sizes must agree. */
    public static Tensor ofBits(short[] bits, DType dtype, int... shape) {
        if (!dtype.sixteenBit()) throw new IllegalArgumentException("ofBits takes BF16 or F16, not " + dtype);
        long n = numel(shape);
        if (n != bits.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + bits.length);
        }
        return new Tensor(bits, dtype, shape.clone());
    }

    /** Wraps {@code data} (not copied) with {@code shape}; the sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + data.length);
        }
        return new Tensor(data, shape.clone());
    }

    public static Tensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return new Tensor(new float[(int) n], shape.clone());
    }

    /** Number of elements of a shape, checking each dimension is non-negative. */
    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public int[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    public int size() { return data != null ? data.length : bits.length; }

    /** How the elements are stored. */
    public DType dtype() { return dtype; }

    /**
     * The elements as float32, row-major. For a float32 tensor the backing array (shared, not a
     * copy); for a 16-bit one a new converted array on each call, which writes do not reach.
     */
    public float[] data() {
        if (data != null) return data;
        float[] out = new float[bits.length];
        dtype.toFloat(bits, 0, out, 0, bits.length);
        return out;
    }

    /** The backing 16-bit array of a BF16 or F16 tensor: row-major, shared, not a copy. */
    public short[] bits() {
        if (bits == null) throw new IllegalStateException("a " + dtype + " tensor has no 16-bit elements");
        return bits;
    }

    /** This tensor as float32: itself when it is, else a converted copy. */
    public Tensor toFloat32() { return data != null ? this : new Tensor(data(), shape.clone()); }

    /** Copies n elements from flat index {@code from} into {@code dst} as float32 (an embedding row, converted or not). */
    public void copyTo(int from, float[] dst, int dstOff, int n) {
        if (data != null) System.arraycopy(data, from, dst, dstOff, n);
        else {
            Objects.checkFromIndexSize(from, n, bits.length);
            dtype.toFloat(bits, from, dst, dstOff, n);
        }
    }

    /** The element at a flat (row-major) index, as float32. */
    public float at(int flat) { return data != null ? data[flat] : dtype.toFloat(bits[flat]); }

    /** The same elements (same storage, not copied) under another shape of the same size. */
    public Tensor reshape(int... newShape) { return data != null ? of(data, newShape) : ofBits(bits, dtype, newShape); }

    public float get(int... idx) { return at(offset(idx)); }

    /** Row-major offset of a (possibly partial, leading) index. */
    public int offset(int... idx) {
        if (idx.length > shape.length) throw new IllegalArgumentException("too many indices for shape " + Arrays.toString(shape));
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            int v = i < idx.length ? idx[i] : 0;
            if (v < 0 || v >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + v;
        }
        return off;
    }

    /** A float32 copy, which the caller may write (a 16-bit tensor's is converted). */
    public Tensor copy() { return new Tensor(data != null ? data.clone() : data(), shape.clone()); }

    /** The sub-tensor at leading index {@code i}, copied as float32. */
    public Tensor slice(int i) {
        int[] sub = Arrays.copyOfRange(shape, 1, shape.length);
        int n = (int) numel(sub);
        float[] out = new float[n];
        copyTo(offset(i), out, 0, n);
        return new Tensor(out, sub);
    }

    /** Largest absolute value, ignoring infinities (used by tolerance checks and NaN scans). */
    public float maxAbs() {
        float m = 0;
        for (int i = 0, n = size(); i < n; i++) {
            float v = at(i);
            if (!Float.isInfinite(v)) m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    public boolean hasNaN() {
        for (int i = 0, n = size(); i < n; i++) if (Float.isNaN(at(i))) return true;
        return false;
    }

    /** The flat index of the first NaN or infinite element, or -1 (read without converting the whole tensor). */
    public int firstNonFinite() {
        if (data != null) {
            for (int i = 0; i < data.length; i++) if (!Float.isFinite(data[i])) return i;
        } else {
            for (int i = 0; i < bits.length; i++) if (!dtype.isFinite(bits[i])) return i;
        }
        return -1;
    }

    @Override
    public String toString() { return "Tensor" + Arrays.toString(shape) + (dtype == DType.F32 ? "" : " " + dtype); }
}
