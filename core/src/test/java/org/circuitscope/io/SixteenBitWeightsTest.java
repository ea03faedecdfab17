package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitscope.circuits.HeadAttribution;
import org.circuitscope.circuits.LogitDirection;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.DType;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.train.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A BF16 or F16 checkpoint of every family loaded with its matrices kept 16-bit computes what the
 * same files loaded as float32 compute: both hold the same values (every 16-bit value is a
 * float32), so logits and every hook may differ only by summation order. Prompts of 10 tokens
 * take {@link org.circuitscope.tensor.WeightGemm}'s packed path (converted while packing), 3 tokens and a one-token
 * append its streamed rows.
 */
class SixteenBitWeightsTest {
    @TempDir Path tmp;

    static final int[] TOKENS = {3, 17, 0, 22, 9, 9, 31, 4, 36, 1};

    record Case(String label, String modelType, ModelConfig cfg, boolean tied, boolean bias, String dtype) {
        @Override public String toString() { return label + " " + dtype; }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String dtype : List.of("BF16", "F16")) {
            out.add(new Case("transformerlens gpt2-style", null, HuggingFaceFamilyRoundTripTest.gpt2(), false, true, dtype));
            out.add(new Case("gpt2 tied", "gpt2", HuggingFaceFamilyRoundTripTest.gpt2(), true, true, dtype));
            out.add(new Case("neox parallel", "gpt_neox", HuggingFaceFamilyRoundTripTest.neox(2, true), false, true, dtype));
            out.add(new Case("neox sequential", "gpt_neox", HuggingFaceFamilyRoundTripTest.neox(8, false), false, true, dtype));
            out.add(new Case("llama GQA", "llama", HuggingFaceFamilyRoundTripTest.llama(4), false, false, dtype));
            out.add(new Case("mistral", "mistral", HuggingFaceFamilyRoundTripTest.llama(2), false, false, dtype));
            out.add(new Case("qwen2 biases tied", "qwen2", HuggingFaceFamilyRoundTripTest.llama(2), true, true, dtype));
        }
        return out.stream();
    }

    private Path write(Case k) throws Exception {
        Path dir = tmp.resolve(k.label().replace(' ', '-') + "-" + k.dtype());
        if (k.modelType() == null) {
            ModelDirectory.save(dir, RandomWeights.generate(k.cfg(), 5, 0.3), k.dtype());
        } else {
            HuggingFaceConfig hc = HuggingFaceCheckpoint.describe(new HuggingFaceConfig(k.modelType(), k.cfg(), k.tied(), k.bias(), 36));
            HuggingFaceCheckpoint.save(dir, hc, HuggingFaceCheckpoint.fit(hc, RandomWeights.generate(hc.config(), 5, 0.3)), k.dtype());
        }
        return dir;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void keptSixteenBitGivesTheLogitsAndHooksOfTheFloat32Load(Case k) throws Exception {
        Path dir = write(k);
        DType want = DType.valueOf(k.dtype());
        try (LoadedModel kept = ModelDirectory.load(dir, LoadOptions.none());
             LoadedModel f32 = ModelDirectory.load(dir, LoadOptions.none().withWeightsDtype(WeightsDtype.F32))) {
            Weights wk = kept.transformer().weights(), wf = f32.transformer().weights();
            assertTrue(f32.transformer().weights().allFloat32());
            // The W_ matrices stay 16-bit and hold exactly the float32 load's values; biases and norm weights are float32.
            for (var e : wf.asMap().entrySet()) {
                Tensor t = wk.get(e.getKey());
                String last = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
                assertEquals(last.startsWith("W_") || last.startsWith("_W_") ? want : DType.F32, t.dtype(), e.getKey());
                assertArrayEquals(e.getValue().data(), t.data(), e.getKey());
            }
            for (int[] prompt : List.of(TOKENS, Arrays.copyOf(TOKENS, 3))) {
                ActivationCache a = kept.transformer().runWithCache(prompt), b = f32.transformer().runWithCache(prompt);
                close("logits (" + prompt.length + " tokens)", b.logits(), a.logits());
                assertEquals(b.names(), a.names());
                for (String name : b.names()) close(name + " (" + prompt.length + " tokens)", b.get(name), a.get(name));
            }
            // An edit at the end: one new row on a cache of the rest, against the float32 model's full pass.
            KeyValueCache kv = new KeyValueCache(wk.config());
            int[] head = Arrays.copyOf(TOKENS, TOKENS.length - 1);
            IncrementalForward.extend(kept.transformer(), kv, head, 0, n -> false, null);
            IncrementalForward.extend(kept.transformer(), kv, TOKENS, head.length, n -> false, null);
            Tensor full = f32.transformer().forward(TOKENS);
            int v = wk.config().dVocab();
            Tensor last = Tensor.of(Arrays.copyOfRange(full.data(), (TOKENS.length - 1) * v, TOKENS.length * v), 1, v);
            close("appended token's logits", last, kv.logitRows(TOKENS.length - 1, TOKENS.length));
        }
    }

    /**
     * What a hover reads from the weights (the logit direction's W_U column, each head's W_O·u,
     * the card's own logits row) from a model kept in 16 bits, which the hover must not convert
     * whole: the same numbers as from the float32 copy of the same weights, and the card's row
     * as the pass's own.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hoverReadsOfKeptWeightsEqualThoseOfTheirFloat32Copy(Case k) throws Exception {
        Path dir = write(k);
        try (LoadedModel kept = ModelDirectory.load(dir, LoadOptions.none())) {
            Weights wk = kept.transformer().weights(), wf = wk.toFloat32();
            assertFalse(wk.allFloat32());
            int v = wk.config().dVocab();
            KeyValueCache kv = new KeyValueCache(wk.config());
            org.circuitscope.model.PendingLogits[] pending = new org.circuitscope.model.PendingLogits[1];
            float[][] early = new float[TOKENS.length][];
            IncrementalForward.extend(kept.transformer(), kv, TOKENS, 0, n -> false, null, p -> {
                pending[0] = p;
                for (int q = 0; q < TOKENS.length; q++) early[q] = p.row(q).logits().clone();
            });
            for (int pos : new int[] {0, 4, TOKENS.length - 1}) {
                int target = TOKENS[(pos + 1) % TOKENS.length];
                // The heads' result rows are a product with W_O, a float32 row added as it is and a 16-bit one
                // converted in registers: the same values, rounded apart at most once per element.
                List<HeadAttribution.Head> hf = HeadAttribution.at(wf, kv, TOKENS.length, pos, target, 2, () -> {});
                List<HeadAttribution.Head> hk = HeadAttribution.at(wk, kv, TOKENS.length, pos, target, 2, () -> {});
                assertEquals(hf.size(), hk.size());
                for (int i = 0; i < hf.size(); i++) {
                    HeadAttribution.Head f = hf.get(i), g = hk.stream().filter(x -> x.label().equals(f.label())).findFirst().orElseThrow();
                    assertEquals(f.logit(), g.logit(), 2e-6 * Math.max(1, Math.abs(f.logit())), "head attribution of " + f.label() + " at " + pos);
                    assertEquals(f.sources(), g.sources(), "the sources of " + f.label() + " at " + pos + " (W_O[h]·u read alike)");
                }
                LogitDirection a = LogitDirection.of(wk, 1.3, target, TOKENS[pos]), b = LogitDirection.of(wf, 1.3, target, TOKENS[pos]);
                assertArrayEquals(b.u(), a.u(), 0.0, "logit direction at " + pos);
                assertEquals(b.lnBias(), a.lnBias(), 0.0);
                assertEquals(b.unembedBias(), a.unembedBias(), 0.0);
                KeyValueCache.LogitRow row = kv.logits(pos);
                close("card's logits row " + pos, Tensor.of(Arrays.copyOfRange(row.data(), row.offset(), row.offset() + v), 1, v),
                        Tensor.of(early[pos], 1, v));
            }
        }
    }

    /** Same values, summed in another order: within float32 rounding of the tensor's scale. */
    private static void close(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), what);
        float[] w = want.data(), g = got.data();
        double tol = 2e-5 * Math.max(1, want.maxAbs());
        for (int i = 0; i < w.length; i++) {
            if (!(Math.abs(w[i] - g[i]) <= tol) && !(Float.isInfinite(w[i]) && w[i] == g[i])) {
                fail(what + "[" + i + "]: float32 load " + w[i] + ", kept 16-bit " + g[i] + " (tolerance " + tol + ")");
            }
        }
    }

    @Test
    void weightProcessingOnKeptWeightsGivesTheFloat32LoadsLogits() throws Exception {
        Path dir = write(new Case("gpt2 processed", "gpt2", HuggingFaceFamilyRoundTripTest.gpt2(), false, true, "BF16"));
        for (LoadOptions o : List.of(new LoadOptions(true, true, true, true), new LoadOptions(false, false, true, true))) {
            try (LoadedModel kept = ModelDirectory.load(dir, o);
                 LoadedModel f32 = ModelDirectory.load(dir, o.withWeightsDtype(WeightsDtype.F32))) {
                // What processing rewrites becomes a float32 copy; the rest stays 16-bit (with only
                // center_unembed and fold_value_biases, W_Q is untouched).
                if (!o.foldLn()) assertEquals(DType.BF16, kept.transformer().weights().get("blocks.0.attn.W_Q").dtype());
                assertEquals(DType.F32, kept.transformer().weights().wU().dtype());
                close("processed logits " + o, f32.transformer().forward(TOKENS), kept.transformer().forward(TOKENS));
            }
        }
    }

    @Test
    void float32CheckpointsLoadAsFloat32EitherWay() throws Exception {
        Path dir = write(new Case("llama f32", "llama", HuggingFaceFamilyRoundTripTest.llama(4), false, false, "F32"));
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertTrue(m.transformer().weights().allFloat32());
        }
    }

    @Test
    void trainingRefusesKeptWeightsAndTakesTheirFloat32Copy() throws Exception {
        Path dir = write(new Case("gpt2 bf16", "gpt2", HuggingFaceFamilyRoundTripTest.gpt2(), true, true, "BF16"));
        try (LoadedModel m = ModelDirectory.load(dir)) {
            Weights w = m.transformer().weights();
            assertFalse(w.allFloat32());
            Map<String, Tensor> grads = new java.util.LinkedHashMap<>();
            w.asMap().forEach((n, t) -> grads.put(n, Tensor.zeros(t.shape())));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdamW(0.9, 0.99, 1e-8, 0).step(w.asMap(), grads, 1e-3));
            assertTrue(e.getMessage().contains("--weights-dtype f32"), e.getMessage());
            Weights f = w.toFloat32();
            assertTrue(f.allFloat32());
            for (String n : w.asMap().keySet()) assertArrayEquals(w.get(n).data(), f.get(n).data(), n);
            new AdamW(0.9, 0.99, 1e-8, 0).step(new java.util.LinkedHashMap<>(f.asMap()), grads, 1e-3);
        }
    }

    @Test
    void weightsDtypeParsesBothNamesAndRefusesOthers() {
        assertEquals(WeightsDtype.KEEP, WeightsDtype.parse("keep"));
        assertEquals(WeightsDtype.F32, WeightsDtype.parse("F32"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightsDtype.parse("bf16"));
        assertTrue(e.getMessage().contains("'keep'"), e.getMessage());
    }
}
