package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.circuitscope.model.ActFn;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RandomWeights;
import org.circuitscope.model.Transformer;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The sweeps against a naive float64 GPT-2 block stack written here (no production kernels),
 * which patches by overwriting its own arrays, and the identities that patching guarantees.
 */
class PatchingSweepTest {
    static final ModelConfig CFG = new ModelConfig("ps", 2, 16, 3, 8, 32, 30, 16, ActFn.GELU_NEW, Normalization.LN, false, 1e-5, true);
    static final Weights W = RandomWeights.generate(CFG, 7, 0.5);
    static final Transformer M = new Transformer(W);
    static final int[] CLEAN = {1, 5, 9, 5, 9, 12, 3}, CORRUPT = {1, 7, 2, 7, 2, 20, 8};
    static final PatchingMetric DIFF = PatchingMetric.logitDiff(4, 9);

    @Test
    void patchingEveryPositionOfTheFirstResidualStreamGivesTheCorruptLogits() {
        List<Patching.Patch> all = new java.util.ArrayList<>();
        for (int p = 0; p < CLEAN.length; p++) all.add(new Patching.Patch(Patching.Site.RESID_PRE, 0, -1, p));
        var source = M.runWithCache(CORRUPT);
        Tensor got = M.run(CLEAN, org.circuitscope.model.RunOptions.none().withHooks(Patching.hooks(CFG, source, all))).logits();
        assertArrayEquals(M.forward(CORRUPT).data(), got.data(), 1e-5f);
        PatchingSweep.Result r = PatchingSweep.run(M, CLEAN, CORRUPT, DIFF, () -> {});
        assertEquals(0.0, PatchingSweep.normalized(DIFF.of(CLEAN, got), r.clean(), r.corrupt()), 1e-5);
    }

    @Test
    void patchingNothingGivesTheCleanLogits() {
        Tensor got = M.run(CLEAN, org.circuitscope.model.RunOptions.none().withHooks(Patching.hooks(CFG, M.runWithCache(CORRUPT), List.of()))).logits();
        assertArrayEquals(M.forward(CLEAN).data(), got.data(), 0f);
        // Patching a prompt with itself is patching nothing: every cell is the clean metric.
        PatchingSweep.Result same = PatchingSweep.run(M, CLEAN, CLEAN, DIFF, () -> {});
        for (PatchingSweep.Grid g : same.grids()) for (double[] row : g.values()) for (double v : row) assertEquals(same.clean(), v, 1e-5);
        assertTrue(Double.isNaN(PatchingSweep.normalized(same.clean(), same.clean(), same.clean())), "nothing to normalise by");
    }

    @Test
    void everyCellEqualsANaiveFloat64Patching() {
        for (PatchingMetric metric : List.of(DIFF, PatchingMetric.loss())) {
            PatchingSweep.Result r = PatchingSweep.run(M, CLEAN, CORRUPT, metric, () -> {});
            Naive n = new Naive(W, CFG);
            Naive.Run corrupt = n.run(CORRUPT, null);
            assertEquals(naiveMetric(metric, n.run(CLEAN, null).logits), r.clean(), 1e-4, metric.label());
            assertEquals(naiveMetric(metric, corrupt.logits), r.corrupt(), 1e-4, metric.label());
            for (int l = 0; l < CFG.nLayers(); l++) {
                for (int p = 0; p < CLEAN.length; p++) {
                    assertEquals(naiveMetric(metric, n.run(CLEAN, new Naive.Patch("resid_pre", l, -1, p, corrupt)).logits),
                            r.residPre().values()[l][p], 1e-4, metric.label() + " resid_pre " + l + "," + p);
                    assertEquals(naiveMetric(metric, n.run(CLEAN, new Naive.Patch("attn_out", l, -1, p, corrupt)).logits),
                            r.attnOut().values()[l][p], 1e-4, metric.label() + " attn_out " + l + "," + p);
                }
                for (int h = 0; h < CFG.nHeads(); h++) {
                    assertEquals(naiveMetric(metric, n.run(CLEAN, new Naive.Patch("z", l, h, -1, corrupt)).logits),
                            r.headOut().values()[l][h], 1e-4, metric.label() + " head " + l + "," + h);
                }
            }
            // The grids must not be flat: a sweep that patched nothing would pass the checks above only by accident of equal values.
            assertNotEquals(r.clean(), r.corrupt(), 1e-3);
        }
    }

