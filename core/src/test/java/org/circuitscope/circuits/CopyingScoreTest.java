package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Comparator;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CopyingScoreTest {

    @Test
    void scoreFromTheSmallCoreEqualsTheScoreOfTheFullVocabCircuit() {
        ModelConfig c = new ModelConfig("c", 2, 12, 3, 4, 0, 9, 8, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights w = RandomWeights.generate(c, 3, 0.5);
        double[][] scores = CopyingScore.ov(w);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                double[] full = fullOvCircuit(w, l, h);
                double[][] eig = CopyingScore.eigenvalues(full);
                // The full 9×9 circuit has rank ≤ 4: its nonzero eigenvalues are the core's; zeros add nothing.
                assertEquals(CopyingScore.score(eig), scores[l][h], 1e-6, "L" + l + "H" + h);
                double trace = 0;
                for (int i = 0; i < 9; i++) trace += full[i * 9 + i];
                double sum = Arrays.stream(eig).mapToDouble(z -> z[0]).sum();
                assertEquals(trace, sum, 1e-6 * Math.max(1, Math.abs(trace)), "Σλ is the trace");
            }
        }
    }

    /** Σλ of the core's eigenvalues is the trace of the vocab × vocab circuit multiplied out naively (its other eigenvalues are zero). */
    @Test
    void eigenvaluesSumToTheTraceOfTheNaiveFullCircuits() {
        ModelConfig c = new ModelConfig("c", 2, 12, 3, 4, 0, 10, 8, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights w = RandomWeights.generate(c, 21, 0.5);
        double[][][][] ov = CopyingScore.ovEigenvalues(w), qk = CopyingScore.qkEigenvalues(w);
        double[][] we = NaiveCircuits.embed(w), wu = NaiveCircuits.unembed(w);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 3; h++) {
                double[][] fullOv = NaiveCircuits.times(NaiveCircuits.times(we, NaiveCircuits.ov(w, l, h)), wu);
                double[][] fullQk = NaiveCircuits.times(NaiveCircuits.times(we, NaiveCircuits.qk(w, l, h)), NaiveCircuits.transpose(we));
                assertEquals(4, ov[l][h].length, "d_head eigenvalues");
                assertEquals(trace(fullOv), Arrays.stream(ov[l][h]).mapToDouble(z -> z[0]).sum(), 1e-6 * Math.max(1, Math.abs(trace(fullOv))));
                assertEquals(trace(fullQk), Arrays.stream(qk[l][h]).mapToDouble(z -> z[0]).sum(), 1e-6 * Math.max(1, Math.abs(trace(fullQk))));
                assertEquals(0, Arrays.stream(ov[l][h]).mapToDouble(z -> z[1]).sum(), 1e-9, "complex eigenvalues come in conjugate pairs");
                assertEquals(CopyingScore.ov(w)[l][h], CopyingScore.score(ov[l][h]), 0.0);
            }
        }
    }

    private static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) t += m[i][i];
        return t;
    }

    @Test
    void aHeadWhoseOvCircuitIsPositiveDefiniteCopies() {
        // W_E = W_Uᵀ and W_V·W_O = I on a subspace makes W_E W_OV W_U = W_E P W_Eᵀ, positive semi-definite: score 1.
        ModelConfig c = new ModelConfig("c", 1, 6, 1, 3, 0, 7, 8, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights w = RandomWeights.generate(c, 4, 0.5);
        Tensor wu = Tensor.zeros(6, 7), wv = Tensor.zeros(1, 6, 3), wo = Tensor.zeros(1, 3, 6);
        float[] we = w.data("embed.W_E");
        for (int v = 0; v < 7; v++) for (int i = 0; i < 6; i++) wu.data()[i * 7 + v] = we[v * 6 + i];
        for (int e = 0; e < 3; e++) { wv.data()[e * 3 + e] = 1; wo.data()[e * 6 + e] = 1; }
        w = w.with(c, java.util.Map.of("unembed.W_U", wu, "blocks.0.attn.W_V", wv, "blocks.0.attn.W_O", wo));
        assertEquals(1.0, CopyingScore.ov(w)[0][0], 1e-9);
        // Negating W_O makes it anti-copy.
        for (int i = 0; i < wo.size(); i++) wo.data()[i] = -wo.data()[i];
        w = w.with(c, java.util.Map.of("blocks.0.attn.W_O", wo));
        assertEquals(-1.0, CopyingScore.ov(w)[0][0], 1e-9);
    }

    /** Grouped-query attention: each query head's circuits use its key/value head's W_V and W_K, repeated as TransformerLens does. */
    @Test
    void groupedQueryScoresEqualTheScoresOfTheFullCircuitsWithRepeatedKeyAndValueWeights() {
        Weights w = RandomWeights.generate(Families.llama(2, true), 6, 0.5);
        double[][] ov = CopyingScore.ov(w), qk = CopyingScore.qk(w);
        double[][] we = NaiveCircuits.embed(w), wu = NaiveCircuits.unembed(w);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 8; h++) {
                double[][] fullOv = NaiveCircuits.times(NaiveCircuits.times(we, NaiveCircuits.ov(w, l, h)), wu);
                double[][] fullQk = NaiveCircuits.times(NaiveCircuits.times(we, NaiveCircuits.qk(w, l, h)), NaiveCircuits.transpose(we));
                assertEquals(CopyingScore.score(CopyingScore.eigenvalues(NaiveCircuits.flat(fullOv))), ov[l][h], 1e-6, "OV L" + l + "H" + h);
                assertEquals(CopyingScore.score(CopyingScore.eigenvalues(NaiveCircuits.flat(fullQk))), qk[l][h], 1e-6, "QK L" + l + "H" + h);
            }
        }
    }

    /**
     * Shapes on the SIMD path (d_head·d_model² ≥ 2^20) with grouped-query attention: each head's
     * scores and eigenvalue sums against the materialised vocab × vocab circuits in float64.
     */
    @Test
    void scoresOnTheSimdPathEqualTheScoresOfTheMaterialisedCircuits() {
        ModelConfig c = new ModelConfig("gqa", 2, 128, 4, 64, 0, 40, 8, ActFn.SILU, Normalization.RMS, true, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 64, 10000, 2, false, false, "LlamaForCausalLM"));
        assertTrue((long) c.dHead() * c.dModel() * c.dModel() >= FactoredMatrix.SIMD_PRODUCT, "the fast path runs");
        Weights w = RandomWeights.generate(c, 12, 0.5);
        double[][][][] ovEig = CopyingScore.ovEigenvalues(w), qkEig = CopyingScore.qkEigenvalues(w);
        double[][] we = NaiveCircuits.embed(w), wu = NaiveCircuits.unembed(w);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 4; h++) {
                double[][] fullOv = NaiveCircuits.times(NaiveCircuits.times(we, NaiveCircuits.ov(w, l, h)), wu);
                double[][] fullQk = NaiveCircuits.times(NaiveCircuits.times(we, NaiveCircuits.qk(w, l, h)), NaiveCircuits.transpose(we));
                String at = "L" + l + "H" + h;
                assertEquals(CopyingScore.score(CopyingScore.eigenvalues(NaiveCircuits.flat(fullOv))), CopyingScore.score(ovEig[l][h]), 1e-5, "OV " + at);
                assertEquals(CopyingScore.score(CopyingScore.eigenvalues(NaiveCircuits.flat(fullQk))), CopyingScore.score(qkEig[l][h]), 1e-5, "QK " + at);
                assertEquals(trace(fullOv), Arrays.stream(ovEig[l][h]).mapToDouble(z -> z[0]).sum(), 1e-5 * norm1(fullOv), "Σλ is the OV trace " + at);
                assertEquals(trace(fullQk), Arrays.stream(qkEig[l][h]).mapToDouble(z -> z[0]).sum(), 1e-5 * norm1(fullQk), "Σλ is the QK trace " + at);
            }
        }
    }

    /**
     * The vocabulary products on the float32 path (d_vocab·d_model² ≥ 2^20): G_EE = W_Eᵀ·W_E from
     * its lower panels mirrored, and G_UE = W_U·W_E read in place, against float64 loops; d_model
     * 70 leaves a short last panel, d_vocab 2,300 more than one block of vocabulary rows.
     */
    @Test
    void vocabularyProductsOnTheFloat32PathEqualFloat64Loops() {
        for (int[] shape : new int[][] {{70, 300}, {24, 2300}}) {
            int d = shape[0], v = shape[1];
            ModelConfig c = new ModelConfig("grams", 1, d, 2, d / 2, 0, v, 8, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
            assertTrue((long) v * d * d >= FactoredMatrix.SIMD_PRODUCT, "the float32 path runs");
            Weights w = RandomWeights.generate(c, 21, 0.5);
            float[] we = w.wE().data(), wu = w.wU().data();
            assertFalse(CopyingScore.tied(we, wu, v, d), "random W_U is not W_Eᵀ");
            double[] ee = CopyingScore.embedGram(w).data, ue = CopyingScore.unembedTimesEmbed(w).data;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double gee = 0, gue = 0, scale = 0;
                    for (int t = 0; t < v; t++) {
                        gee += (double) we[t * d + i] * we[t * d + j];
                        gue += (double) wu[i * v + t] * we[t * d + j];
                        scale += Math.abs((double) we[t * d + i] * we[t * d + j]);
                    }
                    String at = d + "×" + v + " [" + i + ", " + j + "]";
                    assertEquals(gee, ee[i * d + j], 1e-5 * scale, "G_EE " + at);
                    assertEquals(gue, ue[i * d + j], 1e-5 * (scale + Math.abs(gue)), "G_UE " + at);
                }
            }
        }
    }

    /** Tied embeddings (W_U = W_Eᵀ, GPT-2's checkpoints): G_UE takes the symmetric Gram's path and equals G_EE. */
    @Test
    void tiedEmbeddingsMakeTheUnembedProductTheEmbedGram() {
        int d = 64, v = 300;
        ModelConfig c = new ModelConfig("tied", 1, d, 2, 32, 0, v, 8, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights r = RandomWeights.generate(c, 22, 0.5);
        var tensors = new java.util.LinkedHashMap<>(r.asMap());
        float[] we = r.wE().data(), wu = new float[d * v];
        for (int t = 0; t < v; t++) for (int i = 0; i < d; i++) wu[i * v + t] = we[t * d + i];
        tensors.put("unembed.W_U", Tensor.of(wu, d, v));
        Weights w = Weights.of(c, tensors, "tied test");
        assertTrue(CopyingScore.tied(w.wE().data(), w.wU().data(), v, d));
        assertArrayEquals(CopyingScore.embedGram(w).data, CopyingScore.unembedTimesEmbed(w).data, 0.0);
        double[] g = CopyingScore.embedGram(w).data;
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) assertEquals(g[i * d + j], g[j * d + i], 0.0, "symmetric at " + i + ", " + j);
        // Both circuits from the one shared product: the same eigenvalues as each computed on its own.
        CopyingScore.Eigenvalues both = CopyingScore.ovAndQkEigenvalues(w, WorkProgress.NONE, WorkProgress.NONE);
        double[][][][] ov = CopyingScore.ovEigenvalues(w), qk = CopyingScore.qkEigenvalues(w);
        for (int h = 0; h < 2; h++) {
            for (int e = 0; e < ov[0][h].length; e++) assertArrayEquals(ov[0][h][e], both.ov()[0][h][e], 0.0, "OV H" + h);
            for (int e = 0; e < qk[0][h].length; e++) assertArrayEquals(qk[0][h][e], both.qk()[0][h][e], 0.0, "QK H" + h);
        }
    }

    private static double norm1(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) s += Math.abs(m[i][i]);
        return Math.max(1, s);
    }

    /** W_E·W_V[h]·W_O[h]·W_U materialised in float64 (vocab × vocab), by plain loops. */
    static double[] fullOvCircuit(Weights w, int l, int h) {
        ModelConfig c = w.config();
        int d = c.dModel(), dh = c.dHead(), v = c.dVocab();
        float[] we = w.data("embed.W_E"), wv = w.data("blocks." + l + ".attn.W_V"), wo = w.data("blocks." + l + ".attn.W_O"), wu = w.data("unembed.W_U");
        double[] out = new double[v * v];
        for (int a = 0; a < v; a++) {
            double[] z = new double[dh];
            for (int e = 0; e < dh; e++) for (int i = 0; i < d; i++) z[e] += we[a * d + i] * wv[(h * d + i) * dh + e];
            double[] r = new double[d];
            for (int o = 0; o < d; o++) for (int e = 0; e < dh; e++) r[o] += z[e] * wo[(h * dh + e) * d + o];
            for (int b = 0; b < v; b++) for (int o = 0; o < d; o++) out[a * v + b] += r[o] * wu[o * v + b];
        }
        return out;
    }
}
