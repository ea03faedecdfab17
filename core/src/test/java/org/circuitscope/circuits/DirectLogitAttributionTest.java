package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class DirectLogitAttributionTest {
    static final int[] TOKENS = {1, 8, 13, 8, 2, 27, 13, 4};

    static Transformer model(Normalization n, boolean attnOnly, long seed) {
        ModelConfig c = new ModelConfig("dla", 2, 16, 2, 8, attnOnly ? 0 : 32, 30, 16, ActFn.GELU, n, attnOnly, 1e-5, true);
        return new Transformer(RandomWeights.generate(c, seed, 0.4));
    }

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void componentsSumToTheLogitAndToLogitDifferences(Normalization n) {
        for (boolean attnOnly : new boolean[] {true, false}) {
            Transformer m = model(n, attnOnly, 3);
            ActivationCache cache = m.runWithCache(TOKENS);
            int v = m.config().dVocab();
            for (int pos : new int[] {0, 4, 7}) {
                for (int[] tc : new int[][] {{5, -1}, {13, 2}, {29, 0}}) {
                    DirectLogitAttribution.Result r = DirectLogitAttribution.compute(m, cache, pos, tc[0], tc[1]);
                    double want = cache.logits().data()[pos * v + tc[0]] - (tc[1] < 0 ? 0.0 : cache.logits().data()[pos * v + tc[1]]);
                    double sum = 0, max = 0;
                    for (DirectLogitAttribution.Component x : r.components()) {
                        sum += x.value();
                        max = Math.max(max, Math.abs(x.value()));
                    }
                    assertEquals(want, r.value(), 1e-6, "reported value is the model's");
                    assertTrue(Math.abs(sum - want) <= 1e-4 * max + 1e-6,
                            n + " attnOnly " + attnOnly + " pos " + pos + " target/contrast " + tc[0] + "/" + tc[1] + ": components sum to " + sum
                                    + ", model gives " + want);
                    int expected = 2 + 2 * 2 + 2 + (attnOnly ? 0 : 2) + (n == Normalization.LN ? 1 : 0) + 1;
                    assertEquals(expected, r.components().size(), "embed, pos_embed, heads, b_O, MLPs, ln_final.b, b_U");
                }
            }
        }
    }

    @Test
    void headComponentIsTheResultThroughFrozenFinalLayerNorm() {
        // Independent route for one head: centre hook_result, divide by ln_final.hook_scale, ⊙ ln_final.w, · W_U[:, t].
        Transformer m = model(Normalization.LN, false, 9);
        Weights w = m.weights();
        ActivationCache cache = m.runWithCache(TOKENS);
        int pos = 6, t = 11, D = 16, H = 2, V = 30;
        float[] res = cache.get("blocks.1.attn.hook_result").data(), wf = w.data("ln_final.w"), wu = w.data("unembed.W_U");
        double sf = cache.get("ln_final.hook_scale").data()[pos], mean = 0, want = 0;
        for (int o = 0; o < D; o++) mean += res[(pos * H + 1) * D + o] / (double) D;
        for (int o = 0; o < D; o++) want += (res[(pos * H + 1) * D + o] - mean) / sf * wf[o] * wu[o * V + t];
        DirectLogitAttribution.Result r = DirectLogitAttribution.compute(m, cache, pos, t, -1);
        double got = r.components().stream().filter(c -> c.label().equals("L1H1")).findFirst().orElseThrow().value();
        assertEquals(want, got, 1e-6 * Math.max(1, Math.abs(want)));
    }

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void perSourcePartsSumToTheHeadsDirectTerm(Normalization n) {
        Transformer m = model(n, false, 4);
        ActivationCache cache = m.runWithCache(TOKENS);
        for (int[] tc : new int[][] {{7, -1}, {7, 20}}) {
            int pos = 7;
            DirectLogitAttribution.Result dla = DirectLogitAttribution.compute(m, cache, pos, tc[0], tc[1]);
            List<SourceAttribution.HeadSources> heads = SourceAttribution.compute(m, cache, pos, tc[0], tc[1]);
            assertEquals(4, heads.size());
            for (SourceAttribution.HeadSources h : heads) {
                assertEquals(pos + 1, h.sources().size(), "one part per source position ≤ " + pos);
                double sum = 0;
                for (SourceAttribution.Source s : h.sources()) {
                    sum += s.value();
                    assertEquals(TOKENS[s.position()], s.token());
                }
                double head = dla.components().stream().filter(c -> c.label().equals(h.label())).findFirst().orElseThrow().value();
                assertEquals(head, sum, 1e-4 * Math.max(1, Math.abs(head)), h.label() + ": parts sum to " + sum + ", DLA term " + head);
                assertEquals(sum, h.total(), 1e-12);
            }
        }
    }

    /**
     * GPT-NeoX (partial rotary, parallel) and Llama (RMS, gated, rotary, 8 heads on 2 key/value
     * heads): the components sum to the logit difference; each head's component equals its
     * hook_result read through the final norm written here (centring for LN only); its per-source
     * parts (pattern × the value of its key/value head) sum to it.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("org.circuitscope.circuits.PathExpansionTest#families")
    void otherFamiliesComponentsSumToTheLogitAndHeadsMatchTheirResultAndSources(ModelConfig c) {
        Transformer m = new Transformer(RandomWeights.generate(c, 13, 0.4));
        Weights w = m.weights();
        ActivationCache cache = m.runWithCache(TOKENS);
        int V = c.dVocab(), D = c.dModel(), H = c.nHeads(), pos = 6, target = 9, contrast = 21;
        boolean ln = c.normalizationType() == Normalization.LN;
        DirectLogitAttribution.Result r = DirectLogitAttribution.compute(m, cache, pos, target, contrast);
        double want = cache.logits().data()[pos * V + target] - cache.logits().data()[pos * V + contrast];
        double max = r.components().stream().mapToDouble(x -> Math.abs(x.value())).max().orElseThrow();
        assertTrue(Math.abs(r.sum() - want) <= 1e-4 * max + 1e-6, c.modelName() + ": components sum to " + r.sum() + ", model gives " + want);
        assertTrue(r.components().stream().noneMatch(x -> x.kind().equals("pos_embed")), "rotary models have no pos_embed component");
        assertEquals(1 + c.nLayers() * (H + 1 + (c.attnOnly() ? 0 : 1)) + (ln ? 1 : 0) + 1, r.components().size());

        float[] wf = w.data("ln_final.w"), wu = w.data("unembed.W_U");
        double sf = cache.get("ln_final.hook_scale").data()[pos];
        List<SourceAttribution.HeadSources> sources = SourceAttribution.compute(m, cache, pos, target, contrast);
        for (int l = 0; l < c.nLayers(); l++) {
            float[] res = cache.get("blocks." + l + ".attn.hook_result").data();
            for (int h = 0; h < H; h++) {
                double mean = 0, head = 0;
                if (ln) for (int o = 0; o < D; o++) mean += res[(pos * H + h) * D + o] / (double) D;
                for (int o = 0; o < D; o++) head += (res[(pos * H + h) * D + o] - mean) / sf * wf[o] * (wu[o * V + target] - wu[o * V + contrast]);
                String label = ModelConfig.headLabel(l, h);
                double got = r.components().stream().filter(x -> x.label().equals(label)).findFirst().orElseThrow().value();
                assertEquals(head, got, 1e-5 * Math.max(1, Math.abs(head)), label);
                SourceAttribution.HeadSources hs = sources.get(l * H + h);
                assertEquals(label, hs.label());
                assertEquals(head, hs.total(), 1e-4 * Math.max(1, Math.abs(head)), label + ": parts through its key/value head's values");
            }
        }
    }

    @Test
    void aHeadAttendingOnlyToOneSourceGetsItsWholeTermFromThere() {
        // Force L0H0 to attend to position 2 from every query ≥ 2: all of its term at position 5 comes from source 2.
        Transformer m = model(Normalization.LN, true, 5);
        org.circuitscope.model.Hook fix = (p, name) -> {
            int t = p.dim(1);
            org.circuitscope.tensor.Tensor out = p.copy();
            float[] d = out.data();
            for (int q = 2; q < t; q++) {
                java.util.Arrays.fill(d, q * t, q * t + t, 0f);
                d[q * t + 2] = 1f;
            }
            return out;
        };
        ActivationCache cache = m.run(TOKENS, new org.circuitscope.model.RunOptions(x -> true, java.util.Map.of("blocks.0.attn.hook_pattern", fix)));
        SourceAttribution.HeadSources h = SourceAttribution.compute(m, cache, 5, 3, -1).get(0);
        for (SourceAttribution.Source s : h.sources()) {
            if (s.position() != 2) assertEquals(0.0, s.value(), 0.0, "source " + s.position());
        }
        assertNotEquals(0.0, h.sources().get(2).value());
    }
}
