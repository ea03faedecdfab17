package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.PositionalEmbedding;
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

    /** Pythia / GPT-NeoX style: LN, rotary on half of each head, parallel attention and MLP. */
    static Weights neox() {
        return RandomWeights.generate(new ModelConfig("neox", 2, 32, 4, 8, 48, 29, 12, ActFn.GELU, Normalization.LN, false, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, true, "GPTNeoXForCausalLM")), 12, 0.3);
    }

    /** Llama style: RMS, SiLU-gated MLP, rotary, 8 query heads on 2 key/value heads, W_U apart from W_E. */
    static Weights llama() {
        return RandomWeights.generate(new ModelConfig("llama", 2, 32, 8, 4, 48, 29, 12, ActFn.SILU, Normalization.RMS, false, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 4, 500000, 2, true, false, "LlamaForCausalLM")), 13, 0.3);
    }

    @org.junit.jupiter.api.Test
    void foldLnOnAnRmsModelScalesItsReadersWithoutCentringAndMakesItRmsPre() {
        Weights w = llama();
        Weights f = WeightProcessing.foldLayerNorm(w);
        assertEquals(Normalization.RMS_PRE, f.config().normalizationType());
        assertFalse(f.has("blocks.0.ln1.w") || f.has("ln_final.w"), "RMSNorm weights are gone after folding");
        float[] n1 = w.data("blocks.1.ln1.w"), n2 = w.data("blocks.1.ln2.w");
        // W' = diag(w)·W entry by entry, and nothing else: no centring (an RMSNorm's output keeps its mean).
        assertFolded(w.data("blocks.1.attn.W_Q"), f.data("blocks.1.attn.W_Q"), n1, 4, "W_Q");
        assertFolded(w.data("blocks.1.attn._W_K"), f.data("blocks.1.attn._W_K"), n1, 4, "_W_K");
        assertFolded(w.data("blocks.1.attn._W_V"), f.data("blocks.1.attn._W_V"), n1, 4, "_W_V");
        assertFolded(w.data("blocks.1.mlp.W_in"), f.data("blocks.1.mlp.W_in"), n2, 48, "W_in");
        assertFolded(w.data("blocks.1.mlp.W_gate"), f.data("blocks.1.mlp.W_gate"), n2, 48, "W_gate");
        assertFolded(w.data("unembed.W_U"), f.data("unembed.W_U"), w.data("ln_final.w"), 29, "W_U");
        assertArrayEquals(w.data("blocks.1.attn._b_K"), f.data("blocks.1.attn._b_K"), "RMSNorm has no bias to fold");
        assertSameLogits(new Transformer(w).forward(TOKENS), new Transformer(f).forward(TOKENS), "fold_ln (RMS, gated, GQA)");
        assertSame(f, WeightProcessing.foldLayerNorm(f), "RMSPre: nothing left to fold");
    }

    /** W' [d, n] row i = W row i times w[i], to float rounding. */
    private static void assertFolded(float[] before, float[] after, float[] w, int n, String what) {
        int d = w.length;
        for (int k = 0; k < before.length; k++) assertEquals(before[k] * w[(k / n) % d], after[k], 1e-6f, what + " at " + k);
    }

    @org.junit.jupiter.api.Test
    void foldLnCenterWritingWeightsAndFoldValueBiasesKeepTheLogitsOfARotaryParallelModel() {
        Weights w = neox();
        Tensor want = new Transformer(w).forward(TOKENS);
        Weights f = WeightProcessing.foldLayerNorm(w);
        assertEquals(Normalization.LN_PRE, f.config().normalizationType());
        assertSameLogits(want, new Transformer(f).forward(TOKENS), "fold_ln (parallel, rotary)");
        Weights all = WeightProcessing.apply(w, new LoadOptions(true, true, false, true));
        assertFalse(all.has("pos_embed.W_pos"));
        assertSameLogits(want, new Transformer(all).forward(TOKENS), "fold_ln + center_writing_weights + fold_value_biases");
        float[] wo = all.data("blocks.1.attn.W_O");
        double rowSum = 0;
        for (int o = 0; o < 32; o++) rowSum += wo[3 * 32 + o];
        assertEquals(0, rowSum, 1e-4, "W_O was centred");
    }

    @org.junit.jupiter.api.Test
    void foldValueBiasesUnderGroupedQueryAttentionSendsEachKeyValueHeadsBiasThroughEveryHeadReadingIt() {
        Weights w = llama();
        Weights f = WeightProcessing.foldValueBiases(w);
        for (float v : f.data("blocks.0.attn._b_V")) assertEquals(0f, v);
        assertSameLogits(new Transformer(w).forward(TOKENS), new Transformer(f).forward(TOKENS), "fold_value_biases (GQA)");
        // b_O gains Σ_h _b_V[h / 4]·W_O[h], written out here.
        float[] bv = w.data("blocks.1.attn._b_V"), wo = w.data("blocks.1.attn.W_O"), bo = w.data("blocks.1.attn.b_O"), got = f.data("blocks.1.attn.b_O");
        for (int o = 0; o < 32; o++) {
            double s = bo[o];
            for (int h = 0; h < 8; h++) for (int e = 0; e < 4; e++) s += bv[(h / 4) * 4 + e] * wo[(h * 4 + e) * 32 + o];
            assertEquals(s, got[o], 1e-5, "b_O[" + o + "]");
        }
    }

    @org.junit.jupiter.api.Test
    void centerWritingWeightsIsSkippedOnLoadAndRefusedWhenCalledForAnRmsModel() {
        Weights w = llama();
        assertSame(w, WeightProcessing.apply(w, new LoadOptions(false, true, false, false)), "skipped, as TransformerLens");
        var e = assertThrows(IllegalArgumentException.class, () -> WeightProcessing.centerWritingWeights(w));
        assertTrue(e.getMessage().contains("RMS"), e.getMessage());
        Weights folded = WeightProcessing.apply(w, new LoadOptions(true, true, true, true));
        Tensor a = new Transformer(w).forward(TOKENS), b = new Transformer(folded).forward(TOKENS);
        for (int p = 0; p < TOKENS.length; p++) {
            double[] la = LogitOps.logSoftmax(a, p), lb = LogitOps.logSoftmax(b, p);
            for (int v = 0; v < la.length; v++) assertEquals(la[v], lb[v], 1e-4, "log-prob pos " + p + " token " + v);
        }
    }

    @org.junit.jupiter.api.Test
    void foldLnRefusesALayerNormBiasBeforeAGatedMlp() {
        Weights w = RandomWeights.generate(new ModelConfig("gated-ln", 1, 16, 2, 8, 24, 29, 12, ActFn.SILU, Normalization.LN, false, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 8, 10000, 0, true, false, "")), 3, 0.3);
        var e = assertThrows(IllegalArgumentException.class, () -> WeightProcessing.foldLayerNorm(w));
        assertTrue(e.getMessage().contains("gated"), e.getMessage());
    }
}
