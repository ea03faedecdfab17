package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.circuitscope.circuits.GradientAttribution.Method;
import org.circuitscope.circuits.GradientAttribution.Result;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradientAttributionTest {
    static final ModelConfig CFG = new ModelConfig("g", 2, 16, 2, 8, 32, 23, 16, ActFn.GELU, Normalization.LN, false, 1e-5, true);
    static final Transformer MODEL = new Transformer(RandomWeights.generate(CFG, 8, 0.4));
    static final int[] TOKENS = {1, 7, 3, 7, 12, 5};
    static final int POS = 4, TARGET = 9;

    /** f with token i's embedding scaled by (1 + eps), by a plain forward (central difference). */
    static double fScaled(int i, double eps) {
        var hook = (org.circuitscope.model.Hook) (e, n) -> {
            Tensor c = e.copy();
            for (int j = 0; j < 16; j++) c.data()[i * 16 + j] *= (float) (1 + eps);
            return c;
        };
        return LogitOps.logSoftmax(MODEL.run(TOKENS, new RunOptions(n -> false, Map.of(HookPoint.EMBED, hook))).logits(), POS)[TARGET];
    }

    @Test
    void inputTimesGradientIsTheDirectionalDerivativeAlongEachEmbedding() {
        Result r = GradientAttribution.compute(MODEL, TOKENS, POS, TARGET, Method.INPUT_X_GRADIENT, 0);
        double eps = 1e-2;
        for (int i = 0; i < TOKENS.length; i++) {
            // d/dε f(e_i·(1+ε)) at 0 = e_i·g_i, by central differences.
            double fd = (fScaled(i, eps) - fScaled(i, -eps)) / (2 * eps);
            double got = r.tokens().get(i).value();
            assertEquals(fd, got, 2e-3 + 1e-2 * Math.abs(fd), "token " + i);
        }
        assertEquals(0, r.tokens().get(5).value(), 1e-7, "a token after the position cannot matter (causal)");
    }

    @Test
    void saliencyIsNonNegativeAndZeroAfterThePosition() {
        Result r = GradientAttribution.compute(MODEL, TOKENS, POS, TARGET, Method.SALIENCY, 0);
        for (int i = 0; i <= POS; i++) assertTrue(r.tokens().get(i).value() > 0, "token " + i);
        assertEquals(0, r.tokens().get(5).value(), 1e-7);
        double f = LogitOps.logSoftmax(MODEL.forward(TOKENS), POS)[TARGET];
        assertEquals(f, r.f(), 1e-9);
    }

    @Test
    void integratedGradientsCompletenessErrorShrinksWithSteps() {
        Result coarse = GradientAttribution.compute(MODEL, TOKENS, POS, TARGET, Method.INTEGRATED_GRADIENTS, 2);
        Result fine = GradientAttribution.compute(MODEL, TOKENS, POS, TARGET, Method.INTEGRATED_GRADIENTS, 64);
        // The baseline value is an independent forward with every token embedding zeroed.
        var zero = (org.circuitscope.model.Hook) (e, n) -> Tensor.zeros(e.shape());
        double fBase = LogitOps.logSoftmax(MODEL.run(TOKENS, new RunOptions(n -> false, Map.of(HookPoint.EMBED, zero))).logits(), POS)[TARGET];
        assertEquals(fBase, fine.fBaseline(), 1e-9);
        double sum = fine.tokens().stream().mapToDouble(GradientAttribution.TokenAttribution::value).sum();
        assertEquals(sum - (fine.f() - fBase), fine.completenessError(), 1e-9);
        assertTrue(Math.abs(fine.completenessError()) < Math.abs(coarse.completenessError()),
                "error with 64 steps " + fine.completenessError() + " vs 2 steps " + coarse.completenessError());
        assertTrue(Math.abs(fine.completenessError()) < 1e-2 * Math.max(1, Math.abs(fine.f() - fBase)), "near-complete: " + fine.completenessError());
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> GradientAttribution.compute(MODEL, TOKENS, 6, 1, Method.SALIENCY, 0));
        assertThrows(IllegalArgumentException.class, () -> GradientAttribution.compute(MODEL, TOKENS, 1, 99, Method.SALIENCY, 0));
        assertThrows(IllegalArgumentException.class, () -> Method.parse("shap"));
    }
}
