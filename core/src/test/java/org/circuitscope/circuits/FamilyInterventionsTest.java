package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Interventions and the hover's head attribution on GPT-NeoX-style and Llama-style (grouped-query, rotary) models. */
class FamilyInterventionsTest {
    static final int[] A = {1, 5, 9, 5, 9, 12, 3}, B = {1, 7, 2, 7, 2, 20, 8};

    /** Zero-ablating query head h (hook_z is per query head) is zeroing W_O[h]; its key/value head's other readers are untouched. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.circuitscope.circuits.PathExpansionTest#families")
    void zeroAblationOfAQueryHeadEqualsZeroingItsOutputWeights(ModelConfig c) {
        Weights w = RandomWeights.generate(c, 17, 0.4);
        Transformer m = new Transformer(w);
        int l = c.nLayers() - 1, h = c.nHeads() - 1, d = c.dModel(), dh = c.dHead();
        Tensor wo = w.layer(l).attn().wO().copy();
        java.util.Arrays.fill(wo.data(), h * dh * d, (h + 1) * dh * d, 0f);
        Tensor want = new Transformer(w.with(c, Map.of("blocks." + l + ".attn.W_O", wo))).forward(A);
        Tensor got = Ablation.logits(m, A, List.of(new HeadIndex(l, h)), Ablation.Mode.ZERO);
        assertArrayEquals(want.data(), got.data(), 1e-5f);
        assertFalse(java.util.Arrays.equals(m.forward(A).data(), got.data()), "ablating changed something");
    }

    /** Patching every head's z from another prompt, and the residual streams from it, reproduces that prompt's logits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.circuitscope.circuits.PathExpansionTest#families")
    void patchingTheLastResidualStreamReproducesTheSourcePrompt(ModelConfig c) {
        Transformer m = new Transformer(RandomWeights.generate(c, 18, 0.4));
        Tensor got = Patching.logits(m, A, B, List.of(new Patching.Patch(Patching.Site.RESID_POST, c.nLayers() - 1, 0, -1)));
        assertArrayEquals(m.forward(B).data(), got.data(), 1e-5f);
        Tensor self = Patching.logits(m, A, A, List.of(new Patching.Patch(Patching.Site.Z, 0, c.nHeads() - 1, 3)));
        assertArrayEquals(m.forward(A).data(), self.data(), 1e-6f, "a prompt patched with itself");
    }

    /** The hover's one-row attribution reads keys and values of each query head's key/value head from the document's cache. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.circuitscope.circuits.PathExpansionTest#families")
    void headAttributionFromTheKeyValueCacheEqualsSourceAttributionOnAFullCache(ModelConfig c) {
        Transformer m = new Transformer(RandomWeights.generate(c, 19, 0.4));
        KeyValueCache kv = new KeyValueCache(c);
        IncrementalForward.extend(m, kv, A, 0, n -> false, null);
        int pos = 5, target = 9;
        ActivationCache full = m.runWithCache(A);
        List<SourceAttribution.HeadSources> lib = SourceAttribution.compute(m, full, pos, target, -1);
        List<HeadAttribution.Head> heads = HeadAttribution.at(m.weights(), kv, A.length, pos, target, Integer.MAX_VALUE, () -> {});
        assertEquals(c.nLayers() * c.nHeads(), heads.size());
        for (HeadAttribution.Head x : heads) {
            SourceAttribution.HeadSources want = lib.stream().filter(y -> y.label().equals(x.label())).findFirst().orElseThrow();
            assertEquals(want.total(), x.logit(), 1e-4 * Math.max(1, Math.abs(want.total())), x.label());
            for (HeadAttribution.Source s : x.sources()) {
                assertEquals(want.sources().get(s.source()).value(), s.logit(), 1e-4, x.label() + " source " + s.source());
            }
        }
    }
}
