package org.circuitscope.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * BF16 → float32 with the Vector API: widen 16-bit lanes to 32 (sign-extending, S2I), shift
 * left 16, reinterpret as floats. The plain loop in {@link DType#toFloat} is not vectorised by
 * C2 (its int-to-float bit move stays scalar: measured 0.6 ns an element against 0.1 for F16,
 * whose conversion C2 does vectorise), and a one-token pass spends its time here.
 */
final class Bf16Vectors {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** As many short lanes as F has floats, in half the bits. */
    private static final VectorSpecies<Short> S = halfWidth(F);
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));

    private Bf16Vectors() {}

    private static FloatVector load(short[] src, int i) { return load(S, I, src, i); }

    /**
     * One float vector of {@code ints.length()} BF16 elements from src[i..]: for a caller at
     * another width than the preferred one (the gemm's packing at {@link VectorWidth#SPECIES});
     * {@code shorts} has as many lanes as {@code ints} in half the bits ({@link #halfWidth}).
     * Constant species at the call site let C2 compile this to a widening load and a shift.
     */
    static FloatVector load(VectorSpecies<Short> shorts, VectorSpecies<Integer> ints, short[] src, int i) {
        return ((IntVector) ShortVector.fromArray(shorts, src, i).convertShape(VectorOperators.S2I, ints, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The short species with as many lanes as {@code floats}. */
    static VectorSpecies<Short> halfWidth(VectorSpecies<Float> floats) {
        return VectorSpecies.of(short.class, VectorShape.forBitSize(floats.vectorBitSize() / 2));
    }

    /** dst[dstOff + i] = bf16(src[srcOff + i]) for i &lt; n. */
    static void toFloat(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0, step = F.length();
        for (int bound = F.loopBound(n); i < bound; i += step) load(src, srcOff + i).intoArray(dst, dstOff + i);
        for (; i < n; i++) dst[dstOff + i] = Float.intBitsToFloat(src[srcOff + i] << 16);
    }

    /** c[cOff + i] += alpha · bf16(b[bOff + i]) for i &lt; n: a weight row added to an output row without a float copy. */
    static void axpy(float alpha, short[] b, int bOff, float[] c, int cOff, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0, step = F.length();
        for (int bound = F.loopBound(n); i < bound; i += step) {
            load(b, bOff + i).fma(va, FloatVector.fromArray(F, c, cOff + i)).intoArray(c, cOff + i);
        }
        for (; i < n; i++) c[cOff + i] += alpha * Float.intBitsToFloat(b[bOff + i] << 16);
    }

    /**
     * c[cOff + i] += a0·bf16(b[bOff + i]) + a1·bf16(b[bOff + ldb + i]) + a2·… + a3·… for i &lt; n,
     * added in that order and rounded as four {@link #axpy} calls would: four weight rows
     * added to an output row in one pass over it, so each output vector is loaded and stored once
     * per four weight rows rather than once per row. With several output rows (a few new tokens)
     * the four weight rows stay in L1 from one output row to the next.
     */
    static void axpy4(float a0, float a1, float a2, float a3, short[] b, int bOff, int ldb, float[] c, int cOff, int n) {
        FloatVector v0 = FloatVector.broadcast(F, a0), v1 = FloatVector.broadcast(F, a1);
        FloatVector v2 = FloatVector.broadcast(F, a2), v3 = FloatVector.broadcast(F, a3);
        int b1 = bOff + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int i = 0, step = F.length();
        for (int bound = F.loopBound(n); i < bound; i += step) {
            FloatVector acc = FloatVector.fromArray(F, c, cOff + i);
            acc = load(b, bOff + i).fma(v0, acc);
            acc = load(b, b1 + i).fma(v1, acc);
            acc = load(b, b2 + i).fma(v2, acc);
            acc = load(b, b3 + i).fma(v3, acc);
            acc.intoArray(c, cOff + i);
        }
        for (; i < n; i++) {
            float x = c[cOff + i];
            x += a0 * Float.intBitsToFloat(b[bOff + i] << 16);
            x += a1 * Float.intBitsToFloat(b[b1 + i] << 16);
            x += a2 * Float.intBitsToFloat(b[b2 + i] << 16);
            x += a3 * Float.intBitsToFloat(b[b3 + i] << 16);
            c[cOff + i] = x;
        }
    }

    /**
     * {@link #axpy4} into two output rows at once, c at {@code cOff} with coefficients a0..a3 and
     * at {@code cOff2} with e0..e3: each weight vector converted once for both (two rows of A, a
     * second new token), rounded as two calls of {@link #axpy4}.
     */
    static void axpy4x2(float a0, float a1, float a2, float a3, float e0, float e1, float e2, float e3,
                        short[] b, int bOff, int ldb, float[] c, int cOff, int cOff2, int n) {
        FloatVector v0 = FloatVector.broadcast(F, a0), v1 = FloatVector.broadcast(F, a1);
        FloatVector v2 = FloatVector.broadcast(F, a2), v3 = FloatVector.broadcast(F, a3);
        FloatVector w0 = FloatVector.broadcast(F, e0), w1 = FloatVector.broadcast(F, e1);
        FloatVector w2 = FloatVector.broadcast(F, e2), w3 = FloatVector.broadcast(F, e3);
        int b1 = bOff + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int i = 0, step = F.length();
        for (int bound = F.loopBound(n); i < bound; i += step) {
            FloatVector x = FloatVector.fromArray(F, c, cOff + i), y = FloatVector.fromArray(F, c, cOff2 + i);
            FloatVector w = load(b, bOff + i);
            x = w.fma(v0, x);
            y = w.fma(w0, y);
            w = load(b, b1 + i);
            x = w.fma(v1, x);
            y = w.fma(w1, y);
            w = load(b, b2 + i);
            x = w.fma(v2, x);
            y = w.fma(w2, y);
            w = load(b, b3 + i);
            x = w.fma(v3, x);
            y = w.fma(w3, y);
            x.intoArray(c, cOff + i);
            y.intoArray(c, cOff2 + i);
        }
        if (i < n) {
            axpy4(a0, a1, a2, a3, b, bOff + i, ldb, c, cOff + i, n - i);
            axpy4(e0, e1, e2, e3, b, bOff + i, ldb, c, cOff2 + i, n - i);
        }
    }
}
