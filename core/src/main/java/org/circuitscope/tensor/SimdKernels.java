package org.circuitscope.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels: the default path. Matrix products are in {@link SimdGemm}, the
 * exp/erf approximations in {@link VectorMath}; every loop has a scalar tail so any length
 * and offset work.
 */
public final class SimdKernels implements Kernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /**
     * Sums are kept per lane in float only over blocks this long, then added in double: the
     * float partials never hold more than BLOCK / L terms, which keeps long sums accurate
     * without converting every element.
     */
    private static final int BLOCK = 256;

    @Override
    public String name() { return "simd (FloatVector " + S.vectorBitSize() + " bit)"; }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        SimdGemm.gemm(1, transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, accumulate);
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, int aStride,
                            float[] b, int bOff, int ldb, int bStride,
                            float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        SimdGemm.gemm(batch, transA, transB, m, n, k, a, aOff, lda, aStride, b, bOff, ldb, bStride,
                c, cOff, ldc, cStride, accumulate);
    }

    @Override
    public void gemmBatched16(int batch, int m, int n, int k,
                              float[] a, int aOff, int lda, int aStride,
                              short[] b, DType bType, int bOff, int ldb, int bStride,
                              float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        SimdGemm.gemm16(batch, false, m, n, k, a, aOff, lda, aStride, b, bType, bOff, ldb, bStride,
                c, cOff, ldc, cStride, accumulate);
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double total = 0;
        int i = 0;
        int upper = S.loopBound(n);
        while (i < upper) {
            int end = Math.min(upper, i + BLOCK);
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            for (; i + 2 * L <= end; i += 2 * L) {
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
                acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
            }
            for (; i < end; i += L)
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            total += VectorMath.sum(acc0.add(acc1));
        }
        for (; i < n; i++) total += a[aOff + i] * b[bOff + i];
        return (float) total;
    }

    @Override
    public void segmentDots(float[] a, int aOff, int lda, int rows, float[] x, int xOff, int segs, int seg, float[] out, int outOff, int ldo) {
        if (seg > BLOCK) { // long segments: dot keeps its partial sums short
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < segs; j++) out[outOff + j * ldo + r] = dot(a, aOff + r * lda + j * seg, x, xOff + j * seg, seg);
            }
            return;
        }
        int upper = S.loopBound(seg);
        for (int r = 0; r < rows; r++) {
            int row = aOff + r * lda;
            for (int j = 0; j < segs; j++) {
                int ao = row + j * seg, xo = xOff + j * seg;
                FloatVector acc = FloatVector.zero(S);
                int e = 0;
                for (; e < upper; e += L) acc = FloatVector.fromArray(S, a, ao + e).fma(FloatVector.fromArray(S, x, xo + e), acc);
                float s = VectorMath.sum(acc);
                for (; e < seg; e++) s += a[ao + e] * x[xo + e];
                out[outOff + j * ldo + r] = s;
            }
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        FloatVector av = FloatVector.broadcast(S, alpha);
        for (; i < upper; i += L)
            av.fma(FloatVector.fromArray(S, x, xOff + i), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        // Math.fma in the tail too: a stream of axpys is then the product's chain (RegisterTiles), lane or not.
        for (; i < n; i++) y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }

    @Override
    public double logSumExp(float[] x, int off, int n) {
        int upper = S.loopBound(n), i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (upper > 0) {
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < upper; i += L) mv = mv.max(FloatVector.fromArray(S, x, off + i));
            max = mv.reduceLanes(VectorOperators.MAX); // exact in any order
        }
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        // The sum as the scalar kernels make it, bit for bit: a scan's scores must not depend on which kernels ran
        // (corpus scans are merged across machines and compared exactly). The vector exp (DoubleVector EXP) was 4x
        // faster but rounds differently compiled (the JDK's vector math library) and not yet compiled (Math.exp).
        double sum = 0, m = max;
        for (i = 0; i < n; i++) sum += Math.exp(x[off + i] - m);
        return m + Math.log(sum);
    }

    @Override
    public int countAbove(float[] x, int off, int n, float t, boolean orEqual) {
        int upper = S.loopBound(n), i = 0, c = 0;
        FloatVector tv = FloatVector.broadcast(S, t);
        // One loop per comparison: the Vector API compiles an operator known where it is used, not one picked at run time.
        if (orEqual) for (; i < upper; i += L) c += FloatVector.fromArray(S, x, off + i).compare(VectorOperators.GE, tv).trueCount();
        else for (; i < upper; i += L) c += FloatVector.fromArray(S, x, off + i).compare(VectorOperators.GT, tv).trueCount();
        for (; i < n; i++) if (x[off + i] > t || (orEqual && x[off + i] == t)) c++;
        return c;
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        if (n <= 0) return;
        int upper = S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (upper > 0) {
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < upper; i += L) mv = mv.max(FloatVector.fromArray(S, x, off + i));
            max = mv.reduceLanes(VectorOperators.MAX); // exact in any order, unlike ADD (VectorMath.sum)
        }
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        // A fully masked row (all −inf) has no distribution; PyTorch gives NaN and so do we
        // (−inf − −inf), rather than silently inventing a uniform one.
        FloatVector mv = FloatVector.broadcast(S, max);
        double sum = 0;
        i = 0;
        while (i < upper) {
            int end = Math.min(upper, i + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + i).sub(mv));
                e.intoArray(x, off + i);
                acc = acc.add(e);
            }
            sum += VectorMath.sum(acc);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        FloatVector iv = FloatVector.broadcast(S, inv);
        for (i = 0; i < upper; i += L) FloatVector.fromArray(S, x, off + i).mul(iv).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= inv;
    }

    @Override
    public float layerNorm(float[] x, int xOff, float[] out, int outOff, int n, float eps, float[] w, float[] b) {
        int upper = S.loopBound(n);
        // Two passes (mean, then squared deviations) rather than E[x²] − E[x]²: the residual
        // stream has large common offsets, where the one-pass formula cancels catastrophically.
        double mean = sum(x, xOff, n, upper) / n;
        float m = (float) mean;
        double var = sumSquares(x, xOff, n, upper, m) / n;
        float scale = (float) Math.sqrt(var + eps);
        float inv = 1f / scale;
        FloatVector mv = FloatVector.broadcast(S, m), iv = FloatVector.broadcast(S, inv);
        int i = 0;
        if (w != null) {
            for (; i < upper; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, xOff + i).sub(mv).mul(iv);
                v.fma(FloatVector.fromArray(S, w, i), FloatVector.fromArray(S, b, i)).intoArray(out, outOff + i);
            }
            for (; i < n; i++) out[outOff + i] = (x[xOff + i] - m) * inv * w[i] + b[i];
        } else {
            for (; i < upper; i += L) FloatVector.fromArray(S, x, xOff + i).sub(mv).mul(iv).intoArray(out, outOff + i);
            for (; i < n; i++) out[outOff + i] = (x[xOff + i] - m) * inv;
        }
        return scale;
    }

    private static double sum(float[] x, int off, int n, int upper) {
        double total = 0;
        int i = 0;
        while (i < upper) {
            int end = Math.min(upper, i + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) acc = acc.add(FloatVector.fromArray(S, x, off + i));
            total += VectorMath.sum(acc);
        }
        for (; i < n; i++) total += x[off + i];
        return total;
    }

    private static double sumSquares(float[] x, int off, int n, int upper, float centre) {
        FloatVector cv = FloatVector.broadcast(S, centre);
        double total = 0;
        int i = 0;
        while (i < upper) {
            int end = Math.min(upper, i + BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, off + i).sub(cv);
                acc = d.fma(d, acc);
            }
            total += VectorMath.sum(acc);
        }
        for (; i < n; i++) {
            double d = x[off + i] - centre;
            total += d * d;
        }
        return total;
    }

    @Override
    public void geluNew(float[] x, int off, int n) {
        // 0.5x(1 + tanh(u)) = x / (1 + e^(−2u)): one exp and one divide, no tanh needed, and
        // it saturates correctly (e^(−2u) → ∞ gives 0, → 0 gives x).
        final float c2 = (float) (-2 * Math.sqrt(2.0 / Math.PI));
        final float c3 = (float) (-2 * Math.sqrt(2.0 / Math.PI) * 0.044715);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector u = v.mul(v).fma(c3, c2).mul(v);
            v.div(VectorMath.exp(u).add(one)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            x[off + i] = v / (1f + (float) Math.exp((v * v * c3 + c2) * v));
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) VectorMath.gelu(FloatVector.fromArray(S, x, off + i)).intoArray(x, off + i);
        for (; i < n; i++) {
            double v = x[off + i];
            x[off + i] = (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        }
    }

    @Override
    public void relu(float[] x, int off, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) FloatVector.fromArray(S, x, off + i).max(zero).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] = Math.max(x[off + i], 0f);
    }

    @Override
    public void silu(float[] x, int off, int n) {
        // e^(−x) overflows to ∞ for x ≪ 0, and x / ∞ is the right limit, −0.
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.div(VectorMath.exp(v.neg()).add(one)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = x[off + i] / (1f + (float) Math.exp(-x[off + i]));
    }
}
