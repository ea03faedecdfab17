package org.circuitscope.io;

import java.util.Arrays;

/**
 * One header entry of a safetensors file: the tensor's name, its dtype string as written in
 * the file ({@code "F32"}, {@code "BF16"}, ...), its shape and its byte range
 * {@code [begin, end)} relative to the start of the data section (the byte after the header).
 */
public record TensorInfo(String name, String dtype, int[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy: records hand out their components, and a shared array could be changed under us. */
    @Override
    public int[] shape() { return shape.clone(); }

    /** Number of elements (1 for a scalar of shape {@code []}). */
    public long numel() {
        long n = 1;
        for (int d : shape) n *= d; // validated at open: non-negative and no overflow
        return n;
    }

    /** Length of the tensor's bytes in the data section. */
    public long byteSize() { return end - begin; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype.equals(t.dtype)
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31
                + Long.hashCode(begin) * 17 + Long.hashCode(end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
