package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LogitLensTest {
    static final int[] TOKENS = {2, 9, 9, 14, 3, 21};

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void lastLayerIsTheModelsLogitsAndEarlierLayersMatchANaiveReadOut(Normalization n) {
        ModelConfig c = new ModelConfig("lens", 3, 16, 2, 8, 32, 25, 16, ActFn.GELU_NEW, n, false, 1e-5, true);
        Weights w = RandomWeights.generate(c, 7, 0.4);
        Transformer m = new Transformer(w);
        ActivationCache cache = m.runWithCache(TOKENS);
        int pos = 4, V = c.dVocab(), D = c.dModel(), target = 6;
        LogitLens.Result r = LogitLens.compute(m, cache, pos, 3, target);
        assertEquals(c.nLayers() + 1, r.layers().size());
        assertEquals("blocks.0.hook_resid_pre", r.layers().get(0).hook());
        assertEquals("blocks.2.hook_resid_post", r.layers().get(3).hook());

        double[] last = LogitLens.logits(w, cache.get("blocks.2.hook_resid_post"), pos);
        for (int j = 0; j < V; j++) assertEquals(cache.logits().data()[pos * V + j], last[j], 1e-4, "final layer, token " + j);

        for (int k = 0; k < r.layers().size(); k++) {
            LogitLens.Layer layer = r.layers().get(k);
            float[] resid = cache.get(layer.hook()).data();
            double[] x = new double[D], want = new double[V];
            for (int i = 0; i < D; i++) x[i] = resid[pos * D + i];
            if (n != Normalization.NONE) {
                // LayerNorm centres; RMSNorm divides by the root mean square of the raw row.
                boolean layerNorm = n == Normalization.LN || n == Normalization.LN_PRE;
                double mean = 0, var = 0;
                if (layerNorm) for (double e : x) mean += e / D;
                for (double e : x) var += (e - mean) * (e - mean) / D;
                for (int i = 0; i < D; i++) {
                    x[i] = (x[i] - mean) / Math.sqrt(var + c.eps());
                    if (n == Normalization.LN) x[i] = x[i] * w.data("ln_final.w")[i] + w.data("ln_final.b")[i];
                    if (n == Normalization.RMS) x[i] = x[i] * w.data("ln_final.w")[i];
                }
            }
            int best = 0;
            for (int j = 0; j < V; j++) {
                want[j] = w.data("unembed.b_U")[j];
                for (int i = 0; i < D; i++) want[j] += x[i] * w.data("unembed.W_U")[i * V + j];
                if (want[j] > want[best]) best = j;
            }
            assertEquals(best, layer.top().get(0).token(), layer.hook() + ": top token");
            assertEquals(want[best], layer.top().get(0).logit(), 1e-9, layer.hook() + ": top logit");
            assertEquals(want[target], layer.targetLogit(), 1e-9, layer.hook() + ": target logit");
            int rank = 1;
            for (int j = 0; j < V; j++) if (want[j] > want[target]) rank++;
            assertEquals(rank, layer.targetRank(), layer.hook() + ": target rank");
            double lse = 0;
            for (int j = 0; j < V; j++) lse += Math.exp(want[j] - want[best]);
            assertEquals(want[target] - want[best] - Math.log(lse), layer.targetLogprob(), 1e-9, layer.hook() + ": target log-prob");
        }
    }
}
