package org.circuitscope.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ablating and scaling SAE features moves the activation along W_dec by (s − 1)·a_i and nothing else. */
class FeatureInterventionTest {
    static final int D = 16, M = 48;
    static final String HOOK = "blocks.0.hook_resid_post";

    @TempDir Path tmp;
    ModelConfig cfg;
    Transformer model;
    SaeSet set;
    Map<String, Tensor> w;
    int[] tokens = {1, 7, 3, 9, 12, 4, 4, 30};

    @BeforeEach
    void setUp() throws IOException {
        cfg = SaeLoadTest.tinyModel(D);
        model = new Transformer(RandomWeights.generate(cfg, 3, 0.2));
        w = SaeFixtures.weights(D, M, false, 17);
        Path dir = SaeFixtures.write(tmp.resolve("resid0"), SaeFixtures.v6Config("standard", D, M, HOOK, 0, true), w);
        set = SaeSet.load(List.of(dir), cfg);
    }

    /** a_i(x) for a ReLU SAE in float64 loops. */
    double naiveActivation(Tensor x, int p, int i) {
        double s = w.get("b_enc").data()[i];
        for (int j = 0; j < D; j++) s += (x.get(p, j) - w.get("b_dec").data()[j]) * w.get("W_enc").get(j, i);
        return Math.max(0, s);
    }

    @Test
    void scalingAFeatureAddsSMinusOneTimesItsActivationAlongItsDecoderRow() {
        Tensor x = model.run(tokens, RunOptions.names(List.of(HOOK))).get(HOOK);
        for (double scale : new double[] {0, 2.5}) {
            int feature = 5;
            Tensor out = new FeatureIntervention(set, Map.of(new FeatureId("resid0", feature), scale)).hooks().get(HOOK).apply(x, HOOK);
            int changed = 0;
            for (int p = 0; p < tokens.length; p++) {
                double a = naiveActivation(x, p, feature);
                if (a > 0) changed++;
                for (int j = 0; j < D; j++) {
                    double want = x.get(p, j) + (scale - 1) * a * w.get("W_dec").get(feature, j);
                    assertEquals(want, out.get(p, j), 1e-4, "scale " + scale + " position " + p + " dim " + j);
                }
            }
            assertTrue(changed > 0 && changed < tokens.length, "the fixture's feature should be on at some positions, off at others: " + changed);
        }
    }

    @Test
    void aMultiplierOfOneLeavesTheModelAsItWas() {
        Tensor clean = model.forward(tokens);
        var hooks = new FeatureIntervention(set, Map.of(new FeatureId("resid0", 5), 1.0, new FeatureId("resid0", 9), 1.0)).hooks();
        Tensor same = model.run(tokens, RunOptions.none().withHooks(hooks)).logits();
        assertArrayEquals(clean.data(), same.data(), 1e-6f);
        Tensor ablated = model.run(tokens, RunOptions.none().withHooks(
                new FeatureIntervention(set, Map.of(new FeatureId("resid0", 5), 0.0)).hooks())).logits();
        double diff = 0;
        for (int i = 0; i < clean.size(); i++) diff = Math.max(diff, Math.abs(clean.data()[i] - ablated.data()[i]));
        assertTrue(diff > 1e-4, "ablating an active feature changes the logits, max change " + diff);
    }

    @Test
    void unknownFeaturesAreRefused() {
        String msg = assertThrows(IllegalArgumentException.class,
                () -> new FeatureIntervention(set, Map.of(FeatureId.parse("resid1:3"), 0.0))).getMessage();
        assertTrue(msg.contains("no SAE named 'resid1'"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> new FeatureIntervention(set, Map.of(FeatureId.parse("resid0:" + M), 0.0))).getMessage();
        assertTrue(msg.contains("does not exist"), msg);
    }
}
