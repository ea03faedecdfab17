package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;

class InterferenceTest {
    /**
     * 400 random directions in R^64: 79,800 pairs whose cosines are pairwise uncorrelated (given
     * one vector, the other's cosine has mean 0 and variance 1/d whatever the first), so the mean
     * has standard error √(1/(d·pairs)) ≈ 4.4e-4, and d·variance (E[c⁴] = 3/(d(d+2)), so
     * Var(c²) ≈ 2/d²) has standard error ≈ √(2/pairs) ≈ 0.005. Tolerances: five standard errors.
     */
    @Test
    void randomDirectionsHaveMeanZeroAndVarianceOneOverD() {
        int n = 400, d = 64;
        Interference.Stats s = Interference.stats(Interference.gaussian(n, d, 11));
        long pairs = (long) n * (n - 1) / 2;
        assertEquals(pairs, s.pairs());
        assertEquals(0, s.mean(), 5 * Math.sqrt(1.0 / (d * pairs)));
        assertEquals(1, s.dimsTimesVariance(), 5 * Math.sqrt(2.0 / pairs));
        assertEquals(1.0 / d, s.variance(), 5 * Math.sqrt(2.0 / pairs) / d);
        // P(|c| > 3/√d) for d = 64 is about 0.0025 (close to the Gaussian's 0.0027).
        assertTrue(s.tail() < 0.006, "tail " + s.tail());
    }

    @Test
    void orthogonalDirectionsDoNotInterfereAndRepeatedOnesDo() {
        double[][] basis = new double[4][4];
        for (int i = 0; i < 4; i++) basis[i][i] = 3;
        Interference.Stats s = Interference.stats(basis);
        assertEquals(0, s.maxAbs(), 0);
        assertEquals(0, s.variance(), 0);
        Interference.Stats same = Interference.stats(new double[][] {{1, 2}, {2, 4}, {-1, -2}});
        assertEquals(1, same.maxAbs(), 1e-12);
        assertEquals(-1.0 / 3, same.mean(), 1e-12, "cosines 1, −1, −1");
    }

    @Test
    void modelLayersReadWOutRowsAndWInColumns() {
        ModelConfig c = new ModelConfig("i", 1, 8, 2, 4, 6, 5, 4, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
        Weights w = RandomWeights.generate(c, 2, 0.5);
        float[] out = w.data("blocks.0.mlp.W_out"), in = w.data("blocks.0.mlp.W_in");
        double[][] write = new double[6][8], read = new double[6][8];
        for (int n = 0; n < 6; n++) for (int i = 0; i < 8; i++) { write[n][i] = out[n * 8 + i]; read[n][i] = in[i * 6 + n]; }
        Interference.Layer l = Interference.compute(w, 1).get(0);
        assertEquals(Interference.stats(write), l.write());
        assertEquals(Interference.stats(read), l.read());
        assertEquals(15, l.write().pairs());
        ModelConfig attnOnly = new ModelConfig("a", 1, 8, 2, 4, 0, 5, 4, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        assertThrows(IllegalArgumentException.class, () -> Interference.compute(RandomWeights.generate(attnOnly, 1, 0.5), 1));
    }
}
