package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WeightProcessingTest {

    static Weights model(boolean attnOnly) {
        ModelConfig cfg = new ModelConfig("wp", 2, 32, 4, 8, 48, 29, 12, ActFn.GELU_NEW, Normalization.LN, attnOnly, 1e-5, true);
        return RandomWeights.generate(cfg, 11, 0.3);
    }

    static final int[] TOKENS = new SplittableRandom(9).ints(10, 0, 29).toArray();

    static void assertSameLogits(Tensor want, Tensor got, String what) {
        float tol = 1e-4f * Math.max(1f, want.maxAbs());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.data()[i], got.data()[i], tol, what + ": logit " + i);
        }
    }

    @ParameterizedTest(name = "attnOnly={0}")
    @ValueSource(booleans = {true, false})
    void foldLnKeepsLogitsAndMakesTheModelLnPre(boolean attnOnly) {
        Weights w = model(attnOnly);
        Weights f = WeightProcessing.foldLayerNorm(w);
        assertEquals(Normalization.LN_PRE, f.config().normalizationType());
        assertFalse(f.has("blocks.0.ln1.w"), "LayerNorm weights are gone after folding");
        // Readers of the residual stream are centred over d_model.
        float[] wq = f.data("blocks.1.attn.W_Q");
        double colSum = 0;
        for (int i = 0; i < 32; i++) colSum += wq[i * 8 + 3];
        assertEquals(0, colSum, 1e-4);
        assertSameLogits(new Transformer(w).forward(TOKENS), new Transformer(f).forward(TOKENS), "fold_ln");
    }

    @ParameterizedTest(name = "attnOnly={0}")
    @ValueSource(booleans = {true, false})
    void centerWritingWeightsKeepsLogits(boolean attnOnly) {
        Weights w = model(attnOnly);
        Weights c = WeightProcessing.centerWritingWeights(w);
        float[] we = c.data("embed.W_E");
        double rowSum = 0;
        for (int i = 0; i < 32; i++) rowSum += we[5 * 32 + i];
        assertEquals(0, rowSum, 1e-4);
        assertSameLogits(new Transformer(w).forward(TOKENS), new Transformer(c).forward(TOKENS), "center_writing_weights");
        // Also after folding, as TransformerLens does it.
        Weights fc = WeightProcessing.centerWritingWeights(WeightProcessing.foldLayerNorm(w));
        assertSameLogits(new Transformer(w).forward(TOKENS), new Transformer(fc).forward(TOKENS), "fold_ln + center_writing_weights");
    }

    @ParameterizedTest(name = "attnOnly={0}")
    @ValueSource(booleans = {true, false})
    void centerUnembedKeepsLogProbsButShiftsLogits(boolean attnOnly) {
        Weights w = model(attnOnly);
        Weights c = WeightProcessing.centerUnembed(w);
        Tensor a = new Transformer(w).forward(TOKENS), b = new Transformer(c).forward(TOKENS);
        double maxLogitDiff = 0;
        for (int p = 0; p < TOKENS.length; p++) {
            double[] la = LogitOps.logSoftmax(a, p), lb = LogitOps.logSoftmax(b, p);
            for (int v = 0; v < la.length; v++) assertEquals(la[v], lb[v], 1e-4, "log-prob pos " + p + " token " + v);
            double rowMean = 0;
            for (int v = 0; v < 29; v++) rowMean += b.data()[p * 29 + v];
            assertEquals(0, rowMean / 29, 1e-4, "centred logits have zero mean over the vocabulary");
            maxLogitDiff = Math.max(maxLogitDiff, Math.abs(a.data()[p * 29] - b.data()[p * 29]));
        }
        assertTrue(maxLogitDiff > 1e-3, "the logits themselves moved (the test would not notice a no-op otherwise)");
    }

    @ParameterizedTest(name = "attnOnly={0}")
    @ValueSource(booleans = {true, false})
    void foldValueBiasesKeepsLogitsAndZeroesBV(boolean attnOnly) {
        Weights w = model(attnOnly);
        Weights f = WeightProcessing.foldValueBiases(w);
        for (float v : f.data("blocks.0.attn.b_V")) assertEquals(0f, v);
        assertSameLogits(new Transformer(w).forward(TOKENS), new Transformer(f).forward(TOKENS), "fold_value_biases");
    }
}
