package org.circuitscope.grad;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

class GradientBufferTest {
    static final ModelConfig CFG = new ModelConfig("buf", 1, 4, 2, 2, 6, 5, 3, ActFn.RELU, Normalization.LN, false, 1e-5, false);

    /** A buffer holding random values (a model's random weights stand in for gradients). */
    static GradientBuffer filled(long seed) {
        GradientBuffer b = GradientBuffer.zeros(CFG);
        b.add(RandomWeights.generate(CFG, seed, 1.0).asMap(), 1f);
        return b;
    }

    static double naiveNorm(GradientBuffer b) {
        double s = 0;
        for (Tensor t : b.asMap().values()) for (float v : t.data()) s += (double) v * v;
        return Math.sqrt(s);
    }

    @Test
    void holdsAZeroTensorForEveryParameterInStateDictOrder() {
        GradientBuffer b = GradientBuffer.zeros(CFG);
        assertEquals(Weights.expected(CFG).keySet().stream().toList(), b.asMap().keySet().stream().toList());
        Weights.expected(CFG).forEach((name, shape) -> {
            assertArrayEquals(shape, b.get(name).shape(), name);
            assertEquals(0f, b.get(name).maxAbs(), name);
        });
        assertEquals(0, b.globalNorm());
    }

    @Test
    void addScaleAndNormFollowTheirElementwiseDefinitions() {
        GradientBuffer a = filled(1), b = filled(2);
        float[] a0 = a.get("blocks.0.mlp.W_in").data().clone(), b0 = b.get("blocks.0.mlp.W_in").data();
        a.add(b);
        a.scale(0.5f);
        float[] got = a.get("blocks.0.mlp.W_in").data();
        for (int i = 0; i < got.length; i++) assertEquals((a0[i] + b0[i]) * 0.5f, got[i], 1e-6f, "W_in at " + i);
        assertEquals(naiveNorm(a), a.globalNorm(), 1e-9 * naiveNorm(a));
        a.zero();
        assertEquals(0, a.globalNorm());
    }

    @Test
    void clippingScalesALargeGradientDownToTheBoundAndLeavesASmallOneAlone() {
        GradientBuffer big = filled(3);
        double before = naiveNorm(big);
        float[] copy = big.get("unembed.W_U").data().clone();
        assertEquals(before, big.clipGlobalNorm(before / 4), 1e-9 * before, "returns the norm before clipping");
        assertEquals(before / 4, big.globalNorm(), 1e-5 * before);
        assertEquals(copy[3] / 4, big.get("unembed.W_U").data()[3], 1e-5f, "every entry scaled by the same factor");

        GradientBuffer small = filled(4);
        float[] keep = small.get("embed.W_E").data().clone();
        small.clipGlobalNorm(naiveNorm(small) * 2);
        assertTrue(Arrays.equals(keep, small.get("embed.W_E").data()), "below the bound nothing changes");
    }

    @Test
    void addingGradientsOfAnotherModelIsRejectedNamingTheTensor() {
        ModelConfig other = new ModelConfig("other", 1, 4, 2, 2, 7, 5, 3, ActFn.RELU, Normalization.LN, false, 1e-5, false);
        var e = assertThrows(IllegalArgumentException.class,
                () -> GradientBuffer.zeros(CFG).add(GradientBuffer.zeros(other)));
        assertTrue(e.getMessage().contains("blocks.0.mlp.W_in"), e.getMessage());
    }
}
