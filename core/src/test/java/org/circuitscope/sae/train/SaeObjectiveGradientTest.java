package org.circuitscope.sae.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written gradients of the SAE objective against central finite differences of the
 * loss, one random direction per parameter tensor, for ReLU + L1 and TopK, through the dense
 * (gemm) and the sparse (active features only) paths.
 */
class SaeObjectiveGradientTest {
    static final int D = 12, M = 40, N = 30;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(SaeConfig.Architecture.RELU, 0.3, false, true),
                Arguments.of(SaeConfig.Architecture.RELU, 0.3, true, true),
                Arguments.of(SaeConfig.Architecture.RELU, 0.0, false, false),
                Arguments.of(SaeConfig.Architecture.TOPK, 0.0, false, true),
                Arguments.of(SaeConfig.Architecture.TOPK, 0.0, true, true),
                Arguments.of(SaeConfig.Architecture.TOPK, 0.0, true, false));
    }

    @ParameterizedTest(name = "{0} l1={1} sparse={2} applyBDec={3}")
    @MethodSource("cases")
    void gradientsMatchFiniteDifferences(SaeConfig.Architecture arch, double l1, boolean sparse, boolean applyBDec) {
        SaeConfig cfg = new SaeConfig("g", arch, D, M, "blocks.0.hook_resid_post", arch == SaeConfig.Architecture.TOPK ? 6 : 0, applyBDec, "none");
        SplittableRandom r = new SplittableRandom(42);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        float[] mean = new float[D];
        for (int j = 0; j < D; j++) mean[j] = (float) (r.nextDouble() * 0.4 - 0.2);
        SaeParams p = SaeParams.init(cfg, mean, 5);
        // Move off the initialisation's symmetry (W_enc = W_decᵀ, unit rows, zero b_enc), so every term is exercised.
        for (Tensor t : p.named().values()) for (int i = 0; i < t.size(); i++) t.data()[i] += (float) ((r.nextDouble() - 0.5) * 0.4);
        SaeObjective.Step base = SaeObjective.evaluate(p, x, N, l1, sparse);
        for (Map.Entry<String, Tensor> e : p.named().entrySet()) {
            float[] w = e.getValue().data();
            float[] g = base.grads().get(e.getKey()).data();
            int checked = 0;
            // The loss has kinks (relu at 0, TopK's set): a direction whose ±ε step switches a
            // feature on or off is no test of the gradient, so it is drawn again.
            for (int attempt = 0; attempt < 20 && checked == 0; attempt++) {
                float[] v = new float[w.length];
                for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
                double analytic = 0;
                for (int i = 0; i < v.length; i++) analytic += (double) g[i] * v[i];
                double eps = 2e-4;
                float[] orig = w.clone();
                for (int i = 0; i < w.length; i++) w[i] = (float) (orig[i] + eps * v[i]);
                SaeObjective.Step plus = SaeObjective.evaluate(p, x, N, l1, sparse);
                for (int i = 0; i < w.length; i++) w[i] = (float) (orig[i] - eps * v[i]);
                SaeObjective.Step minus = SaeObjective.evaluate(p, x, N, l1, sparse);
                System.arraycopy(orig, 0, w, 0, w.length);
                if (!java.util.Arrays.equals(plus.fired(), base.fired()) || !java.util.Arrays.equals(minus.fired(), base.fired())) continue;
                double numeric = (plus.loss() - minus.loss()) / (2 * eps);
                assertEquals(numeric, analytic, 5e-3 * Math.max(1, Math.abs(numeric)),
                        arch + " " + e.getKey() + ": finite difference " + numeric + " vs gradient " + analytic);
                checked++;
            }
            org.junit.jupiter.api.Assertions.assertEquals(1, checked, e.getKey() + ": no direction stayed off the kinks");
        }
    }

    @ParameterizedTest(name = "{0} l1={1} sparse={2} applyBDec={3}")
    @MethodSource("cases")
    void theSparsePathComputesWhatTheDensePathDoes(SaeConfig.Architecture arch, double l1, boolean ignored, boolean applyBDec) {
        SaeConfig cfg = new SaeConfig("g", arch, D, M, "blocks.0.hook_resid_post", arch == SaeConfig.Architecture.TOPK ? 6 : 0, applyBDec, "none");
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        SaeParams p = SaeParams.init(cfg, new float[D], 3);
        for (Tensor t : p.named().values()) for (int i = 0; i < t.size(); i++) t.data()[i] += (float) ((r.nextDouble() - 0.5) * 0.4);
        SaeObjective.Step a = SaeObjective.evaluate(p, x, N, l1, false), b = SaeObjective.evaluate(p, x, N, l1, true);
        assertEquals(a.loss(), b.loss(), 1e-5 * Math.max(1, a.loss()));
        for (String name : a.grads().keySet()) {
            float[] ga = a.grads().get(name).data(), gb = b.grads().get(name).data();
            for (int i = 0; i < ga.length; i++) assertEquals(ga[i], gb[i], 1e-5, name + "[" + i + "]");
        }
    }
}
