package org.circuitscope.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SAELens-layout folders written here load, and encode/decode as a naive float64 SAE does. */
class SaeLoadTest {
    static final int D_IN = 24, D_SAE = 70, POS = 9, K = 5;
    static final String HOOK = "blocks.0.hook_resid_post";

    @TempDir Path tmp;

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("v6 standard", SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true), SaeConfig.Architecture.RELU, true),
                Arguments.of("v6 standard, no b_dec on input", SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, false), SaeConfig.Architecture.RELU, false),
                Arguments.of("v6 topk", SaeFixtures.v6Config("topk", D_IN, D_SAE, HOOK, K, true), SaeConfig.Architecture.TOPK, true),
                Arguments.of("v6 jumprelu", SaeFixtures.v6Config("jumprelu", D_IN, D_SAE, HOOK, 0, true), SaeConfig.Architecture.JUMPRELU, true),
                Arguments.of("flat relu", SaeFixtures.flatConfig("relu", null, D_IN, D_SAE, HOOK, 0, true), SaeConfig.Architecture.RELU, true),
                Arguments.of("flat topk", SaeFixtures.flatConfig("topk", null, D_IN, D_SAE, HOOK, K, false), SaeConfig.Architecture.TOPK, false),
                Arguments.of("flat jumprelu", SaeFixtures.flatConfig("relu", "jumprelu", D_IN, D_SAE, HOOK, 0, true), SaeConfig.Architecture.JUMPRELU, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void encodeAndDecodeMatchANaiveFloat64Sae(String label, String cfgJson, SaeConfig.Architecture arch, boolean applyBDec) throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, arch == SaeConfig.Architecture.JUMPRELU, 7);
        Sae sae = Sae.load(SaeFixtures.write(tmp.resolve("my-sae"), cfgJson, w));
        assertEquals("my-sae", sae.name());
        assertEquals(arch, sae.config().architecture());
        assertEquals(applyBDec, sae.config().applyBDecToInput());
        assertEquals(HOOK, sae.config().hookName());
        assertEquals(arch == SaeConfig.Architecture.TOPK ? K : 0, sae.config().k());

        Tensor x = SaeFixtures.random(new SplittableRandom(3), 2, POS, D_IN);
        double[][] want = naiveEncode(x, w, arch, applyBDec);
        Tensor f = sae.encode(x);
        int activeTotal = 0;
        for (int p = 0; p < POS; p++) {
            for (int i = 0; i < D_SAE; i++) {
                assertEquals(want[p][i], f.get(p, i), 1e-5, label + ": feature " + i + " at position " + p);
                if (want[p][i] != 0) activeTotal++;
            }
        }
        assertTrue(activeTotal > 0 && activeTotal < POS * D_SAE, label + ": the fixture should leave some features on and some off");

        Tensor xhat = sae.decode(f);
        for (int p = 0; p < POS; p++) {
            for (int j = 0; j < D_IN; j++) {
                double s = w.get("b_dec").data()[j];
                for (int i = 0; i < D_SAE; i++) s += want[p][i] * w.get("W_dec").get(i, j);
                assertEquals(s, xhat.get(p, j), 1e-5 * Math.max(1, Math.abs(s)), label + ": reconstruction at " + p + "," + j);
            }
        }

        SparseFeatures sp = sae.encodeSparse(x);
        for (int p = 0; p < POS; p++) {
            int nonzero = 0;
            for (double v : want[p]) if (v != 0) nonzero++;
            assertEquals(nonzero, sp.active(p), label + ": active features at " + p);
            for (int j = 0; j < sp.active(p); j++) {
                assertEquals(want[p][sp.index()[p][j]], sp.value()[p][j], 1e-5);
                if (j > 0) assertTrue(sp.value()[p][j - 1] >= sp.value()[p][j], "sorted by activation, descending");
            }
        }
        assertEquals(w.get("W_dec").get(3, 5), sae.decoderRow(3)[5]);
    }

    /** SAELens's forward in float64 loops: (x − b_dec·apply) W_enc + b_enc, then the activation. */
    static double[][] naiveEncode(Tensor x, Map<String, Tensor> w, SaeConfig.Architecture arch, boolean applyBDec) {
        double[][] out = new double[POS][D_SAE];
        for (int p = 0; p < POS; p++) {
            double[] pre = new double[D_SAE];
            for (int i = 0; i < D_SAE; i++) {
                double s = w.get("b_enc").data()[i];
                for (int j = 0; j < D_IN; j++) {
                    double xi = x.get(p, j) - (applyBDec ? w.get("b_dec").data()[j] : 0);
                    s += xi * w.get("W_enc").get(j, i);
                }
                pre[i] = s;
            }
            switch (arch) {
                case RELU -> { for (int i = 0; i < D_SAE; i++) out[p][i] = Math.max(0, pre[i]); }
                case JUMPRELU -> { for (int i = 0; i < D_SAE; i++) out[p][i] = pre[i] > w.get("threshold").data()[i] ? Math.max(0, pre[i]) : 0; }
                case TOPK -> {
                    double[] sorted = pre.clone();
                    java.util.Arrays.sort(sorted);
                    double kth = sorted[D_SAE - K];
                    for (int i = 0; i < D_SAE; i++) out[p][i] = pre[i] >= kth ? Math.max(0, pre[i]) : 0;
                }
            }
        }
        return out;
    }

    @Test
    void saveWritesTheSaeLens6LayoutThatLoadsBack() throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, false, 11);
        Sae a = Sae.load(SaeFixtures.write(tmp.resolve("a"), SaeFixtures.v6Config("topk", D_IN, D_SAE, HOOK, K, true), w));
        Sae.save(a, tmp.resolve("b"));
        String cfg = Files.readString(tmp.resolve("b/cfg.json"));
        assertTrue(cfg.contains("\"architecture\": \"topk\"") && cfg.contains("\"hook_name\": \"" + HOOK + "\"") && cfg.contains("\"k\": 5"), cfg);
        Sae b = Sae.load(tmp.resolve("b"));
        assertEquals("b", b.name());
        Tensor x = SaeFixtures.random(new SplittableRandom(5), 2, POS, D_IN);
        assertEquals(java.util.Arrays.toString(a.encode(x).data()), java.util.Arrays.toString(b.encode(x).data()));
    }

    // ---- bad files: one clear error each ----

    private String loadError(String cfgJson, Map<String, Tensor> w) throws IOException {
        Path dir = SaeFixtures.write(tmp.resolve("bad"), cfgJson, w);
        return assertThrows(IllegalArgumentException.class, () -> Sae.load(dir)).getMessage();
    }

    @Test
    void aWeightOfTheWrongShapeIsNamed() throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, false, 1);
        w.put("W_dec", Tensor.zeros(D_IN, D_SAE));
        String msg = loadError(SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true), w);
        assertTrue(msg.contains("W_dec") && msg.contains("[" + D_IN + ", " + D_SAE + "]") && msg.contains("expected [" + D_SAE + ", " + D_IN + "]"), msg);
    }

    @Test
    void aMissingTensorIsNamed() throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, false, 1);
        String msg = loadError(SaeFixtures.v6Config("jumprelu", D_IN, D_SAE, HOOK, 0, true), w);
        assertTrue(msg.contains("missing tensor") && msg.contains("threshold"), msg);
    }

    @Test
    void anUnknownArchitectureOrActivationIsRefused() throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, false, 1);
        String msg = loadError(SaeFixtures.v6Config("gated", D_IN, D_SAE, HOOK, 0, true), w);
        assertTrue(msg.contains("unknown SAE architecture 'gated'"), msg);
        msg = loadError(SaeFixtures.flatConfig("tanh", null, D_IN, D_SAE, HOOK, 0, true), w);
        assertTrue(msg.contains("unknown activation_fn 'tanh'"), msg);
    }

    @Test
    void nanWeightsAreRefused() throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, false, 1);
        w.get("b_enc").data()[4] = Float.NaN;
        String msg = loadError(SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true), w);
        assertTrue(msg.contains("b_enc") && msg.contains("NaN"), msg);
    }

    @Test
    void unsupportedNormalisationIsRefused() throws IOException {
        Map<String, Tensor> w = SaeFixtures.weights(D_IN, D_SAE, false, 1);
        String msg = loadError(SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true)
                .replace("\"normalize_activations\": \"none\"", "\"normalize_activations\": \"layer_norm\""), w);
        assertTrue(msg.contains("normalize_activations 'layer_norm' is not supported"), msg);
    }

    @Test
    void aFolderWithoutCfgJsonSaysWhatBelongsThere() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        String msg = assertThrows(IllegalArgumentException.class, () -> Sae.load(tmp.resolve("empty"))).getMessage();
        assertTrue(msg.contains("no cfg.json"), msg);
    }

    static ModelConfig tinyModel(int dModel) {
        return new ModelConfig("tiny", 2, dModel, 2, dModel / 2, 4 * dModel, 50, 16, ActFn.GELU, Normalization.LN, false, 1e-5, true);
    }

    @Test
    void anSaeAttachesOnlyWhereTheHookExistsWithWidthDIn() throws IOException {
        Sae sae = Sae.load(SaeFixtures.write(tmp.resolve("r"), SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true),
                SaeFixtures.weights(D_IN, D_SAE, false, 1)));
        sae.checkAttachable(tinyModel(D_IN));
        String msg = assertThrows(IllegalArgumentException.class, () -> sae.checkAttachable(tinyModel(32))).getMessage();
        assertTrue(msg.contains("d_in " + D_IN) && msg.contains("32 wide"), msg);
        Sae far = Sae.load(SaeFixtures.write(tmp.resolve("far"), SaeFixtures.v6Config("standard", D_IN, D_SAE, "blocks.7.hook_resid_post", 0, true),
                SaeFixtures.weights(D_IN, D_SAE, false, 1)));
        msg = assertThrows(IllegalArgumentException.class, () -> far.checkAttachable(tinyModel(D_IN))).getMessage();
        assertTrue(msg.contains("blocks.7.hook_resid_post") && msg.contains("does not have"), msg);
        Sae mlp = Sae.load(SaeFixtures.write(tmp.resolve("mlp"), SaeFixtures.v6Config("standard", 4 * D_IN, D_SAE, "blocks.1.mlp.hook_post", 0, true),
                SaeFixtures.weights(4 * D_IN, D_SAE, false, 1)));
        mlp.checkAttachable(tinyModel(D_IN));
    }

    @Test
    void aSetRefusesTwoSaesOfOneNameAndNamesFeatures() throws IOException {
        Path a = SaeFixtures.write(tmp.resolve("x/resid0"), SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true), SaeFixtures.weights(D_IN, D_SAE, false, 1));
        Path b = SaeFixtures.write(tmp.resolve("y/resid0"), SaeFixtures.v6Config("standard", D_IN, D_SAE, HOOK, 0, true), SaeFixtures.weights(D_IN, D_SAE, false, 2));
        String msg = assertThrows(IllegalArgumentException.class, () -> SaeSet.load(java.util.List.of(a, b), tinyModel(D_IN))).getMessage();
        assertTrue(msg.contains("two SAEs are named 'resid0'"), msg);
        SaeSet set = SaeSet.load(java.util.List.of(a), tinyModel(D_IN));
        assertEquals(new FeatureId("resid0", 12), FeatureId.parse("resid0:12"));
        assertTrue(set.byName("resid0").isPresent());
        assertEquals(1, set.onHook(HOOK).size());
        msg = assertThrows(IllegalArgumentException.class, () -> set.require(FeatureId.parse("resid0:" + D_SAE))).getMessage();
        assertTrue(msg.contains("does not exist"), msg);
        assertThrows(IllegalArgumentException.class, () -> FeatureId.parse("resid0"));
        assertThrows(IllegalArgumentException.class, () -> FeatureId.parse("resid0:x"));
    }
}
