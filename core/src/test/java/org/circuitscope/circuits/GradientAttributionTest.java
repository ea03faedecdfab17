package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.stream.Stream;
import org.circuitscope.circuits.GradientAttribution.Method;
import org.circuitscope.circuits.GradientAttribution.Result;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradientAttributionTest {
    static final ModelConfig CFG = new ModelConfig("g", 2, 16, 2, 8, 32, 23, 16, ActFn.GELU, Normalization.LN, false, 1e-5, true);
    static final Transformer MODEL = new Transformer(RandomWeights.generate(CFG, 8, 0.4));
    /** Llama-style: RMSNorm, SiLU-gated MLP, rotary on the whole head, two query heads per key/value head, no hook_pos_embed. */
    static final ModelConfig LLAMA = new ModelConfig("llama", 2, 16, 4, 4, 32, 23, 16, ActFn.SILU, Normalization.RMS, false, 1e-5, true,
            new Architecture(PositionalEmbedding.ROTARY, 4, 100, 2, true, false, "LlamaForCausalLM"));
    static final int[] TOKENS = {1, 7, 3, 7, 12, 5};
    static final int POS = 4, TARGET = 9;

    /** A model under a readable test name. */
    record Case(String label, Transformer model) {
        @Override public String toString() { return label; }
    }

    static Stream<Case> models() {
        return Stream.of(new Case("gpt2-ln", MODEL), new Case("llama-rotary-gqa", new Transformer(RandomWeights.generate(LLAMA, 8, 0.4))));
    }

    /** f with token i's embedding scaled by (1 + eps), by a plain forward (central difference). */
    static double fScaled(Transformer model, int i, double eps) {
        int d = model.config().dModel();
        var hook = (org.circuitscope.model.Hook) (e, n) -> {
            Tensor c = e.copy();
            for (int j = 0; j < d; j++) c.data()[i * d + j] *= (float) (1 + eps);
            return c;
        };
        return LogitOps.logSoftmax(model.run(TOKENS, new RunOptions(n -> false, Map.of(HookPoint.EMBED, hook))).logits(), POS)[TARGET];
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void inputTimesGradientIsTheDirectionalDerivativeAlongEachEmbedding(Case c) {
        Result r = GradientAttribution.compute(c.model(), TOKENS, POS, TARGET, Method.INPUT_X_GRADIENT, 0);
        double eps = 1e-2;
        for (int i = 0; i < TOKENS.length; i++) {
            // d/dε f(e_i·(1+ε)) at 0 = e_i·g_i, by central differences.
            double fd = (fScaled(c.model(), i, eps) - fScaled(c.model(), i, -eps)) / (2 * eps);
            double got = r.tokens().get(i).value();
            assertEquals(fd, got, 2e-3 + 1e-2 * Math.abs(fd), "token " + i);
        }
        assertEquals(0, r.tokens().get(5).value(), 1e-7, "a token after the position cannot matter (causal)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void saliencyIsNonNegativeAndZeroAfterThePosition(Case c) {
        Result r = GradientAttribution.compute(c.model(), TOKENS, POS, TARGET, Method.SALIENCY, 0);
        for (int i = 0; i <= POS; i++) assertTrue(r.tokens().get(i).value() > 0, "token " + i);
        assertEquals(0, r.tokens().get(5).value(), 1e-7);
        double f = LogitOps.logSoftmax(c.model().forward(TOKENS), POS)[TARGET];
        assertEquals(f, r.f(), 1e-9);
    }

    /** An integrated-gradients run: a model and a coarse and a fine number of steps. */
    record Steps(String label, Transformer model, int coarse, int fine) {
        @Override public String toString() { return label; }
    }

    /**
     * The Llama-style model's RMSNorm divides the whole input by its size, and without
     * positional embeddings the input along the path is α·e alone: f(α·e) is nearly flat until
     * α ~ √eps / rms(e), where all of f − f(0) happens. The midpoint rule converges only once
     * its steps are finer than that (measured at eps 1e-5: error −2.9 at 64 steps, −0.03 at
     * 1,000), so this model has eps 1e-2 and finer steps.
     */
    static Stream<Steps> integratedGradientCases() {
        ModelConfig llama = new ModelConfig("llama-eps-1e-2", 2, 16, 4, 4, 32, 23, 16, ActFn.SILU, Normalization.RMS, false, 1e-2, true,
                LLAMA.architecture());
        return Stream.of(new Steps("gpt2-ln", MODEL, 2, 64),
                new Steps("llama-rotary-gqa", new Transformer(RandomWeights.generate(llama, 8, 0.4)), 16, 256));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integratedGradientCases")
    void integratedGradientsCompletenessErrorShrinksWithSteps(Steps c) {
        Transformer model = c.model();
        Result coarse = GradientAttribution.compute(model, TOKENS, POS, TARGET, Method.INTEGRATED_GRADIENTS, c.coarse());
        Result fine = GradientAttribution.compute(model, TOKENS, POS, TARGET, Method.INTEGRATED_GRADIENTS, c.fine());
        // The baseline value is an independent forward with every token embedding zeroed.
        var zero = (org.circuitscope.model.Hook) (e, n) -> Tensor.zeros(e.shape());
        double fBase = LogitOps.logSoftmax(model.run(TOKENS, new RunOptions(n -> false, Map.of(HookPoint.EMBED, zero))).logits(), POS)[TARGET];
        assertEquals(fBase, fine.fBaseline(), 1e-9);
        double sum = fine.tokens().stream().mapToDouble(GradientAttribution.TokenAttribution::value).sum();
        assertEquals(sum - (fine.f() - fBase), fine.completenessError(), 1e-9);
        assertTrue(Math.abs(fine.completenessError()) < Math.abs(coarse.completenessError()),
                "error with " + c.fine() + " steps " + fine.completenessError() + " vs " + c.coarse() + " steps " + coarse.completenessError());
        assertTrue(Math.abs(fine.completenessError()) < 1e-2 * Math.max(1, Math.abs(fine.f() - fBase)), "near-complete: " + fine.completenessError());
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> GradientAttribution.compute(MODEL, TOKENS, 6, 1, Method.SALIENCY, 0));
        assertThrows(IllegalArgumentException.class, () -> GradientAttribution.compute(MODEL, TOKENS, 1, 99, Method.SALIENCY, 0));
        assertThrows(IllegalArgumentException.class, () -> Method.parse("shap"));
    }
}
