package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The incremental pass against a full forward of the edited prompt, activation by activation. */
class IncrementalForwardTest {
    static final int T = 12;

    static Stream<Arguments> configs() {
        List<Arguments> args = new ArrayList<>();
        for (Normalization n : Normalization.values()) {
            for (boolean attnOnly : new boolean[] {true, false}) {
                args.add(Arguments.of(new ModelConfig("inc", 3, 24, 3, 8, attnOnly ? 0 : 40, 37, 20, ActFn.GELU_NEW, n, attnOnly, 1e-5, true)));
            }
        }
        return args.stream();
    }

    static int[] random(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    /** {@code before} with its tokens from {@code p} on replaced by {@code newLength - p} different ones. */
    static int[] edited(int[] before, int p, int newLength, int vocab) {
        int[] after = Arrays.copyOf(before, newLength);
        int[] fresh = random(newLength, vocab, 99 + p);
        for (int i = p; i < newLength; i++) after[i] = i < before.length && fresh[i] == before[i] ? (fresh[i] + 1) % vocab : fresh[i];
        return after;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyActivationEqualsAFullRunOfTheEditedPromptForEdgeAndMiddleStarts(ModelConfig cfg) {
        Transformer model = new Transformer(RandomWeights.generate(cfg, 5, 0.4));
        int[] before = random(T, cfg.dVocab(), 1);
        ActivationCache previous = model.runWithCache(before);
        for (int p : new int[] {0, 1, T / 2, T - 1}) {
            for (int newLength : new int[] {T, T + 3, Math.max(p + 1, T - 2)}) {
                int[] after = edited(before, p, newLength, cfg.dVocab());
                ActivationCache full = model.runWithCache(after);
                ActivationCache inc = IncrementalForward.run(model, previous, after, p, n -> true, null);
                String where = "p=" + p + ", length " + T + "→" + newLength;
                assertEquals(List.copyOf(full.names()), List.copyOf(inc.names()), where + ": the same activations, in forward order");
                for (String n : full.names()) assertClose(where + ", " + n, full.get(n), inc.get(n));
                assertClose(where + ", logits", full.logits(), inc.logits());
                assertArrayEquals(after, inc.tokens(), where);
            }
        }
    }

    @Test
    void aCacheHoldingOnlyKeysAndValuesIsEnoughAndOnlyWhatItHoldsIsRecorded() {
        ModelConfig cfg = new ModelConfig("kv", 2, 16, 2, 8, 32, 29, 16, ActFn.GELU, Normalization.LN, false, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 3, 0.5));
        int[] before = random(10, cfg.dVocab(), 4), after = edited(before, 7, 11, cfg.dVocab());
        Set<String> kv = new HashSet<>(IncrementalForward.required(cfg));
        kv.add(HookPoint.LN_FINAL_SCALE);
        ActivationCache previous = model.run(before, new RunOptions(kv::contains, java.util.Map.of()));
        ActivationCache inc = IncrementalForward.run(model, previous, after, 7, n -> true, null);
        assertEquals(kv, inc.names(), "activations whose old rows are unknown are left out");
        ActivationCache full = model.runWithCache(after);
        for (String n : kv) assertClose(n, full.get(n), inc.get(n));
        assertClose("logits", full.logits(), inc.logits());
    }

    @Test
    void aShortenedPromptReusesEveryRow() {
        ModelConfig cfg = new ModelConfig("cut", 2, 16, 2, 8, 0, 29, 16, ActFn.GELU_NEW, Normalization.LN_PRE, true, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 6, 0.5));
        int[] before = random(10, cfg.dVocab(), 8), after = Arrays.copyOf(before, 6);
        ActivationCache inc = IncrementalForward.run(model, model.runWithCache(before), after, 6, n -> true, null);
        ActivationCache full = model.runWithCache(after);
        for (String n : full.names()) assertClose(n, full.get(n), inc.get(n));
        assertClose("logits", full.logits(), inc.logits());
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        ModelConfig cfg = new ModelConfig("bad", 1, 16, 2, 8, 0, 29, 16, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 6, 0.5));
        int[] before = random(8, cfg.dVocab(), 8);
        ActivationCache prev = model.runWithCache(before);
        int[] other = before.clone();
        other[2] = (other[2] + 1) % cfg.dVocab();
        var e = assertThrows(IllegalArgumentException.class, () -> IncrementalForward.run(model, prev, other, 5, n -> true, null));
        assertTrue(e.getMessage().contains("token 2 differs"), e.getMessage());
        ActivationCache noKv = model.run(before, RunOptions.none());
        e = assertThrows(IllegalArgumentException.class, () -> IncrementalForward.run(model, noKv, before, 4, n -> true, null));
        assertTrue(e.getMessage().contains("lacks blocks.0.attn.hook_k"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IncrementalForward.run(model, prev, random(9, 29, 1), 9, n -> true, null));
        assertTrue(e.getMessage().contains("only 8 positions") || e.getMessage().contains("differs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IncrementalForward.run(model, null, before, 1, n -> true, null));
    }

    @Test
    void firstChangeIsTheFirstDifferingPositionOrTheShorterLength() {
        assertEquals(2, IncrementalForward.firstChange(new int[] {1, 2, 3}, new int[] {1, 2, 4, 5}));
        assertEquals(3, IncrementalForward.firstChange(new int[] {1, 2, 3}, new int[] {1, 2, 3, 5}));
        assertEquals(0, IncrementalForward.firstChange(new int[] {}, new int[] {1}));
    }

    /** Element-wise within 1e-4 of the largest finite magnitude; −∞ (masked scores) must match exactly. */
    @Test
    void newLogitRowsAreTheFullRunsRowsFromTheFirstChangeOn() {
        ModelConfig cfg = new ModelConfig("inc", 2, 24, 3, 8, 40, 37, 20, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        Transformer model = new Transformer(RandomWeights.generate(cfg, 6, 0.4));
        int[] before = random(T, cfg.dVocab(), 2);
        ActivationCache previous = model.runWithCache(before);
        for (int p : new int[] {1, T - 1, T}) {
            int[] after = edited(before, p, T + 2, cfg.dVocab());
            float[] full = model.forward(after).data();
            ActivationCache inc = IncrementalForward.runNewLogitRows(model, previous, after, p, n -> true, null);
            int v = cfg.dVocab();
            assertArrayEquals(new int[] {T + 2 - p, v}, inc.logits().shape(), "p=" + p + ": only the rows from p on");
            assertFalse(inc.contains(HookPoint.LOGITS), "p=" + p + ": hook_logits is not recorded for partial logits");
            assertClose("p=" + p + ", logits rows from p", Tensor.of(Arrays.copyOfRange(full, p * v, (T + 2) * v), T + 2 - p, v), inc.logits());
        }
    }

    static void assertClose(String name, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), name + ": shape");
        float[] a = want.data(), b = got.data();
        double max = 1e-6;
        for (float v : a) if (Float.isFinite(v)) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                assertEquals(a[i], b[i], name + "[" + i + "]: masked entry");
                continue;
            }
            assertEquals(a[i], b[i], 1e-5 * max + 1e-6, name + "[" + i + "]");
        }
    }
}
