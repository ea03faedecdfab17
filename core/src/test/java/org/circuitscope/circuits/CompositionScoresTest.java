package org.circuitscope.circuits;

import static org.circuitscope.circuits.NaiveCircuits.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.Architecture;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.PositionalEmbedding;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;

class CompositionScoresTest {
    static final ModelConfig C = new ModelConfig("c", 3, 10, 2, 4, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
    static final Weights W = RandomWeights.generate(C, 8, 0.5);

    static double naiveScore(double[][] l, double[][] r) {
        return frobenius(times(l, r)) / (frobenius(l) * frobenius(r));
    }

    @Test
    void everyPairMatchesTheNormsOfTheMaterialisedProducts() {
        assertEveryPairMatchesTheMaterialisedProducts(W);
    }

    /** Grouped-query (8 heads on 2 key/value heads) and partly rotary models: the naive side repeats _W_K, _W_V per query head. */
    @Test
    void groupedQueryAndRotaryModelsMatchTheProductsOfTheRepeatedKeyAndValueWeights() {
        Weights llama = RandomWeights.generate(Families.llama(3, false), 4, 0.5);
        assertEveryPairMatchesTheMaterialisedProducts(llama);
        assertEveryPairMatchesTheMaterialisedProducts(RandomWeights.generate(Families.neox(2, false), 5, 0.5));
        // Query heads 0–3 share key/value head 0: with one writer, their V-composition scores differ only through W_O.
        CompositionScores.Result s = CompositionScores.all(llama);
        assertNotEquals(s.k()[0][1][1][0], s.k()[0][1][1][4], "different key/value heads compose differently");
    }

    /**
     * A model large enough for the float32 SIMD path (d_model 256, 4 heads of 64): every pair
     * still matches the float64 products of the materialised matrices, to float32's precision.
     */
    @Test
    void modelsOnTheSimdPathMatchTheMaterialisedProductsToFloatPrecision() {
        ModelConfig big = new ModelConfig("big", 2, 256, 4, 64, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        assertTrue((long) big.dModel() * big.dHead() * big.dHead() * big.nHeads() >= FactoredMatrix.SIMD_PRODUCT, "the fast path runs");
        assertEveryPairMatchesTheMaterialisedProducts(RandomWeights.generate(big, 3, 0.5), 1e-6);
    }

    static void assertEveryPairMatchesTheMaterialisedProducts(Weights w) {
        assertEveryPairMatchesTheMaterialisedProducts(w, 1e-10);
    }

    static void assertEveryPairMatchesTheMaterialisedProducts(Weights w, double tol) {
        ModelConfig c = w.config();
        CompositionScores.Result s = CompositionScores.all(w);
        Weights W = w;
        for (int l1 = 0; l1 < c.nLayers(); l1++)
            for (int h1 = 0; h1 < c.nHeads(); h1++)
                for (int l2 = 0; l2 < c.nLayers(); l2++)
                    for (int h2 = 0; h2 < c.nHeads(); h2++) {
                        String pair = "L" + l1 + "H" + h1 + " → L" + l2 + "H" + h2;
                        if (l1 >= l2) {
                            assertEquals(0, s.q()[l1][h1][l2][h2], pair + " Q (not an earlier layer)");
                            assertEquals(0, s.k()[l1][h1][l2][h2], pair + " K");
                            assertEquals(0, s.v()[l1][h1][l2][h2], pair + " V");
                            continue;
                        }
                        double[][] left = ov(W, l1, h1), qk = qk(W, l2, h2);
                        assertEquals(naiveScore(left, qk), s.q()[l1][h1][l2][h2], tol, pair + " Q");
                        assertEquals(naiveScore(left, transpose(qk)), s.k()[l1][h1][l2][h2], tol, pair + " K");
                        assertEquals(naiveScore(left, ov(W, l2, h2)), s.v()[l1][h1][l2][h2], tol, pair + " V");
                        assertEquals(naiveScore(left, qk), CompositionScores.score(HeadCircuits.ov(W, l1, h1), HeadCircuits.qk(W, l2, h2)), tol,
                                pair + " Q through FactoredMatrix products");
                    }
    }

    @Test
    void strongestListsTheHighestScoresOfAllModes() {
        CompositionScores.Result s = CompositionScores.all(W);
        List<CompositionScores.Composition> top = s.strongest(100);
        assertEquals(3 * (2 * 2) * 3, top.size(), "3 modes × 4 head pairs × 3 layer pairs");
        double max = 0;
        for (double[][][][] m : new double[][][][][] {s.q(), s.k(), s.v()})
            for (double[][][] a : m) for (double[][] b : a) for (double[] c : b) for (double x : c) max = Math.max(max, x);
        assertEquals(max, top.get(0).score());
        for (int i = 1; i < top.size(); i++) assertTrue(top.get(i - 1).score() >= top.get(i).score(), "sorted at " + i);
        CompositionScores.Composition c = top.get(5);
        assertEquals(c.score(), s.of(c.mode())[c.layer1()][c.head1()][c.layer2()][c.head2()]);
    }
    /**
     * Large models whose later layers' folded factors do not fit at once take them in groups: four
     * layers, two later layers a product, must give the scores of the one-product path.
     */
    @Test
    void laterLayersTakenInGroupsGiveTheScoresOfOneProduct() {
        ModelConfig big = new ModelConfig("big4", 4, 128, 4, 64, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights w = RandomWeights.generate(big, 5, 0.5);
        int twoLayers = 2 * 3 * big.nHeads() * big.dHead() * big.dModel();
        CompositionScores.Result one = CompositionProducts.all(w, WorkProgress.NONE, 1L << 26, CompositionProducts.Method.PRODUCTS),
                grouped = CompositionProducts.all(w, WorkProgress.NONE, twoLayers, CompositionProducts.Method.PRODUCTS);
        for (CompositionScores.Mode m : CompositionScores.Mode.values())
            for (int l1 = 0; l1 < 4; l1++) for (int h1 = 0; h1 < 4; h1++) for (int l2 = 0; l2 < 4; l2++) for (int h2 = 0; h2 < 4; h2++)
                assertEquals(one.of(m)[l1][h1][l2][h2], grouped.of(m)[l1][h1][l2][h2], 1e-6, m + " L" + l1 + "H" + h1 + " → L" + l2 + "H" + h2);
        assertTrue(one.q()[0][0][3][0] > 0, "a later pair is scored");
        // The Gram path with room for one right layer at a time (three rounds of bands) gives them too.
        List<int[]> steps = new java.util.ArrayList<>();
        CompositionScores.Result chunked = CompositionProducts.all(w, (d, total) -> steps.add(new int[] {d, total}), 1, CompositionProducts.Method.GRAMS);
        for (CompositionScores.Mode m : CompositionScores.Mode.values())
            for (int l1 = 0; l1 < 4; l1++) for (int h1 = 0; h1 < 4; h1++) for (int l2 = 0; l2 < 4; l2++) for (int h2 = 0; h2 < 4; h2++) {
                double p = one.of(m)[l1][h1][l2][h2];
                assertEquals(p, chunked.of(m)[l1][h1][l2][h2], 1e-6 * Math.max(p, 1e-3), "Grams a layer at a time, " + m + " L" + l1 + "H" + h1 + " → L" + l2 + "H" + h2);
            }
        assertEquals(3 * 4, steps.size(), "3 right layers × 4 bands of 32 rows");
        for (int i = 0; i < steps.size(); i++) assertArrayEquals(new int[] {i + 1, 12}, steps.get(i), "progress step " + i);
    }

    /**
     * The SIMD path with three layers (so that one product per earlier layer holds several later
     * layers side by side) and grouped-query attention (4 query heads on 2 key/value heads):
     * every pair against the float64 products of the materialised, repeated matrices.
     */
    @Test
    void threeLayersWithGroupedQueriesOnTheSimdPathMatchTheMaterialisedProducts() {
        ModelConfig gqa = new ModelConfig("gqa", 3, 128, 4, 64, 0, 7, 5, ActFn.SILU, Normalization.RMS, true, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 64, 10000, 2, false, false, "LlamaForCausalLM"));
        assertTrue((long) gqa.dModel() * gqa.dHead() * gqa.dHead() * gqa.nHeads() >= FactoredMatrix.SIMD_PRODUCT, "the fast path runs");
        Weights w = RandomWeights.generate(gqa, 11, 0.5);
        assertEveryPairMatchesTheMaterialisedProducts(w, 1e-6);
        assertTrue(CompositionProducts.gramsAreCheaper(gqa), "the Gram path runs");
        List<Integer> done = new java.util.ArrayList<>();
        CompositionScores.all(w, (d, total) -> { assertEquals(4, total, "one step per band of 32 Gram rows"); done.add(d); });
        assertEquals(List.of(1, 2, 3, 4), done, "progress after each band");
        done.clear();
        CompositionProducts.all(w, (d, total) -> { assertEquals(2, total, "one step per earlier layer"); done.add(d); }, 1L << 26,
                CompositionProducts.Method.PRODUCTS);
        assertEquals(List.of(1, 2), done, "progress after each earlier layer");
    }

    /**
     * The Gram path's inner products against the product path's sums of squares, at a d_model that
     * is not a multiple of the Gram band (the last band is short) and with grouped queries, every
     * pair of every mode; and the choice between them by cost.
     */
    @Test
    void gramInnerProductsGiveTheScoresOfTheProducts() {
        ModelConfig odd = new ModelConfig("odd", 3, 200, 4, 64, 0, 7, 5, ActFn.SILU, Normalization.RMS, true, 1e-5, true,
                new Architecture(PositionalEmbedding.ROTARY, 64, 10000, 2, false, false, "LlamaForCausalLM"));
        Weights w = RandomWeights.generate(odd, 13, 0.5);
        CompositionScores.Result grams = CompositionProducts.all(w, WorkProgress.NONE, 1L << 26, CompositionProducts.Method.GRAMS);
        CompositionScores.Result products = CompositionProducts.all(w, WorkProgress.NONE, 1L << 26, CompositionProducts.Method.PRODUCTS);
        int scored = 0;
        for (CompositionScores.Mode m : CompositionScores.Mode.values())
            for (int l1 = 0; l1 < 3; l1++) for (int h1 = 0; h1 < 4; h1++) for (int l2 = 0; l2 < 3; l2++) for (int h2 = 0; h2 < 4; h2++) {
                double p = products.of(m)[l1][h1][l2][h2];
                assertEquals(p, grams.of(m)[l1][h1][l2][h2], 1e-6 * Math.max(p, 1e-3), m + " L" + l1 + "H" + h1 + " → L" + l2 + "H" + h2);
                if (p > 0) scored++;
            }
        assertEquals(3 * 3 * 16, scored, "every earlier → later pair of every mode is scored");
        assertTrue(CompositionProducts.gramsAreCheaper(new ModelConfig("gpt2", 12, 768, 12, 64, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true)),
                "GPT-2 small takes the Grams");
        assertFalse(CompositionProducts.gramsAreCheaper(new ModelConfig("wide", 2, 4096, 4, 16, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true)),
                "a wide residual stream with few small heads takes the products");
        assertFalse(CompositionProducts.gramsAreCheaper(new ModelConfig("d2048", 6, 2048, 32, 64, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true)),
                "1.5 times fewer multiply-adds do not make up for the Grams' rate when one product per earlier layer fits");
        assertTrue(CompositionProducts.gramsAreCheaper(new ModelConfig("gpt2-medium", 24, 1024, 16, 64, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true)),
                "GPT-2 medium's right factors do not fit one product: the Grams");
    }

    /**
     * A head whose W_V has rank below d_head has a singular Gram, which has no Cholesky factor:
     * its scores come from the symmetric root instead and must still match the materialised
     * products, on both paths.
     */
    @Test
    void aRankDeficientHeadIsScoredThroughItsSymmetricRoot() {
        ModelConfig big = new ModelConfig("big", 2, 256, 4, 64, 0, 7, 5, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, true);
        Weights w = RandomWeights.generate(big, 17, 0.5);
        float[] wv = w.layer(0).attn().wV().data();
        // Head 0's W_V [d_model, d_head]: its last 16 columns copies of the first 16 (rank 48).
        for (int i = 0; i < big.dModel(); i++) System.arraycopy(wv, i * 64, wv, i * 64 + 48, 16);
        assertEveryPairMatchesTheMaterialisedProducts(w, 1e-6);
        double expected = naiveScore(ov(w, 0, 0), ov(w, 1, 2));
        for (CompositionProducts.Method m : new CompositionProducts.Method[] {CompositionProducts.Method.PRODUCTS, CompositionProducts.Method.GRAMS}) {
            assertEquals(expected, CompositionProducts.all(w, WorkProgress.NONE, 1L << 26, m).v()[0][0][1][2], 1e-6, m + " path");
        }
    }

    /**
     * The float32 baseline (shapes on the SIMD path) against the same Gaussian draws, in the same
     * order, scored here through the materialised d_model × d_model products in float64.
     */
    @Test
    void baselineOnTheSimdPathEqualsTheMeanScoreOfMaterialisedRandomProducts() {
        int d = 256, k = 64, samples = 3;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        double sum = 0;
        for (int s = 0; s < samples; s++) {
            double[][] x1 = gaussian(rnd, d, k), y1 = gaussian(rnd, k, d), x2 = gaussian(rnd, d, k), y2 = gaussian(rnd, k, d);
            sum += naiveScore(times(x1, y1), times(x2, y2));
        }
        assertEquals(sum / samples, CompositionScores.baseline(d, k, samples, 7), 1e-6 * sum / samples);
    }

    /** Draws as the baseline does: row-major, one nextGaussian per entry, rounded to float32 (the fast path's storage). */
    private static double[][] gaussian(java.util.SplittableRandom rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i][j] = (float) rnd.nextGaussian();
        return m;
    }

    @Test
    void baselineIsNearOneOverRootDModelAndRepeatable() {
        // E‖LR‖² / (E‖L‖² E‖R‖²) = 1/d_model exactly for Gaussian factors; the mean ratio is close to its root.
        double b = CompositionScores.baseline(64, 8, 64, 1);
        assertEquals(1 / Math.sqrt(64), b, 0.1 / Math.sqrt(64), "Monte Carlo baseline against 1/√d_model");
        assertEquals(b, CompositionScores.baseline(64, 8, 64, 1), "same seed, same baseline");
        assertTrue(CompositionScores.baseline(256, 8, 16, 1) < b, "a wider residual stream composes less by chance");
    }

    @Test
    void aHeadThatWritesExactlyWhatTheNextReadsComposesFully() {
        // L = R = a rank-1 projection P (P² = P): ‖P·P‖ / (‖P‖‖P‖) = 1.
        org.ejml.data.DMatrixRMaj u = new org.ejml.data.DMatrixRMaj(4, 1, true, 0.5, 0.5, 0.5, 0.5);
        FactoredMatrix p = new FactoredMatrix(u, org.ejml.dense.row.CommonOps_DDRM.transpose(u, null));
        assertEquals(1.0, CompositionScores.score(p, p), 1e-12);
        org.ejml.data.DMatrixRMaj v = new org.ejml.data.DMatrixRMaj(4, 1, true, 0.5, -0.5, 0.5, -0.5);
        FactoredMatrix q = new FactoredMatrix(v, org.ejml.dense.row.CommonOps_DDRM.transpose(v, null));
        assertEquals(0.0, CompositionScores.score(p, q), 1e-12, "orthogonal subspaces do not compose");
    }
}
