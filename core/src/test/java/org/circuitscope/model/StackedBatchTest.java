package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link SimdBackend#runBatch} stacks equal-length prompts into one pass: each prompt's cache must be its own run's. */
class StackedBatchTest {

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> configs() { return TransformerTest.configs(); }

    private static List<int[]> prompts(ModelConfig cfg, int count, int length) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(TransformerTest.randomTokens(length, cfg.dVocab(), 100 + i));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyActivationOfAStackedBatchIsThatOfThePromptsOwnRun(ModelConfig cfg) {
        Transformer m = new Transformer(RandomWeights.generate(cfg, 11, 0.3));
        // 12 rows a prompt: past FEW_ROWS, so unrecorded attention runs by blocks; recorded, whole.
        for (RunOptions opt : List.of(RunOptions.cacheAll(), RunOptions.none())) {
            List<int[]> ps = prompts(cfg, 3, 12);
            List<ActivationCache> batch = m.runBatch(ps, opt);
            assertEquals(ps.size(), batch.size());
            for (int i = 0; i < ps.size(); i++) {
                ActivationCache one = m.run(ps.get(i), opt), got = batch.get(i);
                assertArrayEquals(ps.get(i), got.tokens());
                assertEquals(one.names(), got.names(), "prompt " + i + " records the same hook points");
                for (String name : one.names()) assertClose(cfg + " prompt " + i + " " + name, one.get(name), got.get(name));
                assertClose(cfg + " prompt " + i + " logits", one.logits(), got.logits());
            }
        }
    }

    @Test
    void hooksSeeEachPromptsOwnRowsAndTheirReplacementsFlowOnPerPrompt() {
        ModelConfig cfg = TransformerTest.config(Normalization.LN, false, ActFn.GELU_NEW);
        Transformer m = new Transformer(RandomWeights.generate(cfg, 12, 0.3));
        List<int[]> ps = prompts(cfg, 4, 10);
        // Doubles prompt-dependent rows of resid_mid, and zeroes head 1's pattern: per prompt, so stacking must not mix them.
        Hook doubleResid = (x, name) -> {
            Tensor y = x.copy();
            for (int i = 0; i < y.size(); i++) y.data()[i] *= 2;
            return y;
        };
        Hook zeroHead = (p, name) -> {
            Tensor y = p.copy();
            int t = y.dim(1);
            java.util.Arrays.fill(y.data(), t * t, 2 * t * t, 0f);
            return y;
        };
        RunOptions opt = new RunOptions(n -> n.equals("blocks.1.hook_resid_post"),
                Map.of("blocks.0.hook_resid_mid", doubleResid, "blocks.0.attn.hook_pattern", zeroHead));
        List<ActivationCache> batch = m.runBatch(ps, opt);
        for (int i = 0; i < ps.size(); i++) {
            ActivationCache one = m.run(ps.get(i), opt);
            assertEquals(List.of("blocks.1.hook_resid_post"), List.copyOf(batch.get(i).names()));
            assertClose("prompt " + i, one.get("blocks.1.hook_resid_post"), batch.get(i).get("blocks.1.hook_resid_post"));
            assertClose("prompt " + i + " logits", one.logits(), batch.get(i).logits());
        }
        // The hooks changed the result: the comparison above is not between two unhooked runs.
        double diff = maxDiff(m.run(ps.get(0), RunOptions.none()).logits(), batch.get(0).logits());
        assertTrue(diff > 1e-3, "the hooks must change the logits, max difference " + diff);
    }

    @Test
    void promptsOfDifferentLengthsRunOneByOne() {
        ModelConfig cfg = TransformerTest.config(Normalization.LN, false, ActFn.GELU_NEW);
        Transformer m = new Transformer(RandomWeights.generate(cfg, 13, 0.3));
        List<int[]> ps = List.of(TransformerTest.randomTokens(5, cfg.dVocab(), 1), TransformerTest.randomTokens(9, cfg.dVocab(), 2));
        List<ActivationCache> batch = m.runBatch(ps, RunOptions.none());
        for (int i = 0; i < ps.size(); i++) assertClose("prompt " + i, m.run(ps.get(i), RunOptions.none()).logits(), batch.get(i).logits());
    }

    @Test
    void aBadTokenInAnyPromptIsAClearErrorBeforeAnyWork() {
        ModelConfig cfg = TransformerTest.config(Normalization.LN, false, ActFn.GELU_NEW);
        Transformer m = new Transformer(RandomWeights.generate(cfg, 14, 0.3));
        int[] bad = TransformerTest.randomTokens(6, cfg.dVocab(), 3);
        bad[4] = cfg.dVocab();
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.runBatch(List.of(TransformerTest.randomTokens(6, cfg.dVocab(), 4), bad), RunOptions.none()));
        assertTrue(e.getMessage().contains("position 4"), e.getMessage());
    }

    private static double maxDiff(Tensor a, Tensor b) {
        double m = 0;
        for (int i = 0; i < a.size(); i++) m = Math.max(m, Math.abs(a.data()[i] - b.data()[i]));
        return m;
    }

    /** Stacked rows go through gemms of another row count, which may sum in another order: float tolerance, not bits. */
    private static void assertClose(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), what + " shape");
        for (int i = 0; i < want.size(); i++) {
            float w = want.data()[i], g = got.data()[i];
            assertEquals(w, g, 1e-5 + 1e-5 * Math.abs(w), what + " at " + i);
        }
    }
}
