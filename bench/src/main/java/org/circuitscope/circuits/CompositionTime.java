package org.circuitscope.circuits;

import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;

/**
 * Composition scores of a random model of the given shape through each of
 * {@link CompositionProducts}' two ways, in rounds in one JVM (the first round of each includes
 * compiling), and which way {@link CompositionScores#all} takes. In this package because the
 * ways are package-private; the vocabulary is small because composition does not read it.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx12g -cp bench/target/benchmarks.jar \
 *   org.circuitscope.circuits.CompositionTime N_LAYERS D_MODEL N_HEADS [ROUNDS]</pre>
 * GPT-2 small is {@code 12 768 12}, GPT-2 medium {@code 24 1024 16}; d_head is 64.
 */
public final class CompositionTime {
    private CompositionTime() {}

    public static void main(String[] args) throws Exception {
        int nl = Integer.parseInt(args[0]), d = Integer.parseInt(args[1]), nh = Integer.parseInt(args[2]);
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        ModelConfig c = new ModelConfig("composition-time", nl, d, nh, 64, 4 * d, 1000, 1024, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights w = RandomWeights.generate(c, 1, 0.02);
        System.out.println("composition scores take the " + (CompositionProducts.gramsAreCheaper(c) ? "Grams" : "products"));
        Kernels.awaitCompiled(java.time.Duration.ofSeconds(30));
        for (int r = 1; r <= rounds; r++) {
            for (CompositionProducts.Method m : new CompositionProducts.Method[] {CompositionProducts.Method.PRODUCTS, CompositionProducts.Method.GRAMS}) {
                long t0 = System.nanoTime();
                CompositionProducts.all(w, WorkProgress.NONE, 1L << 26, m);
                System.out.printf("round %d: %s %.2f s%n", r, m.name().toLowerCase(java.util.Locale.ROOT), (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
