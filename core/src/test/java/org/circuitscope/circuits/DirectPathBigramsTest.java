package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.junit.jupiter.api.Test;

/** The bigram comparison against a naive float64 computation on a hand-built corpus and a random zero-layer model. */
class DirectPathBigramsTest {
    static final int V = 7;
    /** Hand-built: 1→0 five times, 0→1 four, 2→3 three, 0→2 and 6→6 twice, nine pairs once. */
    static final int[] CORPUS = {0, 1, 0, 1, 0, 2, 3, 0, 1, 0, 2, 3, 4, 5, 6, 2, 3, 5, 1, 0, 1, 0, 6, 6, 6, 5};

    static ModelConfig zeroLayer(boolean bos) {
        return new ModelConfig("zero", 0, 6, 2, 3, 0, V, 8, ActFn.GELU_NEW, Normalization.LN, true, 1e-5, bos);
    }

    @Test
    void countsAreTheCorpusPairs() {
        BigramCounts c = new BigramCounts(CORPUS, V);
        assertEquals(CORPUS.length - 1, c.total());
        assertEquals(5, c.count(1, 0));
        assertEquals(4, c.count(0, 1));
        assertEquals(0, c.count(4, 0));
        // Σ_b P(b | a) = 1 for every a with a successor.
        for (int a = 0; a < V; a++) {
            double sum = 0;
            for (int b = 0; b < V; b++) sum += Math.exp(c.logProb(a, b));
            if (c.successors(a) > 0) assertEquals(1.0, sum, 1e-12, "row " + a);
        }
    }

    @Test
    void theCorrelationEqualsANaiveFloat64Computation() {
        Weights w = RandomWeights.generate(zeroLayer(true), 3, 0.7);
        BigramCounts counts = new BigramCounts(CORPUS, V);
        int minCount = 2, pos = 1;
        DirectPathBigrams.Result r = DirectPathBigrams.compute(w, counts, pos, minCount, 3);

        // Naive: every pair counted by hand, LayerNorm and softmax written out.
        int[][] n = new int[V][V];
        int[] succ = new int[V];
        for (int i = 0; i + 1 < CORPUS.length; i++) { n[CORPUS[i]][CORPUS[i + 1]]++; succ[CORPUS[i]]++; }
        List<double[]> xy = new ArrayList<>();
        for (int a = 0; a < V; a++) {
            double[] logits = naiveLogits(w, a, pos);
            double lse = 0;
            for (double l : logits) lse += Math.exp(l);
            lse = Math.log(lse);
            for (int b = 0; b < V; b++) {
                if (n[a][b] >= minCount) xy.add(new double[] {logits[b] - lse, Math.log((double) n[a][b] / succ[a]), logits[b]});
            }
        }
        assertEquals(xy.size(), r.pairs());
        assertTrue(xy.size() >= 5, "a sample worth correlating");
        assertEquals(naivePearson(xy, 0), r.correlation(), 1e-9);
        assertEquals(naivePearson(xy, 2), r.logitCorrelation(), 1e-9);
        assertTrue(Math.abs(r.correlation() - r.logitCorrelation()) > 1e-6, "the two figures are different measurements");

        // The top list: most frequent first, each pair's figures as computed above.
        assertEquals(3, r.top().size());
        assertEquals(List.of(1, 0, 5), List.of(r.top().getFirst().prev(), r.top().getFirst().next(), r.top().getFirst().count()));
        assertEquals(List.of(0, 1, 4), List.of(r.top().get(1).prev(), r.top().get(1).next(), r.top().get(1).count()));
        assertEquals(Math.log(5.0 / succ[1]), r.top().getFirst().corpusLogprob(), 1e-12);
    }

    @Test
    void aZeroLayerModelsPredictionFromOneTokenIsTheDirectPath() {
        Weights w = RandomWeights.generate(zeroLayer(true), 5, 0.7);
        Transformer model = new Transformer(w);
        for (int a = 0; a < V; a++) {
            float[] logits = model.forward(new int[] {6, a}).data();
            double[] direct = DirectPathBigrams.logits(w, a, DirectPathBigrams.defaultPosition(w.config()));
            for (int b = 0; b < V; b++) assertEquals(direct[b], logits[V + b], 1e-4, "token " + a + " → " + b);
        }
        assertFalse(HookPoint.all(w.config()).stream().anyMatch(h -> h.startsWith("blocks.")), "no blocks in a zero-layer model");
        assertEquals(0, DirectPathBigrams.defaultPosition(zeroLayer(false)));
    }

    @Test
    void badInputIsRefusedWithAReason() {
        Weights w = RandomWeights.generate(zeroLayer(true), 3, 0.7);
        BigramCounts counts = new BigramCounts(CORPUS, V);
        var e = assertThrows(IllegalArgumentException.class, () -> DirectPathBigrams.compute(w, counts, 1, 100, 3));
        assertTrue(e.getMessage().contains("too few"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DirectPathBigrams.compute(w, new BigramCounts(CORPUS, V + 1), 1, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> new BigramCounts(new int[] {0, V}, V));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig("neg", -1, 6, 2, 3, 0, V, 8, ActFn.GELU_NEW,
                Normalization.LN, true, 1e-5, true));
        assertThrows(IllegalArgumentException.class, () -> LogitLens.hooks(zeroLayer(true)));
    }

    /** LN_final(W_E[a] + W_pos[pos]) · W_U + b_U, in float64 loops after the float32 sum of the embeddings. */
    static double[] naiveLogits(Weights w, int a, int pos) {
        int d = w.config().dModel();
        double[] x = new double[d];
        double mean = 0;
        for (int i = 0; i < d; i++) {
            // The stream itself is float32 in the model (embed + pos_embed): the sum is rounded as there.
            x[i] = w.wE().data()[a * d + i] + w.wPos().data()[pos * d + i];
            mean += x[i] / d;
        }
        double var = 0;
        for (int i = 0; i < d; i++) var += (x[i] - mean) * (x[i] - mean) / d;
        for (int i = 0; i < d; i++) {
            x[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * w.lnFinal().w().data()[i] + w.lnFinal().b().data()[i];
        }
        double[] out = new double[V];
        for (int b = 0; b < V; b++) {
            out[b] = w.bU().data()[b];
            for (int i = 0; i < d; i++) out[b] += x[i] * w.wU().data()[i * V + b];
        }
        return out;
    }

    /** r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), column {@code col} against column 1. */
    static double naivePearson(List<double[]> xy, int col) {
        double n = xy.size(), sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (double[] p : xy) {
            sx += p[col]; sy += p[1]; sxy += p[col] * p[1]; sxx += p[col] * p[col]; syy += p[1] * p[1];
        }
        return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    }
}