    @Test
    void badInputIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> PatchingSweep.run(M, CLEAN, new int[] {1, 2}, DIFF, () -> {}));
        assertTrue(e.getMessage().contains("same length") && e.getMessage().contains("7") && e.getMessage().contains("2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PatchingSweep.run(M, CLEAN, CORRUPT, PatchingMetric.logitDiff(4, 30), () -> {}));
        assertTrue(e.getMessage().contains("vocabulary [0, 30)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PatchingMetric.logitDiff(4, 4));
        assertTrue(e.getMessage().contains("contrast is the target"), e.getMessage());
    }

    @Test
    void theCheckpointRunsBeforeEveryPass() {
        int[] n = {0};
        PatchingSweep.run(M, CLEAN, CORRUPT, DIFF, () -> n[0]++);
        // Corrupt and clean runs, then one pass per cell: 2 layers × (2 × 7 positions + 3 heads).
        assertEquals(2 + 2 * (2 * CLEAN.length + 3), n[0]);
    }

    static double naiveMetric(PatchingMetric m, double[][] logits) {
        int t = logits.length;
        if (m.kind() == PatchingMetric.Kind.LOGIT_DIFF) return logits[t - 1][m.target()] - logits[t - 1][m.contrast()];
        double sum = 0;
        for (int p = 0; p < t - 1; p++) {
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (double x : logits[p]) max = Math.max(max, x);
            for (double x : logits[p]) s += Math.exp(x - max);
            sum += max + Math.log(s) - logits[p][CLEAN[p + 1]];
        }
        return sum / (t - 1);
    }

    /** A GPT-2 forward pass in float64 from the weights' definitions, with one patch site. */
    static final class Naive {
        /** {@code site} resid_pre / attn_out at {@code pos}, or z of {@code head} at every position, from {@code from}. */
        record Patch(String site, int layer, int head, int pos, Run from) {}

        /** The activations a patch may read, per layer, and the logits [pos][vocab]. */
        record Run(double[][][] residPre, double[][][] attnOut, double[][][][] z, double[][] logits) {}

        final Weights w;
        final ModelConfig c;

        Naive(Weights w, ModelConfig c) { this.w = w; this.c = c; }

        double at(String name, int i) { return w.data(name)[i]; }

        Run run(int[] tok, Patch patch) {
            int T = tok.length, D = c.dModel(), H = c.nHeads(), dh = c.dHead(), L = c.nLayers();
            double[][][] residPre = new double[L][][], attnOut = new double[L][][];
            double[][][][] zs = new double[L][][][];
            double[][] x = new double[T][D];
            for (int t = 0; t < T; t++) for (int i = 0; i < D; i++) x[t][i] = at("embed.W_E", tok[t] * D + i) + at("pos_embed.W_pos", t * D + i);
            for (int l = 0; l < L; l++) {
                String b = "blocks." + l + ".";
                if (patch != null && patch.layer() == l && patch.site().equals("resid_pre")) x[patch.pos()] = patch.from().residPre[l][patch.pos()].clone();
                residPre[l] = copy(x);
                double[][] n1 = ln(x, b + "ln1.");
                double[][][] q = proj(n1, b + "attn.W_Q", b + "attn.b_Q"), k = proj(n1, b + "attn.W_K", b + "attn.b_K"),
                        v = proj(n1, b + "attn.W_V", b + "attn.b_V");
                double[][][] z = new double[T][H][dh];
                for (int h = 0; h < H; h++) {
                    for (int i = 0; i < T; i++) {
                        double[] s = new double[i + 1];
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int j = 0; j <= i; j++) {
                            for (int e = 0; e < dh; e++) s[j] += q[i][h][e] * k[j][h][e];
                            s[j] /= Math.sqrt(dh);
                            max = Math.max(max, s[j]);
                        }
                        for (int j = 0; j <= i; j++) sum += (s[j] = Math.exp(s[j] - max));
                        for (int j = 0; j <= i; j++) for (int e = 0; e < dh; e++) z[i][h][e] += s[j] / sum * v[j][h][e];
                    }
                }
                if (patch != null && patch.layer() == l && patch.site().equals("z")) {
                    for (int i = 0; i < T; i++) z[i][patch.head()] = patch.from().z[l][i][patch.head()].clone();
                }
                zs[l] = z;
                double[][] a = new double[T][D];
                for (int i = 0; i < T; i++) {
                    for (int o = 0; o < D; o++) {
                        double s = at(b + "attn.b_O", o);
                        for (int h = 0; h < H; h++) for (int e = 0; e < dh; e++) s += z[i][h][e] * at(b + "attn.W_O", (h * dh + e) * D + o);
                        a[i][o] = s;
                    }
                }
                if (patch != null && patch.layer() == l && patch.site().equals("attn_out")) a[patch.pos()] = patch.from().attnOut[l][patch.pos()].clone();
                attnOut[l] = copy(a);
                for (int i = 0; i < T; i++) for (int o = 0; o < D; o++) x[i][o] += a[i][o];
                double[][] n2 = ln(x, b + "ln2.");
                int Mm = c.dMlp();
                for (int i = 0; i < T; i++) {
                    double[] post = new double[Mm];
                    for (int m = 0; m < Mm; m++) {
                        double s = at(b + "mlp.b_in", m);
                        for (int d = 0; d < D; d++) s += n2[i][d] * at(b + "mlp.W_in", d * Mm + m);
                        post[m] = 0.5 * s * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (s + 0.044715 * s * s * s)));
                    }
                    for (int o = 0; o < D; o++) {
                        double s = at(b + "mlp.b_out", o);
                        for (int m = 0; m < Mm; m++) s += post[m] * at(b + "mlp.W_out", m * D + o);
                        x[i][o] += s;
                    }
                }
            }
            double[][] nf = ln(x, "ln_final.");
            int V = c.dVocab();
            double[][] logits = new double[T][V];
            for (int i = 0; i < T; i++) {
                for (int u = 0; u < V; u++) {
                    double s = at("unembed.b_U", u);
                    for (int d = 0; d < D; d++) s += nf[i][d] * at("unembed.W_U", d * V + u);
                    logits[i][u] = s;
                }
            }
            return new Run(residPre, attnOut, zs, logits);
        }

        double[][] ln(double[][] x, String prefix) {
            int D = c.dModel();
            double[][] y = new double[x.length][D];
            for (int t = 0; t < x.length; t++) {
                double mean = 0, sq = 0;
                for (double v : x[t]) mean += v / D;
                for (double v : x[t]) sq += (v - mean) * (v - mean) / D;
                double scale = Math.sqrt(sq + c.eps());
                for (int i = 0; i < D; i++) y[t][i] = (x[t][i] - mean) / scale * at(prefix + "w", i) + at(prefix + "b", i);
            }
            return y;
        }

        /** x [T, D] · W [H, D, dh] + b [H, dh] → [T][H][dh]. */
        double[][][] proj(double[][] x, String wName, String bName) {
            int T = x.length, D = c.dModel(), H = c.nHeads(), dh = c.dHead();
            double[][][] r = new double[T][H][dh];
            for (int t = 0; t < T; t++)
                for (int h = 0; h < H; h++)
                    for (int e = 0; e < dh; e++) {
                        double s = at(bName, h * dh + e);
                        for (int d = 0; d < D; d++) s += x[t][d] * at(wName, (h * D + d) * dh + e);
                        r[t][h][e] = s;
                    }
            return r;
        }

        static double[][] copy(double[][] a) {
            double[][] r = new double[a.length][];
            for (int i = 0; i < a.length; i++) r[i] = a[i].clone();
            return r;
        }
    }
}
