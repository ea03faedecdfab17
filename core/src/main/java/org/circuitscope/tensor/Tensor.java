package org.circuitscope.tensor;

import java.util.Arrays;

/**
 * A dense row-major float32 array with a shape. Storage is a heap {@code float[]} so the
 * kernels can stream it with the Vector API; a tensor is treated as immutable once built
 * (kernels write only into tensors they were handed as outputs).
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(float[] data, int[] shape) {
        this.shape = shape;
        this.data = data;
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

    public int size() { return data.length; }

    /** The backing array: row-major, shared, not a copy. */
    public float[] data() { return data; }

    public Tensor reshape(int... newShape) { return of(data, newShape); }

    public float get(int... idx) { return data[offset(idx)]; }

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

    public Tensor copy() { return new Tensor(data.clone(), shape.clone()); }

    /** The sub-tensor at leading index {@code i}, copied. */
    public Tensor slice(int i) {
        int[] sub = Arrays.copyOfRange(shape, 1, shape.length);
        int n = (int) numel(sub);
        return new Tensor(Arrays.copyOfRange(data, offset(i), offset(i) + n), sub);
    }

    /** Largest absolute value, ignoring infinities (used by tolerance checks and NaN scans). */
    public float maxAbs() {
        float m = 0;
        for (float v : data) if (!Float.isInfinite(v)) m = Math.max(m, Math.abs(v));
        return m;
    }

    public boolean hasNaN() {
        for (float v : data) if (Float.isNaN(v)) return true;
        return false;
    }

    @Override
    public String toString() { return "Tensor" + Arrays.toString(shape); }
}
