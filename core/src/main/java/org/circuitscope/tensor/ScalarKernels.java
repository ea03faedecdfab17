package org.circuitscope.tensor;

/** Plain-loop kernels: the reference the SIMD path is tested against, and the fallback. */
public class ScalarKernels implements Kernels {

    @Override
    public String name() { return "scalar"; }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        WorkerPool.parallelFor(m, i -> gemmRow(transA, transB, i, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate));
    }

    private static void gemmRow(boolean transA, boolean transB, int i, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        int cRow = cOff + i * ldc;
        if (transB) {
            // Row i of A against row j of B: both contiguous when A is not transposed.
            for (int j = 0; j < n; j++) {
                float s = 0;
                int bRow = bOff + j * ldb;
                for (int p = 0; p < k; p++) s += (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * b[bRow + p];
                c[cRow + j] = accumulate ? c[cRow + j] + s : s;
            }
            return;
        }
        if (!accumulate) java.util.Arrays.fill(c, cRow, cRow + n, 0f);
        for (int p = 0; p < k; p++) {
            float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            int bRow = bOff + p * ldb;
            for (int j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
        }
    }

    @Override
    public void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, int aStride,
                            float[] b, int bOff, int ldb, int bStride,
                            float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        WorkerPool.parallelFor(batch * m, t -> gemmRow(transA, transB, t % m, n, k,
                a, aOff + (t / m) * aStride, lda, b, bOff + (t / m) * bStride, ldb,
                c, cOff + (t / m) * cStride, ldc, accumulate));
    }

    /** Columns of B converted at a time by {@link #gemmBatched16}: a row of them stays in L1. */
    private static final int COLS16 = 512;

    @Override
    public void gemmBatched16(int batch, int m, int n, int k,
                              float[] a, int aOff, int lda, int aStride,
                              short[] b, DType bType, int bOff, int ldb, int bStride,
                              float[] c, int cOff, int ldc, int cStride, boolean accumulate) {
        if (!bType.sixteenBit()) throw new IllegalArgumentException("gemmBatched16 takes BF16 or F16 B, not " + bType);
        if (batch <= 0 || m <= 0 || n <= 0) return;
        int chunks = (n + COLS16 - 1) / COLS16;
        // Each row of B is converted once (not once per row of A) and added to every row of C:
        // per element the same multiply-adds in the same order as gemmRow, so the same result.
        WorkerPool.parallelFor(batch * chunks, job -> {
            int bt = job / chunks, j0 = (job % chunks) * COLS16, len = Math.min(COLS16, n - j0);
            int ao = aOff + bt * aStride, bo = bOff + bt * bStride + j0, co = cOff + bt * cStride + j0;
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, co + i * ldc, co + i * ldc + len, 0f);
            float[] row = new float[len];
            for (int p = 0; p < k; p++) {
                bType.toFloat(b, bo + p * ldb, row, 0, len);
                for (int i = 0; i < m; i++) {
                    float av = a[ao + i * lda + p];
                    int cRow = co + i * ldc;
                    for (int j = 0; j < len; j++) c[cRow + j] += av * row[j];
                }
            }
        });
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public void segmentDots(float[] a, int aOff, int lda, int rows, float[] x, int xOff, int segs, int seg, float[] out, int outOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < segs; j++) out[outOff + j * ldo + r] = dot(a, aOff + r * lda + j * seg, x, xOff + j * seg, seg);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(x[off + i] - max);
        return max + Math.log(sum);
    }

    @Override
    public int countAbove(float[] x, int off, int n, float t, boolean orEqual) {
        int c = 0;
        for (int i = 0; i < n; i++) if (x[off + i] > t || (orEqual && x[off + i] == t)) c++;
        return c;
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    @Override
    public float layerNorm(float[] x, int xOff, float[] out, int outOff, int n, float eps, float[] w, float[] b) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += x[xOff + i];
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double d = x[xOff + i] - mean;
            var += d * d;
        }
        float scale = (float) Math.sqrt(var / n + eps);
        float inv = 1f / scale;
        float m = (float) mean;
        for (int i = 0; i < n; i++) {
            float v = (x[xOff + i] - m) * inv;
            if (w != null) v = v * w[i] + b[i];
            out[outOff + i] = v;
        }
        return scale;
    }

    @Override
    public void geluNew(float[] x, int off, int n) {
        final double c = Math.sqrt(2.0 / Math.PI);
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v))));
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))));
        }
    }

    @Override
    public void relu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) x[i] = Math.max(x[i], 0f);
    }

    @Override
    public void silu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) x[i] = (float) (x[i] / (1 + Math.exp(-(double) x[i])));
    }
}
