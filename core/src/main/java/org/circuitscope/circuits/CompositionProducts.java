package org.circuitscope.circuits;

import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.WorkerPool;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * {@link CompositionScores#all} for large models, in float32 on the SIMD kernels with float64
 * sums. With L = V₁·O₁ and R = A₂·B₂ (see {@link CompositionScores}), ‖L·R‖² = trace(G_L·M·G_R·Mᵀ)
 * with M = O₁·A₂; writing G_L = S_Lᵀ·S_L and G_R = S_R·S_Rᵀ (S_L = Lᵀ, S_R = L for a factor L·Lᵀ = G of
 * the d_head × d_head Gram, see {@link #roots}), it is ‖S_L·O₁·A₂·S_R‖_F²: fold S_L into each head's W_O rows and S_R
 * into each head's W_Q/W_K/W_V columns, and every pair's score is the sum of squares of one
 * d_head × d_head block of a single product per layer pair,
 * [n_heads·d_head, d_model] × [d_model, 3·n_heads·d_head]. No per-pair d_head³ work is left, and
 * a sum of squares has no cancellation to lose float32 precision to. Memory stays at a layer's
 * weights' size (the folded right factors of every layer are kept only while that is small).
 * Where it costs fewer multiply-adds (GPT-2 small: a quarter) and every layer's left factors fit,
 * the same sums of squares come from {@link CompositionGrams} instead, the right factors a few
 * layers at a time.
 */
final class CompositionProducts {
    private CompositionProducts() {}

    private static final int Q = 0, K = 1, V = 2, MODES = 3;

    /** Folded right factors of at most this many floats are multiplied at once (GPT-2 small's 11 later layers: 19M); more are refolded per group. */
    private static final long KEEP_RIGHT_FLOATS = 1L << 26;

    /** One layer's Gram factors [head][d_head²] (L with L·Lᵀ = G, see {@link #roots}) and factor norms. */
    private record Layer(float[][] rq, float[][] rk, float[][] rv, float[][] ro, double[] normOv, double[] normQk) {}

    /** How the sums of squares are made: the cheaper way for the model, or one of them (tests compare the two). */
    enum Method { CHEAPER, PRODUCTS, GRAMS }

    static CompositionScores.Result all(Weights w, WorkProgress progress) { return all(w, progress, KEEP_RIGHT_FLOATS, Method.CHEAPER); }

    /**
     * {@link #all(Weights, WorkProgress)} the given way, with at most {@code rightFloats} floats of
     * folded right factors at once (tests take the grouped products and the Grams a layer at a
     * time with a small one).
     */
    static CompositionScores.Result all(Weights w, WorkProgress progress, long rightFloats, Method method) {
        ModelConfig c = w.config();
        int nl = c.nLayers(), nh = c.nHeads(), dh = c.dHead(), d = c.dModel(), hd = nh * dh;
        Kernels kern = Kernels.get();
        Layer[] layers = new Layer[nl];
        for (int l = 0; l < nl; l++) layers[l] = layer(kern, c, w.layer(l).attn());
        double[][][][] q = new double[nl][nh][nl][nh], k = new double[nl][nh][nl][nh], v = new double[nl][nh][nl][nh];
        double[][][][][] out = {q, k, v};
        if (nl < 2) return new CompositionScores.Result(q, k, v);
        if (method == Method.GRAMS || method == Method.CHEAPER && gramsAreCheaper(c, rightFloats)) {
            fromGrams(kern, c, w, layers, out, progress, rightFloats);
            return new CompositionScores.Result(q, k, v);
        }
        // Every later layer's folded right factors side by side, [d_model, layers·3·n_heads·d_head]:
        // each earlier layer is then one product against all the layers after it, one gemm that
        // packs its left factor once, rather than one product per layer pair. Large models whose
        // right factors do not fit take the layers after l1 in groups that do.
        int group = rightGroup(c, rightFloats);
        boolean keepAll = group >= nl - 1;
        int width = MODES * hd;
        float[] rights = keepAll ? foldAllRight(kern, c, w, layers, 1, nl) : null;
        float[] left = new float[hd * d];
        float[] prod = new float[hd * group * width];
        for (int l1 = 0; l1 + 1 < nl; l1++) {
            foldLeft(kern, c, w.layer(l1).attn(), layers[l1], left, 0);
            for (int g0 = l1 + 1; g0 < nl; g0 += group) {
                int g1 = Math.min(nl, g0 + group), cols = (g1 - g0) * width;
                float[] right = keepAll ? rights : foldAllRight(kern, c, w, layers, g0, g1);
                int first = keepAll ? 1 : g0, ld = keepAll ? (nl - 1) * width : cols;
                kern.gemm(false, false, hd, cols, d, left, 0, d, right, (g0 - first) * width, ld, prod, 0, cols, false);
                int ll = l1, lr0 = g0;
                // Each (layer2, mode, h1) row of blocks on its own: the sums are the same whichever thread runs them.
                WorkerPool.parallelFor((g1 - g0) * MODES * nh, task -> {
                    int lr = lr0 + task / (MODES * nh), m = task / nh % MODES, h1 = task % nh;
                    int col0 = (lr - lr0) * width + m * hd;
                    for (int h2 = 0; h2 < nh; h2++) {
                        out[m][ll][h1][lr][h2] = score(layers[ll], layers[lr], m, h1, h2, sumOfSquares(prod, h1 * dh, col0 + h2 * dh, cols, dh));
                    }
                });
            }
            progress.advance(l1 + 1, nl - 1);
        }
        return new CompositionScores.Result(q, k, v);
    }

    /** Later layers whose folded right factors one product of the product path takes (all of them where they fit {@code rightFloats}). */
    private static int rightGroup(ModelConfig c, long rightFloats) {
        return (int) Math.max(1, Math.min(c.nLayers() - 1, rightFloats / ((long) c.dModel() * MODES * c.nHeads() * c.dHead())));
    }

    /** {@link #gramsAreCheaper(ModelConfig, long)} with the default budget of right factors. */
    static boolean gramsAreCheaper(ModelConfig c) { return gramsAreCheaper(c, KEEP_RIGHT_FLOATS); }

    /**
     * Whether {@link CompositionGrams} costs less time than the products for this model, from
     * the multiply-adds of each way (all pairs) and their rates measured on GPT-2-small and
     * d_model-2048 shapes: the Grams' inner products stream bands through memory and ran at
     * about half the rate of one product per earlier layer (67–82 against 120–172 GFLOP/s), no
     * faster than products whose right factors do not fit {@code rightFloats} and are refolded
     * in groups. Only where every earlier layer's left factors fit at once (twice the default
     * budget), which the Grams keep.
     */
    static boolean gramsAreCheaper(ModelConfig c, long rightFloats) {
        long nl = c.nLayers(), nh = c.nHeads(), dh = c.dHead(), d = c.dModel(), hd = nh * dh;
        if ((nl - 1) * hd * d > 2 * KEEP_RIGHT_FLOATS) return false;
        long products = hd * d * MODES * hd * (nl - 1) * nl / 2;
        long left = (nl - 1) * nh, right = (nl - 1) * MODES * nh;
        long grams = (left * dh + right * dh + left * right) * d * (d + CompositionGrams.BAND) / 2;
        boolean productsKeepAll = rightGroup(c, rightFloats) >= nl - 1;
        return grams * (productsKeepAll ? 2 : 1) < products;
    }

    /**
     * Every pair's score from {@link CompositionGrams}: left heads are layers 0..n−2's (all folded
     * at once), right blocks layers 1..n−1's (layer, mode, head), folded a few layers at a time so
     * that they and their band of Grams stay within {@code rightFloats}.
     */
    private static void fromGrams(Kernels kern, ModelConfig c, Weights w, Layer[] layers, double[][][][][] out, WorkProgress progress,
                                  long rightFloats) {
        int nl = c.nLayers(), nh = c.nHeads(), dh = c.dHead(), d = c.dModel(), hd = nh * dh, later = nl - 1;
        float[] lefts = new float[later * hd * d];
        for (int l = 0; l < later; l++) foldLeft(kern, c, w.layer(l).attn(), layers[l], lefts, l * hd * d);
        long perLayer = (long) MODES * hd * d + (long) MODES * nh * CompositionGrams.BAND * d;
        int chunk = (int) Math.max(1, Math.min(later, rightFloats / perLayer)), chunks = (later + chunk - 1) / chunk;
        float[] rights = new float[chunk * MODES * hd * d];
        for (int ci = 0; ci < chunks; ci++) {
            // Right layers b0..b1−1 (l2 = b + 1), against the left layers before them.
            int b0 = ci * chunk, b1 = Math.min(later, b0 + chunk), done = ci;
            for (int b = b0; b < b1; b++) foldRightTransposed(kern, c, w.layer(b + 1).attn(), layers[b + 1], rights, (b - b0) * MODES * hd * d);
            double[][] ss = CompositionGrams.sumsOfSquares(kern, lefts, b1, rights, b0, b1 - b0, nh, MODES * nh, d, dh,
                    (bands, total) -> progress.advance(done * total + bands, chunks * total));
            for (int l1 = 0; l1 < b1; l1++)
                for (int h1 = 0; h1 < nh; h1++)
                    for (int b = Math.max(b0, l1); b < b1; b++)
                        for (int m = 0; m < MODES; m++)
                            for (int h2 = 0; h2 < nh; h2++)
                                out[m][l1][h1][b + 1][h2] = score(layers[l1], layers[b + 1], m, h1, h2, ss[l1 * nh + h1][((b - b0) * MODES + m) * nh + h2]);
        }
    }

    /** ‖L·R‖ / (‖L‖·‖R‖) from the pair's sum of squares (0 for a zero factor; a sum rounded below 0 counts as 0). */
    private static double score(Layer a, Layer b, int m, int h1, int h2, double sumOfSquares) {
        double norms = a.normOv()[h1] * (m == V ? b.normOv()[h2] : b.normQk()[h2]);
        return norms == 0 ? 0 : Math.sqrt(Math.max(0, sumOfSquares)) / norms;
    }

    private static Layer layer(Kernels kern, ModelConfig c, LayerWeights.Attention a) {
        int nh = c.nHeads(), nkv = c.nKeyValueHeads(), dh = c.dHead(), d = c.dModel();
        float[] wo = a.wO().data();
        float[] gq = gramsOfColumns(kern, a.wQ().data(), nh, d, dh), gk = gramsOfColumns(kern, a.wK().data(), nkv, d, dh);
        float[] gv = gramsOfColumns(kern, a.wV().data(), nkv, d, dh), go = new float[nh * dh * dh];
        kern.gemmBatched(nh, false, true, dh, dh, d, wo, 0, d, dh * d, wo, 0, d, dh * d, go, 0, dh, dh * dh, false);
        double[] normOv = new double[nh], normQk = new double[nh];
        for (int h = 0; h < nh; h++) {
            int kv = c.keyValueHead(h);
            normOv[h] = Math.sqrt(Math.max(0, dot(gv, kv * dh * dh, go, h * dh * dh, dh * dh)));
            normQk[h] = Math.sqrt(Math.max(0, dot(gq, h * dh * dh, gk, kv * dh * dh, dh * dh)));
        }
        return new Layer(roots(gq, nh, dh), roots(gk, nkv, dh), roots(gv, nkv, dh), roots(go, nh, dh), normOv, normQk);
    }

    /** Ô [n_heads·d_head, d_model] at {@code off}: head h's rows are Lᵀ·W_O[h], L·Lᵀ = W_Vᵀ W_V (the left factor's Gram). */
    private static void foldLeft(Kernels kern, ModelConfig c, LayerWeights.Attention a, Layer g, float[] out, int off) {
        int dh = c.dHead(), d = c.dModel();
        for (int h = 0; h < c.nHeads(); h++) {
            kern.gemm(true, false, dh, d, dh, g.rv()[c.keyValueHead(h)], 0, dh, a.wO().data(), h * dh * d, d, out, off + h * dh * d, d, false);
        }
    }

    /**
     * Â [d_model, 3·n_heads·d_head], Q | K | V blocks of head columns: Q reads W_Q[h]·L(W_Kᵀ W_K),
     * K reads W_K·L(W_Qᵀ W_Q), V reads W_V·L(W_O W_Oᵀ) (W_K, W_V of h's key/value head; L(G)·L(G)ᵀ = G).
     */
    private static float[] foldRight(Kernels kern, ModelConfig c, LayerWeights.Attention a, Layer g) {
        int nh = c.nHeads(), dh = c.dHead(), d = c.dModel(), hd = nh * dh, ld = MODES * hd;
        float[] out = new float[d * ld];
        for (int h = 0; h < nh; h++) {
            int kv = c.keyValueHead(h);
            kern.gemm(false, false, d, dh, dh, a.wQ().data(), h * d * dh, dh, g.rk()[kv], 0, dh, out, Q * hd + h * dh, ld, false);
            kern.gemm(false, false, d, dh, dh, a.wK().data(), kv * d * dh, dh, g.rq()[h], 0, dh, out, K * hd + h * dh, ld, false);
            kern.gemm(false, false, d, dh, dh, a.wV().data(), kv * d * dh, dh, g.ro()[h], 0, dh, out, V * hd + h * dh, ld, false);
        }
        return out;
    }

    /**
     * Âᵀ of one layer for {@link CompositionGrams}, each head's block as d_head rows of d_model at
     * {@code off}: blocks (mode, head) in the order of {@link #foldRight}'s columns.
     */
    private static void foldRightTransposed(Kernels kern, ModelConfig c, LayerWeights.Attention a, Layer g, float[] out, int off) {
        int nh = c.nHeads(), dh = c.dHead(), d = c.dModel(), block = dh * d;
        for (int h = 0; h < nh; h++) {
            int kv = c.keyValueHead(h);
            kern.gemm(true, true, dh, d, dh, g.rk()[kv], 0, dh, a.wQ().data(), h * d * dh, dh, out, off + (Q * nh + h) * block, d, false);
            kern.gemm(true, true, dh, d, dh, g.rq()[h], 0, dh, a.wK().data(), kv * d * dh, dh, out, off + (K * nh + h) * block, d, false);
            kern.gemm(true, true, dh, d, dh, g.ro()[h], 0, dh, a.wV().data(), kv * d * dh, dh, out, off + (V * nh + h) * block, d, false);
        }
    }

    /** {@link #foldRight} of layers [from, to) side by side: [d_model, (to − from)·3·n_heads·d_head]. */
    private static float[] foldAllRight(Kernels kern, ModelConfig c, Weights w, Layer[] layers, int from, int to) {
        int d = c.dModel(), width = MODES * c.nHeads() * c.dHead(), ld = (to - from) * width;
        float[] out = new float[d * ld];
        for (int l = from; l < to; l++) {
            float[] one = foldRight(kern, c, w.layer(l).attn(), layers[l]);
            for (int i = 0; i < d; i++) System.arraycopy(one, i * width, out, i * ld + (l - from) * width, width);
        }
        return out;
    }

    /** Xᵀ·X of each [d, dh] slice of x [heads, d, dh]: [heads, dh, dh]. */
    private static float[] gramsOfColumns(Kernels kern, float[] x, int heads, int d, int dh) {
        float[] g = new float[heads * dh * dh];
        kern.gemmBatched(heads, true, false, dh, dh, d, x, 0, dh, d * dh, x, 0, dh, d * dh, g, 0, dh, dh * dh, false);
        return g;
    }

    /**
     * A factor L with L·Lᵀ = G of each positive semi-definite Gram, in float64: its Cholesky factor
     * (lower triangular), or where that fails (a singular Gram: a head of rank below d_head) the
     * symmetric square root Q·Λ^{1/2}·Qᵀ, negative eigenvalues from rounding counted as 0. Any
     * such factor gives the same ‖·‖, and Cholesky costs a small part of an eigendecomposition.
     */
    private static float[][] roots(float[] grams, int count, int dh) {
        float[][] out = new float[count][dh * dh];
        // One head per task on every core of the pool (EJML's decompositions are single-threaded and hold state: one each).
        WorkerPool.parallelFor(count, i -> {
            DMatrixRMaj g = new DMatrixRMaj(dh, dh);
            for (int r = 0; r < dh; r++) {
                // Symmetrised: float32 products can differ in the last bit across the diagonal.
                for (int s = 0; s < dh; s++) g.data[r * dh + s] = 0.5 * ((double) grams[i * dh * dh + r * dh + s] + grams[i * dh * dh + s * dh + r]);
            }
            CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(dh, true);
            double[] root = chol.decompose(g.copy()) ? chol.getT(null).data : symmetricRoot(g);
            for (int j = 0; j < root.length; j++) out[i][j] = (float) root[j];
        });
        return out;
    }

    private static double[] symmetricRoot(DMatrixRMaj g) {
        int dh = g.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(dh, true, true);
        if (!eig.decompose(g)) throw new IllegalStateException("eigendecomposition of a " + dh + "×" + dh + " Gram matrix did not converge");
        double[] root = new double[dh * dh];
        for (int e = 0; e < dh; e++) {
            double lambda = Math.sqrt(Math.max(0, eig.getEigenvalue(e).real));
            DMatrixRMaj vec = eig.getEigenVector(e);
            if (vec == null || lambda == 0) continue;
            for (int r = 0; r < dh; r++) for (int s = 0; s < dh; s++) root[r * dh + s] += lambda * vec.data[r] * vec.data[s];
        }
        return root;
    }

    private static double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

    private static double sumOfSquares(float[] m, int row0, int col0, int ld, int dh) {
        double s = 0;
        for (int i = 0; i < dh; i++) {
            int at = (row0 + i) * ld + col0;
            for (int j = 0; j < dh; j++) s += (double) m[at + j] * m[at + j];
        }
        return s;
    }
}
