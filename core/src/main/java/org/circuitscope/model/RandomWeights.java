package org.circuitscope.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.tensor.Tensor;

/**
 * Seeded random parameters for any config: the starting point of training, the models of the
 * tests and benchmarks, and the sample model before trained ones exist. Weights are drawn
 * N(0, initStd²) like GPT-2's initialisation; LayerNorm weights near 1; biases small but
 * nonzero so that tests exercise them.
 */
public final class RandomWeights {
    private RandomWeights() {}

    public static Weights generate(ModelConfig cfg, long seed, double initStd) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        Weights.expected(cfg).forEach((name, shape) -> {
            Tensor t = Tensor.zeros(shape);
            float[] d = t.data();
            String last = name.substring(name.lastIndexOf('.') + 1).replaceFirst("^_", "");
            boolean lnWeight = last.equals("w");
            boolean bias = last.equals("b") || last.startsWith("b_");
            double std = bias ? initStd * 0.5 : lnWeight ? 0.1 : initStd;
            for (int i = 0; i < d.length; i++) d[i] = (float) ((lnWeight ? 1.0 : 0.0) + std * rnd.nextGaussian());
            m.put(name, t);
        });
        return Weights.of(cfg, m, "random(seed " + seed + ")");
    }
}
