package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attention by blocks of query rows (the path taken when neither hook_attn_scores nor
 * hook_pattern is recorded or hooked) against the float64 reference, on prompts longer than
 * several blocks and not a multiple of one, for a full run and for a pass continuing a cache.
 */
class BlockAttentionTest {
    static final int T = 2 * Forward.QUERY_BLOCK + 23;

    static Stream<ModelConfig> configs() {
        return Stream.of(
                new ModelConfig("ln-gelu", 2, 24, 3, 8, 40, 37, T + 5, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true),
                new ModelConfig("attn-only", 2, 24, 3, 8, 40, 37, T + 5, ActFn.GELU_NEW, Normalization.LN_PRE, true, 1e-5, true),
                Families.neox(true, T + 5),
                Families.llama(2, Normalization.RMS, 10000, T + 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void zResidualsAndLogitsMatchTheReferenceWithoutPatterns(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 11, 0.3);
        int[] tokens = TransformerTest.randomTokens(T, cfg.dVocab(), 5);
        Map<String, ReferenceTransformer.Activation> ref = new ReferenceTransformer(w).trace(tokens);
        List<String> names = List.of(HookPoint.attn(0, "z"), HookPoint.attn(1, "z"), HookPoint.residPost(1));
        ActivationCache c = new Transformer(w).run(tokens, RunOptions.names(names));
        assertFalse(c.contains(HookPoint.attn(0, "pattern")), "no pattern was recorded, so the block path ran");
        for (String n : names) TransformerTest.assertClose(n, ref.get(n).data(), c.get(n));
        TransformerTest.assertClose("logits", ref.get(HookPoint.LOGITS).data(), c.logits());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aPassContinuingTheCacheFromInsideABlockMatchesTheReference(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, 12, 0.3);
        Transformer m = new Transformer(w);
        int[] tokens = TransformerTest.randomTokens(T, cfg.dVocab(), 6);
        KeyValueCache kv = new KeyValueCache(cfg);
        int from = Forward.QUERY_BLOCK / 2 + 1;
        IncrementalForward.extend(m, kv, java.util.Arrays.copyOf(tokens, from), 0, n -> false, null);
        IncrementalForward.extend(m, kv, tokens, from, n -> false, null);
        Tensor logits = kv.logitRows(0, T);
        TransformerTest.assertClose("logits", new ReferenceTransformer(w).trace(tokens).get(HookPoint.LOGITS).data(), logits);
        // Typing: one new row at the end (whole scores: a few rows take the batched product).
        int[] more = java.util.Arrays.copyOf(tokens, T + 1);
        more[T] = 3;
        IncrementalForward.extend(m, kv, more, T, n -> false, null);
        TransformerTest.assertClose("logits after one more token", new ReferenceTransformer(w).trace(more).get(HookPoint.LOGITS).data(),
                kv.logitRows(0, T + 1));
    }
}
