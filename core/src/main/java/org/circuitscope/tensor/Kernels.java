package org.circuitscope.tensor;

/**
 * The numeric kernels the model, the analyses and the trainer are built on. Two
 * implementations do the same arithmetic: {@link SimdKernels} (Vector API, the default) and
 * {@link ScalarKernels} (plain loops), chosen once by {@code -Dcircuitscope.simd=false} or
 * {@code -Dcircuitscope.vectorBits=0} ({@code =256} or {@code =512} picks the vector width). By
 * default the SIMD ones are used once they are compiled, the scalar ones until then
 * ({@link WarmingKernels}).
 *
 * <p>All matrices are row-major float arrays addressed by (array, offset, leading dimension),
 * so per-head slices of {@code [pos, head, d_head]} tensors are used in place.
 */
public interface Kernels {

    /** The kernels chosen for this JVM: SIMD (after a scalar start) unless {@code circuitscope.simd} is {@code false}. */
    static Kernels get() { return KernelsHolder.INSTANCE; }

    /**
     * Starts compiling the SIMD kernels now (their race against the scalar ones, {@code
     * WarmingKernels}) instead of after the first calls: for a caller that expects heavy work
     * soon, such as a language server at start. Nothing when the scalar kernels were chosen or
     * the race has begun.
     */
    static void warmUpNow() {
        if (KernelsHolder.INSTANCE instanceof WarmingKernels w) w.startNow();
    }

    /**
     * For a batch command about to do seconds of kernel work: {@link #warmUpNow}, waits up to
     * {@code maxWait} for the race to end, then sends every later call to the SIMD kernels,
     * compiled or not. A product begun on the scalar kernels runs to its end there, several
     * times slower than SIMD, so heavy work should not start during the race; and past the wait
     * the SIMD code finishes compiling sooner while it does real work. Best called after work
     * that leaves a core free (a model load), which the race uses. The language server does not
     * call this: its first hover of a small model is quicker on scalar code. Nothing when the
     * scalar kernels were chosen.
     */
    static void preferSimd(java.time.Duration maxWait) throws InterruptedException {
        if (KernelsHolder.INSTANCE instanceof WarmingKernels w) {
            w.startNow();
            if (!w.awaitSwitch(maxWait)) w.switchNow();
        }
    }

    /**
     * Starts the race like {@link #warmUpNow} and waits until every later call goes to the SIMD
     * kernels, at most {@code timeout}. For work whose results must not depend on when it ran
     * (corpus scans, merged across threads and machines and compared by exact order): the
     * scalar kernels round differently, and a run that switched midway would mix the two. True
     * once switched, and at once when the scalar kernels were chosen (nothing to wait for).
     */
    static boolean awaitCompiled(java.time.Duration timeout) {
        if (!(KernelsHolder.INSTANCE instanceof WarmingKernels w)) return true;
        w.startNow();
        try {
            return w.awaitSwitch(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return w.switched();
        }
    }

    /** A name for logs: "simd (FloatVector 512 bit)" or "scalar". */
    String name();

    /**
     * C = op(A)·op(B), or C += op(A)·op(B) when {@code accumulate}. op(A) is m×k: stored
     * m×k (element (i,p) at {@code a[aOff + i*lda + p]}), or k×m when {@code transA}
     * (element (i,p) at {@code a[aOff + p*lda + i]}). op(B) is k×n: stored k×n
     * ({@code b[bOff + p*ldb + j]}), or n×k when {@code transB} ({@code b[bOff + j*ldb + p]}).
     * C is m×n at {@code c[cOff + i*ldc + j]}. Runs on the {@link WorkerPool}.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * {@code batch} independent products; product t uses offsets {@code aOff + t*aStride},
     * {@code bOff + t*bStride}, {@code cOff + t*cStride} (per-head attention, per-head W_Q…).
     * The work of all products is split across the pool together.
     */
    void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, int aStride,
                     float[] b, int bOff, int ldb, int bStride,
                     float[] c, int cOff, int ldc, int cStride, boolean accumulate);

    /**
     * {@link #gemmBatched} without transposes, B a 16-bit weight ({@code bType} BF16 or F16,
     * element (p, j) of product t at {@code b[bOff + t*bStride + p*ldb + j]}) converted to
     * float as it is read: the same result as gemmBatched on the converted B, bit for bit,
     * without a float32 copy of the weight ({@link WeightGemm}).
     */
    void gemmBatched16(int batch, int m, int n, int k,
                       float[] a, int aOff, int lda, int aStride,
                       short[] b, DType bType, int bOff, int ldb, int bStride,
                       float[] c, int cOff, int ldc, int cStride, boolean accumulate);

    /** Σ a[i]·b[i] over n elements. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * Dot products of every row's segments with one vector's:
     * out[outOff + j·ldo + r] = Σ_{e &lt; seg} a[aOff + r·lda + j·seg + e] · x[xOff + j·seg + e]
     * for r &lt; rows, j &lt; segs (segment-major: each segment's results contiguous when
     * ldo = rows). With segments of d_head this is one query against every position's key in
     * every head at once (a row of attention scores per head), without a call per position and
     * head.
     */
    void segmentDots(float[] a, int aOff, int lda, int rows, float[] x, int xOff, int segs, int seg, float[] out, int outOff, int ldo);

    /** y[i] += alpha·x[i] over n elements. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** In-place softmax of x[off .. off+n) (max-subtracted, exp, normalised). */
    void softmax(float[] x, int off, int n);

    /**
     * log Σ exp(x[i]) over x[off .. off+n), max-subtracted and summed in float64 (x[i] − this is
     * the row's log_softmax): how every position of a pass is scored against its logits row.
     */
    double logSumExp(float[] x, int off, int n);

    /**
     * How many of x[off .. off+n) are greater than {@code t}, or greater or equal when {@code
     * orEqual} (NaN counts in neither): a token's rank is one more than the entries above it,
     * counting equal ones before it.
     */
    int countAbove(float[] x, int off, int n, float t, boolean orEqual);

    /**
     * LayerNorm of one row as TransformerLens: centred = x − mean; scale =
     * sqrt(mean(centred²) + eps); out = centred / scale, then ·w + b where w, b are not null
     * (LNPre passes null for both). Writes n values at {@code out[outOff]} and returns scale.
     */
    float layerNorm(float[] x, int xOff, float[] out, int outOff, int n, float eps, float[] w, float[] b);

    /** In place, GPT-2's tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    void geluNew(float[] x, int off, int n);

    /** In place, the exact GELU: 0.5x(1 + erf(x/√2)). */
    void gelu(float[] x, int off, int n);

    /** In place, max(x, 0). */
    void relu(float[] x, int off, int n);

    /** In place, SiLU (swish): x·σ(x) = x / (1 + e^(−x)), the gate of Llama's SwiGLU. */
    void silu(float[] x, int off, int n);
}
