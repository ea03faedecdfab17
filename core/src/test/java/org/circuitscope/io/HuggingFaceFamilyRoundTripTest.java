package org.circuitscope.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.WeightNames;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random weights of each family and option, written in the family's Hugging Face layout and
 * loaded through {@link ModelDirectory#load}: every TransformerLens tensor comes back as written
 * (bit for bit in F32; in F16 and BF16 as the nearest value of the format, ties to even,
 * found here by searching every value the format has), and the logits agree.
 */
class HuggingFaceFamilyRoundTripTest {
    @TempDir Path tmp;

    static final int[] TOKENS = {3, 17, 0, 22, 9, 9, 31, 4, 36, 1};

    record Case(String label, String modelType, ModelConfig cfg, boolean tied, boolean bias, String dtype) {
        @Override public String toString() { return label + " " + dtype; }
    }

    static ModelConfig gpt2() {
        return new ModelConfig("m", 2, 32, 4, 8, 48, 37, 16, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
    }

    static ModelConfig neox(int rotaryDim, boolean parallel) {
        return new ModelConfig("m", 2, 32, 4, 8, 48, 37, 16, ActFn.GELU, Normalization.LN, false, 1e-5, false,
                new Architecture(PositionalEmbedding.ROTARY, rotaryDim, 10000, 0, false, parallel, ""));
    }

    static ModelConfig llama(int nKv) {
        return new ModelConfig("m", 2, 32, 8, 4, 40, 37, 16, ActFn.SILU, Normalization.RMS, false, 1e-6, true,
                new Architecture(PositionalEmbedding.ROTARY, 4, 500000, nKv, true, false, ""));
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String dtype : List.of("F32", "F16", "BF16")) {
            out.add(new Case("gpt2 tied", "gpt2", gpt2(), true, true, dtype));
            out.add(new Case("neox parallel rotary_pct 0.25", "gpt_neox", neox(2, true), false, true, dtype));
            out.add(new Case("llama GQA 4 kv heads", "llama", llama(4), false, false, dtype));
        }
        out.add(new Case("gpt2 untied", "gpt2", gpt2(), false, true, "F32"));
        out.add(new Case("neox sequential rotary_pct 1", "gpt_neox", neox(8, false), false, true, "F32"));
        out.add(new Case("neox parallel rotary_pct 0.5 tied", "gpt_neox", neox(4, true), true, true, "F32"));
        out.add(new Case("neox without attention biases", "gpt_neox", neox(6, true), false, false, "F32"));
        out.add(new Case("llama MQA 1 kv head", "llama", llama(1), false, false, "F32"));
        out.add(new Case("llama MHA 8 kv heads tied", "llama", llama(8), true, false, "F32"));
        out.add(new Case("llama attention_bias", "llama", llama(2), false, true, "F32"));
        out.add(new Case("qwen2 q/k/v biases tied", "qwen2", llama(2), true, true, "F32"));
        out.add(new Case("mistral", "mistral", llama(4), false, false, "F32"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writtenInTheFamilyLayoutLoadsBackAsTheSameModel(Case k) throws Exception {
        HuggingFaceConfig hc = HuggingFaceCheckpoint.describe(new HuggingFaceConfig(k.modelType(), k.cfg(), k.tied(), k.bias(), 36));
        Weights random = RandomWeights.generate(hc.config(), 11, 0.3);
        Weights fitted = HuggingFaceCheckpoint.fit(hc, random);
        checkFit(k, random, fitted);

        Path dir = tmp.resolve(k.modelType());
        HuggingFaceCheckpoint.save(dir, hc, fitted, k.dtype());
        try (LoadedModel m = ModelDirectory.load(dir)) {
            assertEquals("huggingface-" + k.modelType(), m.layout());
            assertEquals(hc.config().withName(m.name()), m.config());
            Map<String, Tensor> want = new LinkedHashMap<>();
            for (var e : fitted.asMap().entrySet()) want.put(e.getKey(), round(e.getValue(), k.dtype()));
            assertEquals(want.keySet(), m.transformer().weights().asMap().keySet());
            for (var e : want.entrySet()) {
                assertArrayEquals(e.getValue().data(), m.transformer().weights().data(e.getKey()), e.getKey());
            }
            Weights rounded = Weights.of(hc.config(), want, "rounded here");
            assertArrayEquals(new Transformer(rounded).forward(TOKENS).data(), m.transformer().forward(TOKENS).data(), 1e-5f);
            if (k.dtype().equals("F32")) {
                assertArrayEquals(new Transformer(fitted).forward(TOKENS).data(), m.transformer().forward(TOKENS).data(), 1e-5f);
            }
        }
    }

    /** fit changes exactly what the family cannot store: the biases it has no tensor for (zero), a tied W_U (W_Eᵀ), b_U (zero). */
    private static void checkFit(Case k, Weights random, Weights fitted) {
        for (var e : random.asMap().entrySet()) {
            String name = e.getKey();
            float[] got = fitted.data(name);
            if (absent(k, name)) {
                for (float x : got) assertEquals(0f, x, name + " is not stored by " + k.label());
            } else if (name.equals(WeightNames.W_U) && k.tied()) {
                float[] we = random.data(WeightNames.W_E);
                int v = random.config().dVocab(), d = random.config().dModel();
                for (int i = 0; i < d; i++) for (int t = 0; t < v; t++) assertEquals(we[t * d + i], got[i * v + t], "tied W_U");
            } else {
                assertArrayEquals(e.getValue().data(), got, name + " is stored by " + k.label() + " and must not change");
            }
        }
    }

    /** The TransformerLens tensors each family has no Hugging Face tensor for (from the families' definitions). */
    private static boolean absent(Case k, String name) {
        if (name.equals(WeightNames.B_U)) return true;
        String last = name.substring(name.lastIndexOf('.') + 1).replace("_b_", "b_");
        boolean attnBias = name.contains(".attn.") && last.startsWith("b_");
        boolean mlpBias = name.contains(".mlp.") && last.startsWith("b_");
        return switch (k.modelType()) {
            case "gpt2" -> false;
            case "gpt_neox" -> attnBias && !k.bias();
            case "llama" -> mlpBias || (attnBias && !k.bias());
            case "qwen2" -> mlpBias || last.equals("b_O");
            case "mistral" -> mlpBias || attnBias;
            default -> throw new AssertionError(k.modelType());
        };
    }

    /** x stored as dtype: the nearest value of the format, ties to the even bit pattern, by search over all its values. */
    static Tensor round(Tensor t, String dtype) {
        if (dtype.equals("F32")) return t;
        float[] values = dtype.equals("F16") ? F16_VALUES : BF16_VALUES;
        int[] bits = dtype.equals("F16") ? F16_BITS : BF16_BITS;
        float[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) d[i] = nearest(d[i], values, bits);
        return Tensor.of(d, t.shape());
    }

    private static float nearest(float x, float[] values, int[] bits) {
        int j = Arrays.binarySearch(values, x);
        if (j >= 0) return values[j];
        int hi = -j - 1, lo = hi - 1;
        double dl = (double) x - values[lo], dh = (double) values[hi] - x;
        if (dl != dh) return dl < dh ? values[lo] : values[hi];
        return (bits[lo] & 1) == 0 ? values[lo] : values[hi];
    }

    private static final float[] F16_VALUES, BF16_VALUES;
    private static final int[] F16_BITS, BF16_BITS;

    static {
        float[][] v = new float[2][];
        int[][] b = new int[2][];
        for (int f = 0; f < 2; f++) {
            // Every finite value of the format with its bit pattern, ascending (−0 left out: +0 stands for zero).
            List<long[]> all = new ArrayList<>();
            for (int s = 0; s < 65536; s++) {
                float x = f == 0 ? Float.float16ToFloat((short) s) : Float.intBitsToFloat(s << 16);
                if (Float.isFinite(x) && !(x == 0 && s != 0)) all.add(new long[] {Float.floatToIntBits(x), s});
            }
            all.sort((p, q) -> Float.compare(Float.intBitsToFloat((int) p[0]), Float.intBitsToFloat((int) q[0])));
            v[f] = new float[all.size()];
            b[f] = new int[all.size()];
            for (int i = 0; i < all.size(); i++) {
                v[f][i] = Float.intBitsToFloat((int) all.get(i)[0]);
                b[f][i] = (int) all.get(i)[1];
            }
        }
        F16_VALUES = v[0]; F16_BITS = b[0];
        BF16_VALUES = v[1]; BF16_BITS = b[1];
    }
}
