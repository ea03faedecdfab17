package org.circuitscope.tensor;

/**
 * How a {@link Tensor} stores its elements: float32, or one of the two 16-bit formats that
 * checkpoints ship in. Both 16-bit formats hold only values that float32 holds exactly, so a
 * conversion to float loses nothing; the kernels convert as they read ({@link WeightGemm}).
 */
public enum DType {
    F32(4),
    /** bfloat16: the top 16 bits of a float32 (8 exponent bits, 7 mantissa bits). */
    BF16(2),
    /** IEEE 754 binary16 (5 exponent bits, 10 mantissa bits). */
    F16(2);

    /** {@code -Dcircuitscope.simd=false} turns the Vector API off here too (BF16 conversion, {@link Bf16Vectors}). */
    static final boolean SIMD = Boolean.parseBoolean(System.getProperty("circuitscope.simd", "true"));

    private final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    /** Bytes per element. */
    public int bytes() { return bytes; }

    public boolean sixteenBit() { return this != F32; }

    /** One 16-bit element as float (exact). */
    public float toFloat(short bits) {
        return switch (this) {
            // The sign-extended high half shifts out: only the low 16 bits of the int stay below the shift.
            case BF16 -> Float.intBitsToFloat(bits << 16);
            case F16 -> Float.float16ToFloat(bits);
            case F32 -> throw new IllegalStateException("F32 has no 16-bit elements");
        };
    }

    /**
     * dst[dstOff + i] = toFloat(src[srcOff + i]) for i &lt; n. F16 is a plain loop that C2
     * vectorises (VCVTPH2PS where the CPU has F16C); BF16 goes through {@link Bf16Vectors}
     * unless the Vector API is off, as C2 leaves its loop scalar.
     */
    public void toFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        switch (this) {
            case BF16 -> {
                if (SIMD) Bf16Vectors.toFloat(src, srcOff, dst, dstOff, n);
                else for (int i = 0; i < n; i++) dst[dstOff + i] = Float.intBitsToFloat(src[srcOff + i] << 16);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
            }
            case F32 -> throw new IllegalStateException("F32 has no 16-bit elements");
        }
    }

    /** Whether a 16-bit element is finite: the exponent field is not all ones. */
    public boolean isFinite(short bits) {
        return switch (this) {
            case BF16 -> (bits & 0x7F80) != 0x7F80;
            case F16 -> (bits & 0x7C00) != 0x7C00;
            case F32 -> throw new IllegalStateException("F32 has no 16-bit elements");
        };
    }
}
