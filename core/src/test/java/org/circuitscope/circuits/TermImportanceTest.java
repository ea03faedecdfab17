package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TermImportanceTest {
    static final int[] TOKENS = {3, 17, 5, 3, 17, 9, 22, 4, 3, 17};

    static Stream<Arguments> models() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Normalization n : Normalization.values()) {
            b.add(Arguments.of(2, true, n));
            b.add(Arguments.of(3, false, n));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} layers, attn-only {1}, {2}")
    @MethodSource("models")
    void allTermsGiveTheModelsLoss(int layers, boolean attnOnly, Normalization n) {
        ModelConfig c = PathExpansionTest.cfg(layers, attnOnly, n);
        Transformer m = new Transformer(RandomWeights.generate(c, 5 + layers, 0.4));
        TermImportance.Sums s = TermImportance.of(m, TOKENS);
        assertEquals(TOKENS.length - 1, s.tokens());
        assertEquals(s.model(), s.all(), 1e-4 * s.tokens(), "all terms with frozen patterns are the model");
        if (attnOnly) assertEquals(s.all(), s.virtual(), 1e-4 * s.tokens(), "attention-only: + virtual is everything");
        assertEquals(layers * c.nHeads(), s.heads().size());
        assertEquals(PathResiduals.virtualCount(c), s.virtuals().size());
    }

    @Test
    void directAndOneHeadOrdersMatchANaiveFrozenForwardInFloat64() {
        ModelConfig c = PathExpansionTest.cfg(2, true, Normalization.LN);
        Weights w = RandomWeights.generate(c, 77, 0.5);
        Transformer m = new Transformer(w);
        ActivationCache cache = m.runWithCache(TOKENS);
        TermImportance.Sums s = TermImportance.of(m, cache);
        Naive nv = new Naive(w, cache);
        int t = TOKENS.length, d = c.dModel();
        double[][] x0 = new double[t][d], zero = new double[t][d];
        float[] we = w.data("embed.W_E"), wp = w.data("pos_embed.W_pos");
        for (int p = 0; p < t; p++) for (int i = 0; i < d; i++) x0[p][i] = (double) we[TOKENS[p] * d + i] + wp[p * d + i];
        // Biases written by layer 0 whatever the tokens: the layer on a zero residual.
        double[][] bias0 = nv.layer(0, zero);
        // direct: x0 plus every bias, layer 1 reading only layer 0's biases.
        double[][] direct = sum(x0, bias0, nv.layer(1, bias0));
        // + one-head: each layer reads x0 (layer 1 also layer 0's biases), not layer 0's token-dependent output.
        double[][] oneHead = sum(x0, nv.layer(0, x0), nv.layer(1, sum(x0, bias0)));
        double[][] full = sum(x0, nv.layer(0, x0), nv.layer(1, sum(x0, nv.layer(0, x0))));
        assertEquals(nv.loss(direct), s.direct(), 1e-4 * t);
        assertEquals(nv.loss(oneHead), s.oneHead(), 1e-4 * t);
        assertEquals(nv.loss(full), s.all(), 1e-4 * t);
        assertNotEquals(s.direct(), s.oneHead(), 1e-3, "the orders differ on this model");
    }

    @Test
    void attnOnly2lOnHeldOutTextTheOrdersImproveAndAllTermsAreTheModel() throws Exception {
        Path samples = Path.of("..", "samples").toAbsolutePath().normalize();
        try (LoadedModel lm = ModelDirectory.load(samples.resolve("models/attn-only-2l"))) {
            Tokenizer tok = lm.tokenizer().orElseThrow();
            int[] ids = tok.encode(Files.readString(samples.resolve("prompts/hebrews-heldout.txt"))).ids();
            TermImportance.Sums total = null;
            int len = 128;
            for (int start = 0, k = 0; start + len - 1 <= ids.length && k < 4; start += len - 1, k++) {
                int[] win = new int[len];
                win[0] = tok.bosId().orElseThrow();
                System.arraycopy(ids, start, win, 1, len - 1);
                TermImportance.Sums s = TermImportance.of(lm.transformer(), win);
                total = total == null ? s : total.plus(s);
            }
            assertNotNull(total);
            int n = total.tokens();
            assertEquals(4 * 127, n);
            double direct = total.direct() / n, one = total.oneHead() / n, all = total.all() / n;
            assertTrue(direct >= one && one >= all, "direct " + direct + " ≥ one-head " + one + " ≥ all " + all);
            assertEquals(total.model() / n, all, 1e-4, "all terms are the model's own loss");
            // Removing a useful head's one-head term raises the loss.
            assertTrue(total.heads().values().stream().anyMatch(x -> x / n > all), "some head's one-head term helps");
        }
    }

    private static double[][] sum(double[][]... xs) {
        double[][] out = new double[xs[0].length][xs[0][0].length];
        for (double[][] x : xs) for (int p = 0; p < x.length; p++) for (int i = 0; i < x[p].length; i++) out[p][i] += x[p][i];
        return out;
    }

    /** A frozen-pattern, frozen-scale attention layer and unembedding in float64 loops, from the raw weights. */
    private record Naive(Weights w, ActivationCache cache) {
        double[][] layer(int l, double[][] in) {
            ModelConfig c = w.config();
            int t = in.length, d = c.dModel(), dh = c.dHead();
            float[] s1 = cache.get(HookPoint.ln(l, "ln1", "scale")).data(), a = cache.get(HookPoint.attn(l, "pattern")).data();
            float[] lw = w.data("blocks." + l + ".ln1.w"), lb = w.data("blocks." + l + ".ln1.b");
            float[] bv = w.data("blocks." + l + ".attn.b_V"), bo = w.data("blocks." + l + ".attn.b_O");
            double[][] ln = new double[t][d];
            for (int s = 0; s < t; s++) {
                double mean = 0;
                for (int i = 0; i < d; i++) mean += in[s][i] / d;
                for (int i = 0; i < d; i++) ln[s][i] = (in[s][i] - mean) / s1[s] * lw[i] + lb[i];
            }
            double[][] out = new double[t][d];
            for (int p = 0; p < t; p++) for (int i = 0; i < d; i++) out[p][i] = bo[i];
            for (int h = 0; h < c.nHeads(); h++) {
                double[][] wv = NaiveCircuits.in(w, l, h, "W_V"), wo = NaiveCircuits.out(w, l, h);
                for (int p = 0; p < t; p++) {
                    for (int s = 0; s <= p; s++) {
                        double as = a[(h * t + p) * t + s];
                        for (int e = 0; e < dh; e++) {
                            double v = bv[h * dh + e];
                            for (int i = 0; i < d; i++) v += ln[s][i] * wv[i][e];
                            for (int o = 0; o < d; o++) out[p][o] += as * v * wo[e][o];
                        }
                    }
                }
            }
            return out;
        }

        double loss(double[][] r) {
            ModelConfig c = w.config();
            int d = c.dModel(), v = c.dVocab();
            float[] sf = cache.get(HookPoint.LN_FINAL_SCALE).data(), fw = w.data("ln_final.w"), fb = w.data("ln_final.b");
            double[][] wu = NaiveCircuits.unembed(w);
            float[] bu = w.data("unembed.b_U");
            double total = 0;
            for (int p = 0; p + 1 < r.length; p++) {
                double mean = 0;
                for (int i = 0; i < d; i++) mean += r[p][i] / d;
                double[] logits = new double[v];
                for (int j = 0; j < v; j++) {
                    double z = bu[j];
                    for (int i = 0; i < d; i++) z += ((r[p][i] - mean) / sf[p] * fw[i] + fb[i]) * wu[i][j];
                    logits[j] = z;
                }
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (double x : logits) max = Math.max(max, x);
                for (double x : logits) sum += Math.exp(x - max);
                total += max + Math.log(sum) - logits[TOKENS[p + 1]];
            }
            return total;
        }
    }
}
