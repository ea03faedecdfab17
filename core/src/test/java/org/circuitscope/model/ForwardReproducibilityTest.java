package org.circuitscope.model;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.tensor.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The same tokens give the same logits, bit for bit, however often they are run in one JVM:
 * the passes span the JIT's tiers (interpreted, C1, C2 with the Vector API intrinsics), and a
 * corpus scan compares its top examples across runs and machines by exact order.
 */
class ForwardReproducibilityTest {
    private static final Path MODEL = Path.of("..", "samples", "models", "gelu-2l").toAbsolutePath().normalize();

    @Test
    void repeatedPassesGiveBitIdenticalLogits() throws IOException {
        assertTrue(Kernels.awaitCompiled(Duration.ofMinutes(2)), "the kernels left their scalar start: " + Kernels.get().name());
        try (LoadedModel m = ModelDirectory.load(MODEL)) {
            Transformer model = m.transformer();
            // 150 rows: attention by blocks of query rows (the last one short); 5 rows: the streamed products.
            for (int n : new int[] {150, 5}) {
                int[] tokens = IncrementalForwardTest.random(n, m.config().dVocab(), n);
                float[] first = model.forward(tokens).data();
                for (int run = 1; run < 150; run++) {
                    float[] again = model.forward(tokens).data();
                    for (int i = 0; i < first.length; i++) {
                        if (Float.floatToRawIntBits(first[i]) != Float.floatToRawIntBits(again[i])) {
                            fail(n + " tokens, pass " + run + ": logit " + i + " (row " + i / m.config().dVocab() + ") is "
                                    + again[i] + ", the first pass gave " + first[i]);
                        }
                    }
                }
            }
        }
    }
}
