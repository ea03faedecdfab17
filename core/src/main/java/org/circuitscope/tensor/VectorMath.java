package org.circuitscope.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inline exp and GELU for float vectors, accurate to a few ulp. {@code lanewise(EXP)} ran at
 * about the same speed on AVX-512 (it calls the JDK's SVML stubs), but on CPUs without those
 * stubs it falls back to one {@code Math.exp} per lane; this version is the same code and the
 * same results everywhere.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split in two so n·LN2_HI is exact for |n| < 2^9 (Cody–Waite reduction). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Adding 1.5·2^23 rounds a float to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    /** Below this e^x is under the smallest normal float: the result is flushed to 0. */
    private static final float EXP_LO = -87.33654f;
    /** Above this 2^n would leave the exponent range; e^88.3 ≈ 2.1e38 stands in for larger. */
    private static final float EXP_HI = 88.3f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    private static final int L = S.length();
    /** Lane i ↔ lane i ^ h, the halving steps of {@link #sum} (the identity where h ≥ L: never used). */
    private static final VectorShuffle<Float> SWAP8 = swap(8), SWAP4 = swap(4), SWAP2 = swap(2), SWAP1 = swap(1);

    private VectorMath() {}

    private static VectorShuffle<Float> swap(int h) {
        return VectorShuffle.fromOp(S, i -> (i ^ h) & (L - 1));
    }

    /**
     * The sum of the lanes in one fixed order: a halving tree (lanes i and i + L/2 first, down to
     * one), made of lane permutations and lanewise adds, which round the same way interpreted,
     * in C1 and in C2. {@code reduceLanes(ADD)} may not: the Vector API leaves the order of a
     * float sum open, and its Java fallback adds lane by lane while C2's intrinsic adds pairwise,
     * so a result would change when the JIT compiles the caller. L is 4, 8 or 16
     * ({@link VectorWidth}) and a constant, so C2 keeps only this width's steps; as fast as
     * {@code reduceLanes} (README, "Corpus scans").
     */
    static float sum(FloatVector v) {
        return halving(halving(halving4(halving8(v)), SWAP2), SWAP1).lane(0);
    }

    // sum is split into methods of a few bytes of bytecode, which C1 and C2 inline at every call
    // site, hot or not: a vector passed to a call that is not inlined is boxed on the heap, many
    // times slower than the permutes themselves.

    private static FloatVector halving8(FloatVector v) { return L >= 16 ? halving(v, SWAP8) : v; }

    private static FloatVector halving4(FloatVector v) { return L >= 8 ? halving(v, SWAP4) : v; }

    private static FloatVector halving(FloatVector v, VectorShuffle<Float> swap) {
        return v.add(v.rearrange(swap));
    }

    /** e^x per lane; 0 for x below −87.3 (including −∞), NaN stays NaN. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        FloatVector t = xc.fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc).add(n.mul(-LN2_LO));
        // e^r for |r| ≤ ln2/2 by its Taylor series to r^7: truncation error < 6e-9 relative.
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = step(p, r, 1f / 120); p = step(p, r, 1f / 24); p = step(p, r, 1f / 6);
        p = step(p, r, 0.5f); p = step(p, r, 1f); p = step(p, r, 1f);
        IntVector bits = (IntVector) t.reinterpretAsInts();
        IntVector pow2 = bits.sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector result = p.mul(pow2.reinterpretAsFloats());
        // r carries NaN through, but x below the range must give exactly 0 (masked softmax).
        return result.blend(0f, x.lt(EXP_LO));
    }

    /**
     * The exact GELU 0.5x(1 + erf(x/√2)), written through erfc so that the negative side,
     * 0.5x·erfc(|x|/√2), keeps its relative accuracy instead of cancelling 1 + erf ≈ 0.
     * erfc is the Numerical Recipes Chebyshev fit also used by {@link Erf} (1.2e-7 relative).
     */
    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = z.fma(0.5f, 1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector poly = t.fma(0.17087277f, -0.82215223f);
        poly = step(poly, t, 1.48851587f); poly = step(poly, t, -1.13520398f);
        poly = step(poly, t, 0.27886807f); poly = step(poly, t, -0.18628806f);
        poly = step(poly, t, 0.09678418f); poly = step(poly, t, 0.37409196f);
        poly = step(poly, t, 1.00002368f); poly = step(poly, t, -1.26551223f);
        FloatVector erfc = t.mul(exp(z.mul(z).neg().add(poly)));
        FloatVector half = x.mul(erfc).mul(0.5f);
        return x.sub(half).blend(half, x.lt(0f));
    }

    /** One Horner step p·x + c (the API has no fma(vector, scalar)). */
    private static FloatVector step(FloatVector p, FloatVector x, float c) {
        return p.fma(x, FloatVector.broadcast(S, c));
    }
}
