package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MemoryManagementTest {
    static final int D = 16, DH = 4;
    static final ModelConfig C = new ModelConfig("erase", 2, D, 2, DH, 0, 11, 16, ActFn.GELU_NEW, Normalization.NONE, true, 1e-5, true);

    /**
     * Built by hand, no normalisation, every Q and K zero (uniform attention over earlier
     * positions): tokens live in dims 0–3; L0H0 copies them into dims 4–7; L1H0 reads dims 4–7
     * and writes their negative there (it erases L0H0's output); L0H1 and L1H1 are random heads
     * that read dims 0–3 and write into dims 8–11 and 12–15 respectively (so no one else's).
     */
    static Weights planted() {
        SplittableRandom rng = new SplittableRandom(5);
        Map<String, Tensor> t = new LinkedHashMap<>();
        Weights.expected(C).forEach((name, shape) -> t.put(name, Tensor.zeros(shape)));
        float[] we = t.get("embed.W_E").data();
        for (int tok = 0; tok < C.dVocab(); tok++) for (int i = 0; i < DH; i++) we[tok * D + i] = (float) (1 + rng.nextDouble());
        for (int l = 0; l < 2; l++) {
            float[] v = t.get("blocks." + l + ".attn.W_V").data(), o = t.get("blocks." + l + ".attn.W_O").data();
            int reads = l == 0 ? 0 : 4;
            for (int e = 0; e < DH; e++) {
                v[(0 * D + reads + e) * DH + e] = 1;              // head 0 reads dims reads..reads+3
                o[(0 * DH + e) * D + 4 + e] = l == 0 ? 1 : -1;    // and writes ± them into dims 4–7
                for (int i = 0; i < DH; i++) v[(1 * D + i) * DH + e] = (float) rng.nextGaussian();
                for (int i = 8 + 4 * l; i < 12 + 4 * l; i++) o[(1 * DH + e) * D + i] = (float) rng.nextGaussian();
            }
        }
        float[] wu = t.get("unembed.W_U").data();
        for (int i = 0; i < wu.length; i++) wu[i] = (float) rng.nextGaussian();
        return Weights.of(C, t, "planted");
    }

    @Test
    void theHeadPlantedToEraseL0H0IsFound() {
        Transformer m = new Transformer(planted());
        int[][] prompts = {{0, 3, 5, 2, 7, 7, 1, 9, 4, 10, 6, 8}, {2, 2, 9, 1, 0, 5, 3}};
        List<ActivationCache> runs = new java.util.ArrayList<>();
        for (int[] p : prompts) runs.add(m.run(p, RunOptions.names(MemoryManagement.hooks(C))));
        MemoryManagement.Result r = MemoryManagement.compute(C, runs, 1, 0.5);
        assertEquals(12 - 1 + 7 - 1, r.samples());
        assertFalse(r.erasers().isEmpty());
        MemoryManagement.Pair top = r.erasers().get(0);
        assertEquals("L1H0", top.reader());
        assertEquals("L0H0", top.writer());
        assertTrue(top.cosine() < -0.95, "L1H0 writes against L0H0: " + top);
        // Its mean over positions of running means of L0H0's output: close to all of L0H0's mean output.
        assertEquals(1, top.erased(), 0.15, "fraction erased");
        for (MemoryManagement.Pair p : r.erasers()) {
            assertEquals("L1H0", p.reader(), "only the planted head erases: " + p);
        }
        // L1H1 writes into dims no one else writes: orthogonal to L0H0.
        MemoryManagement.Pair other = r.pairs().stream().filter(p -> p.reader().equals("L1H1") && p.writer().equals("L0H0")).findFirst().orElseThrow();
        assertEquals(0, other.cosine(), 1e-6);
        MemoryManagement.Reading reads = r.readings().stream().filter(x -> x.component().equals("L1H0")).findFirst().orElseThrow();
        assertTrue(reads.cosine() < 0, "L1H0 writes against the stream it reads: " + reads);
    }

    @Test
    void aHeadIsComparedOnlyWithWritersBeforeIt() {
        Transformer m = new Transformer(planted());
        MemoryManagement.Result r = MemoryManagement.compute(C, List.of(m.run(new int[] {1, 2, 3, 4}, RunOptions.names(MemoryManagement.hooks(C)))), 0, 0.5);
        for (MemoryManagement.Pair p : r.pairs()) {
            assertFalse(p.reader().startsWith("L0") && p.writer().startsWith("L"), "same-layer heads do not read each other: " + p);
        }
        // 2 embeddings × 4 heads, plus L0's 2 heads × L1's 2 heads.
        assertEquals(2 * 4 + 2 * 2, r.pairs().size());
    }
}
