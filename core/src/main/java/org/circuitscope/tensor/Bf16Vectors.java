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
}
