package org.circuitscope.sae.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;

/**
 * The training objective on a batch of n activations x and its gradients, written out by hand:
 * <pre>
 *   x̃ = x − b_dec,  pre = x̃ W_enc + b_enc,  f = σ(pre),  x̂ = f W_dec + b_dec,  e = x̂ − x
 *   L = (1/n) Σ_p ‖e_p‖²  +  λ (1/n) Σ_p Σ_i f_pi ‖W_dec,i‖      (λ = 0 for TopK)
 *
 *   g = 2e/n                                   ∂L/∂x̂
 *   ∂W_dec = fᵀ g + (λ/n) (Σ_p f_pi) W_dec,i / ‖W_dec,i‖
 *   ∂f     = g W_decᵀ + (λ/n) ‖W_dec,i‖
 *   ∂pre   = ∂f ⊙ [f &gt; 0]                     relu, and TopK's kept set (the rest gets none)
 *   ∂W_enc = x̃ᵀ ∂pre,   ∂b_enc = Σ_p ∂pre_p
 *   ∂b_dec = Σ_p g_p − W_enc ∂b_enc              the second term through x̃ = x − b_dec
 * </pre>
 * The MSE sums over d_in and averages over tokens, as SAELens's {@code mse_loss}.
 */
public final class SaeObjective {
    /** The loss terms, the gradients by parameter name and how often each feature fired. */
    public record Step(double loss, double mse, double l1, Map<String, Tensor> grads, int[] fired, float[] errorSquared, float[] errors) {}

    private SaeObjective() {}

    /**
     * @param x     n rows of d_in activations
     * @param l1    λ (ignored for TopK)
     */
    public static Step evaluate(SaeParams p, float[] x, int n, double l1) {
        return evaluate(p, x, n, l1, p.config().architecture() == SaeConfig.Architecture.TOPK);
    }

