package org.circuitscope.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.circuits.Ablation;
import org.circuitscope.circuits.HeadIndex;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.Backend;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DJL backend (on DJL's CPU engine, offline) against core's SIMD backend, the reference:
 * every hook point of every family within 1e-4 of each tensor's largest magnitude, the
 * incremental pass equal to the full one, a padded batch equal to one prompt at a time, and
 * hooks that replace activations (ablation, patching, a frozen norm scale) giving SIMD's logits.
 */
class DjlParityTest {
    private static final double TOL = 1e-4;
    private static final int N_CTX = 24;
    private static final Map<ModelConfig, Backend> OPEN = new HashMap<>();

    static Stream<ModelConfig> families() {
        Architecture neoxSeq = new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, false, "GPTNeoXForCausalLM");
        Architecture neoxPar = new Architecture(PositionalEmbedding.ROTARY, 4, 10000, 0, false, true, "GPTNeoXForCausalLM");
        return Stream.of(
                new ModelConfig("gpt2-ln", 2, 32, 4, 8, 64, 41, N_CTX, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true),
                new ModelConfig("attn-only-lnpre", 2, 32, 4, 8, 0, 41, N_CTX, ActFn.GELU_NEW, Normalization.LN_PRE, true, 1e-5, true),
                new ModelConfig("attn-only-none-relu", 1, 24, 3, 8, 48, 37, N_CTX, ActFn.RELU, Normalization.NONE, false, 1e-5, false),
                new ModelConfig("neox-sequential", 2, 32, 2, 16, 48, 41, N_CTX, ActFn.GELU, Normalization.LN, false, 1e-5, true, neoxSeq),
                new ModelConfig("neox-parallel", 2, 32, 2, 16, 48, 41, N_CTX, ActFn.GELU, Normalization.LN, false, 1e-5, true, neoxPar),
                llama(8, Normalization.RMS), llama(2, Normalization.RMS), llama(1, Normalization.RMS), llama(2, Normalization.RMS_PRE));
    }

    /** Llama / Mistral / Qwen2 shape: RMSNorm, SwiGLU, rotary on whole heads, 8 query heads over nKv key/value heads. */
    private static ModelConfig llama(int nKv, Normalization norm) {
        Architecture a = new Architecture(PositionalEmbedding.ROTARY, 8, 10000, nKv, true, false, "LlamaForCausalLM");
        return new ModelConfig("llama-kv" + nKv + "-" + norm.tlName(), 2, 32, 8, 8, 40, 41, N_CTX, ActFn.SILU, norm, false, 1e-5, true, a);
    }

    private record Pair(Transformer simd, Transformer djl) {}

    private static Pair models(ModelConfig cfg) {
        Weights w = RandomWeights.generate(cfg, cfg.modelName().hashCode(), 0.2);
        Backend b = OPEN.computeIfAbsent(cfg, c -> new DjlBackendProvider().open(w));
        Transformer simd = new Transformer(w);
        return new Pair(simd, simd.on(b));
    }

    @BeforeAll
    static void engineSaysWhereItRuns() {
        ModelConfig cfg = families().findFirst().orElseThrow();
        assertEquals("cpu", models(cfg).djl().backend().device(), "no GPU here: the CPU engine");
    }

    @AfterAll
    static void close() { OPEN.values().forEach(Backend::close); }

    private static int[] tokens(ModelConfig cfg, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(cfg.dVocab());
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everyHookPointMatchesSimd(ModelConfig cfg) {
        Pair m = models(cfg);
        int[] ids = tokens(cfg, 13, 1);
        ActivationCache want = m.simd().runWithCache(ids), got = m.djl().runWithCache(ids);
        assertEquals(want.names(), got.names(), "the same hook points, in the same order");
        assertEquals(HookPoint.all(cfg), List.copyOf(got.names()), "every hook point of the family");
        for (String name : want.names()) assertClose(cfg.modelName() + " " + name, want.get(name), got.get(name));
        assertClose("logits", want.logits(), got.logits());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void onlyWhatIsAskedForComesBack(ModelConfig cfg) {
        Pair m = models(cfg);
        int[] ids = tokens(cfg, 9, 2);
        int last = cfg.nLayers() - 1;
        ActivationCache got = m.djl().run(ids, RunOptions.names(List.of(HookPoint.attn(last, "z"), HookPoint.attn(last, "pattern"))));
        assertEquals(List.of(HookPoint.attn(last, "pattern"), HookPoint.attn(last, "z")), List.copyOf(got.names()), "in forward order");
        assertClose("logits", m.simd().forward(ids), got.logits());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void incrementalEqualsFull(ModelConfig cfg) {
        Pair m = models(cfg);
        int[] ids = tokens(cfg, 20, 3);
        KeyValueCache full = new KeyValueCache(cfg), edited = new KeyValueCache(cfg);
        IncrementalForward.extend(m.simd(), full, ids, 0, n -> false, null);
        // Typed in three steps, then an edit in the middle (device keys cut at 6), then the device keys forgotten: rebuilt from the heap.
        IncrementalForward.extend(m.djl(), edited, Arrays.copyOf(ids, 7), 0, n -> false, null);
        IncrementalForward.extend(m.djl(), edited, Arrays.copyOf(ids, 12), 7, n -> false, null);
        int[] other = ids.clone();
        other[6] = (other[6] + 1) % cfg.dVocab();
        IncrementalForward.extend(m.djl(), edited, other, 6, n -> false, null);
        IncrementalForward.extend(m.djl(), edited, ids, 6, n -> false, null);
        assertClose("logits rows", full.logitRows(0, ids.length), edited.logitRows(0, ids.length));
        int kvw = cfg.nKeyValueHeads() * cfg.dHead(), qw = cfg.nHeads() * cfg.dHead(), t = ids.length;
        for (int l = 0; l < cfg.nLayers(); l++) {
            assertClose("keys " + l, rows(full.keys(l), t, kvw), rows(edited.keys(l), t, kvw));
            assertClose("values " + l, rows(full.values(l), t, kvw), rows(edited.values(l), t, kvw));
            assertClose("queries " + l, rows(full.queries(l), t, qw), rows(edited.queries(l), t, qw));
            assertClose("z " + l, rows(full.z(l), t, qw), rows(edited.z(l), t, qw));
        }
        if (cfg.normalizationType().scales()) assertClose("final scale", rows(full.finalScale(), t, 1), rows(edited.finalScale(), t, 1));
        assertEquals(Arrays.toString(full.ranks(t)), Arrays.toString(edited.ranks(t)), "the same rank for every token");
        // And the DJL incremental pass against DJL's own full run.
        assertClose("djl incremental vs djl full", m.djl().forward(ids), edited.logitRows(0, t));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void batchedEqualsOneByOne(ModelConfig cfg) {
        Pair m = models(cfg);
        List<int[]> prompts = List.of(tokens(cfg, 11, 4), tokens(cfg, 3, 5), tokens(cfg, 17, 6), tokens(cfg, 17, 7));
        RunOptions opt = RunOptions.matching(".*(hook_pattern|hook_resid_post|hook_scale)");
        List<ActivationCache> batch = m.djl().runBatch(prompts, opt);
        for (int i = 0; i < prompts.size(); i++) {
            ActivationCache alone = m.simd().run(prompts.get(i), opt);
            ActivationCache b = batch.get(i);
            assertEquals(alone.names(), b.names());
            for (String name : alone.names()) assertClose("prompt " + i + " " + name, alone.get(name), b.get(name));
            assertClose("prompt " + i + " logits", alone.logits(), b.logits());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void replacingHooksGiveSimdsLogits(ModelConfig cfg) {
        Pair m = models(cfg);
        int[] clean = tokens(cfg, 10, 8), corrupt = tokens(cfg, 10, 9);
        List<HeadIndex> heads = List.of(new HeadIndex(0, 1), new HeadIndex(cfg.nLayers() - 1, 0));
        for (Ablation.Mode mode : Ablation.Mode.values()) {
            assertClose(mode + " ablation", Ablation.logits(m.simd(), clean, heads, mode), Ablation.logits(m.djl(), clean, heads, mode));
        }
        // Activation patching: the clean run's resid_pre of layer 1 (or the stream into the last layer) written into the corrupt run.
        String point = HookPoint.residPre(cfg.nLayers() - 1);
        Tensor cleanAct = m.simd().run(clean, RunOptions.names(List.of(point))).get(point);
        Map<String, Hook> patch = Map.of(point, (a, n) -> cleanAct.copy());
        assertClose("patched", m.simd().run(corrupt, new RunOptions(null, patch)).logits(), m.djl().run(corrupt, new RunOptions(null, patch)).logits());
        if (cfg.normalizationType().scales()) {
            // A frozen final scale (what direct logit attribution assumes), edited in place and returned.
            Map<String, Hook> freeze = Map.of(HookPoint.LN_FINAL_SCALE, (a, n) -> {
                Arrays.fill(a.data(), 2f);
                return a;
            });
            assertClose("frozen scale", m.simd().run(corrupt, new RunOptions(null, freeze)).logits(),
                    m.djl().run(corrupt, new RunOptions(null, freeze)).logits());
        }
    }

    private static Tensor rows(float[] a, int t, int width) { return Tensor.of(Arrays.copyOf(a, t * width), t, width); }

    /** Within TOL of want's largest finite magnitude; −∞ (masked scores) only where want has it. */
    static void assertClose(String what, Tensor want, Tensor got) {
        assertEquals(Arrays.toString(want.shape()), Arrays.toString(got.shape()), what + ": shape");
        float[] a = want.data(), b = got.data();
        double max = 0;
        for (float x : a) if (Float.isFinite(x)) max = Math.max(max, Math.abs(x));
        double tol = TOL * Math.max(max, 1e-6), worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i]) || !Float.isFinite(b[i])) {
                if (Float.compare(a[i], b[i]) != 0) fail(what + ": at " + i + " simd " + a[i] + ", djl " + b[i]);
                continue;
            }
            double e = Math.abs(a[i] - b[i]);
            if (e > worst) { worst = e; at = i; }
        }
        assertTrue(worst <= tol, what + ": largest difference " + worst + " at " + at + " exceeds " + tol + " (max |simd| " + max + ")");
    }

}