    /**
     * As {@link #evaluate(SaeParams, float[], int, double)}; {@code sparse} computes everything
     * after the encoder from each token's active features only (k·d_in per token instead of
     * d_sae·d_in), the same numbers up to float rounding: the TopK path, where at most k of d_sae
     * features are ever on.
     */
    static Step evaluate(SaeParams p, float[] x, int n, double l1, boolean sparse) {
        if (sparse) return evaluateSparse(p, x, n, l1);
        SaeConfig c = p.config();
        int d = c.dIn(), m = c.dSae();
        double lambda = c.architecture() == SaeConfig.Architecture.TOPK ? 0 : l1;
        // A transient view on the tensors being trained: encode/decode are the inference code paths.
        Sae view = Sae.of(c, p.wEnc, p.bEnc, p.wDec, p.bDec, null);
        Tensor xt = Tensor.of(x, n, d);
        float[] f = view.encode(xt).data();
        float[] xhat = view.decode(Tensor.of(f, n, m)).data();
        float[] wDec = p.wDec.data(), wEnc = p.wEnc.data();
        double[] norms = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) wDec[i * d + j] * wDec[i * d + j];
            norms[i] = Math.sqrt(s);
        }
        float[] g = new float[n * d], e2 = new float[n];
        double mse = 0;
        for (int r = 0; r < n; r++) {
            double s = residual(xhat, x, r, d, n, g);
            e2[r] = (float) s;
            mse += s;
        }
        mse /= n;
        double l1Sum = 0;
        int[] fired = new int[m];
        double[] fSum = new double[m];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < m; i++) {
                float a = f[r * m + i];
                if (a > 0) {
                    fired[i]++;
                    fSum[i] += a;
                    l1Sum += a * norms[i];
                }
            }
        }
        double l1Term = l1Sum / n;
        Kernels k = Kernels.get();
        float[] dWDec = new float[m * d];
        k.gemm(true, false, m, d, n, f, 0, m, g, 0, d, dWDec, 0, d, false);
        float[] df = new float[n * m];
        k.gemm(false, true, n, m, d, g, 0, d, wDec, 0, d, df, 0, m, false);
        if (lambda > 0) {
            for (int i = 0; i < m; i++) {
                if (fSum[i] == 0 || norms[i] == 0) continue;
                float s = (float) (lambda / n * fSum[i] / norms[i]);
                k.axpy(s, wDec, i * d, dWDec, i * d, d);
            }
        }
        float[] dPre = df;
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < m; i++) {
                int o = r * m + i;
                dPre[o] = f[o] > 0 ? (float) (df[o] + lambda / n * norms[i]) : 0f;
            }
        }
        float[] xTilde = x;
        if (c.applyBDecToInput()) {
            xTilde = x.clone();
            float[] b = p.bDec.data();
            for (int r = 0; r < n; r++) for (int j = 0; j < d; j++) xTilde[r * d + j] -= b[j];
        }
        float[] dWEnc = new float[d * m];
        k.gemm(true, false, d, m, n, xTilde, 0, d, dPre, 0, m, dWEnc, 0, m, false);
        float[] dBEnc = new float[m];
        for (int r = 0; r < n; r++) k.axpy(1f, dPre, r * m, dBEnc, 0, m);
        float[] dBDec = new float[d];
        for (int r = 0; r < n; r++) k.axpy(1f, g, r * d, dBDec, 0, d);
        if (c.applyBDecToInput()) {
            for (int j = 0; j < d; j++) dBDec[j] -= k.dot(wEnc, j * m, dBEnc, 0, m);
        }
        return step(p, x, xhat, mse, lambda, l1Term, dWEnc, dBEnc, dWDec, dBDec, fired, e2);
    }

    private static Step evaluateSparse(SaeParams p, float[] x, int n, double l1) {
        SaeConfig c = p.config();
        int d = c.dIn(), m = c.dSae();
        double lambda = c.architecture() == SaeConfig.Architecture.TOPK ? 0 : l1;
        Sae view = Sae.of(c, p.wEnc, p.bEnc, p.wDec, p.bDec, null);
        float[] f = view.encode(Tensor.of(x, n, d)).data();
        float[] wDec = p.wDec.data(), wEnc = p.wEnc.data(), bDec = p.bDec.data();
        Kernels k = Kernels.get();
        double[] norms = new double[m];
        for (int i = 0; i < m; i++) norms[i] = Math.sqrt(k.dot(wDec, i * d, wDec, i * d, d));
        // Each token's active features, found once.
        int[][] act = new int[n][];
        int[] buf = new int[m];
        for (int r = 0; r < n; r++) {
            int cnt = 0;
            for (int i = 0; i < m; i++) if (f[r * m + i] > 0) buf[cnt++] = i;
            act[r] = java.util.Arrays.copyOf(buf, cnt);
        }
        float[] xhat = new float[n * d], g = new float[n * d], e2 = new float[n];
        double mse = 0, l1Sum = 0;
        int[] fired = new int[m];
        double[] fSum = new double[m];
        for (int r = 0; r < n; r++) {
            System.arraycopy(bDec, 0, xhat, r * d, d);
            for (int i : act[r]) {
                float a = f[r * m + i];
                k.axpy(a, wDec, i * d, xhat, r * d, d);
                fired[i]++;
                fSum[i] += a;
                l1Sum += a * norms[i];
            }
            double s = residual(xhat, x, r, d, n, g);
            e2[r] = (float) s;
            mse += s;
        }
        mse /= n;
        float[] dWDec = new float[m * d], dWEncT = new float[m * d], dBEnc = new float[m], xt = new float[d];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) xt[j] = c.applyBDecToInput() ? x[r * d + j] - bDec[j] : x[r * d + j];
            for (int i : act[r]) {
                k.axpy(f[r * m + i], g, r * d, dWDec, i * d, d);
                float dPre = (float) (k.dot(g, r * d, wDec, i * d, d) + lambda / n * norms[i]);
                k.axpy(dPre, xt, 0, dWEncT, i * d, d);
                dBEnc[i] += dPre;
            }
        }
        if (lambda > 0) {
            for (int i = 0; i < m; i++) {
                if (fSum[i] != 0 && norms[i] != 0) k.axpy((float) (lambda / n * fSum[i] / norms[i]), wDec, i * d, dWDec, i * d, d);
            }
        }
        float[] dWEnc = new float[d * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) dWEnc[j * m + i] = dWEncT[i * d + j];
        float[] dBDec = new float[d];
        for (int r = 0; r < n; r++) k.axpy(1f, g, r * d, dBDec, 0, d);
        if (c.applyBDecToInput()) {
            for (int j = 0; j < d; j++) dBDec[j] -= k.dot(wEnc, j * m, dBEnc, 0, m);
        }
        return step(p, x, xhat, mse, lambda, l1Sum / n, dWEnc, dBEnc, dWDec, dBDec, fired, e2);
    }

    private static Step step(SaeParams p, float[] x, float[] xhat, double mse, double lambda, double l1Term, float[] dWEnc, float[] dBEnc,
                             float[] dWDec, float[] dBDec, int[] fired, float[] e2) {
        int d = p.config().dIn(), m = p.config().dSae();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        grads.put("W_enc", Tensor.of(dWEnc, d, m));
        grads.put("b_enc", Tensor.of(dBEnc, m));
        grads.put("W_dec", Tensor.of(dWDec, m, d));
        grads.put("b_dec", Tensor.of(dBDec, d));
        float[] errors = new float[x.length];
        for (int i = 0; i < errors.length; i++) errors[i] = x[i] - xhat[i];
        return new Step(mse + lambda * l1Term, mse, l1Term, grads, fired, e2, errors);
    }

    /** Row r's squared reconstruction error, its gradient d(MSE)/d(x̂) = 2(x̂ − x)/n written into g. */
    private static double residual(float[] xhat, float[] x, int r, int d, int n, float[] g) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            float e = xhat[r * d + j] - x[r * d + j];
            s += (double) e * e;
            g[r * d + j] = 2 * e / n;
        }
        return s;
    }
}
