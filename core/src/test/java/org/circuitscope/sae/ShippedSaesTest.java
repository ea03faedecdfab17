package org.circuitscope.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.circuitscope.grad.CrossEntropy;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.io.ModelDirectory;
import org.circuitscope.model.Hook;
import org.circuitscope.model.RunOptions;
import org.circuitscope.sae.train.SaeEvaluation;
import org.circuitscope.sae.train.SaeMetrics;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tokenizer.Tokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SAEs under samples/saes attach to their models and meet the goals their cards state, on
 * samples/prompts/hebrews-heldout.txt (a held-out book): variance explained ≥ 0.8, CE loss
 * recovered ≥ 0.8, L0 ≤ 32, dead features ≤ 10%. The figures are recomputed here with plain
 * loops (and compared with {@link SaeEvaluation}, which wrote the cards), not read from a card.
 */
class ShippedSaesTest {
    static final Path SAMPLES = Path.of("..", "samples").toAbsolutePath().normalize();
    static final int SEQ = 128;

    @ParameterizedTest
    @CsvSource({"attn-only-2l-resid0, attn-only-2l", "gelu-2l-mlp1, gelu-2l"})
    void meetsItsCardsGoalsOnHeldOutText(String saeName, String modelName) throws Exception {
        Path saeDir = SAMPLES.resolve("saes").resolve(saeName);
        Sae sae = Sae.load(saeDir);
        try (LoadedModel m = ModelDirectory.load(SAMPLES.resolve("models").resolve(modelName))) {
            sae.checkAttachable(m.config());
            Tokenizer tok = m.tokenizer().orElseThrow();
            int bos = tok.bosId().orElseThrow();
            int[] ids = tok.encode(Files.readString(SAMPLES.resolve("prompts/hebrews-heldout.txt"))).ids();
            String hook = sae.config().hookName();
            int d = sae.config().dIn(), nSae = sae.config().dSae();
            double sse = 0, active = 0, clean = 0, spliced = 0, zero = 0;
            double[] sum = new double[d], sumSq = new double[d];
            boolean[] alive = new boolean[nSae];
            int tokens = 0, predictions = 0;
            for (int s = 0; s < ids.length; s += SEQ - 1) {
                int[] w = new int[Math.min(SEQ, ids.length - s + 1)];
                w[0] = bos;
                System.arraycopy(ids, s, w, 1, w.length - 1);
                var run = m.transformer().run(w, RunOptions.names(List.of(hook)));
                Tensor x = run.get(hook);
                SparseFeatures f = sae.encodeSparse(x);
                float[] xhat = new float[x.size()];
                for (int p = 0; p < w.length; p++) {
                    // x̂ = b_dec + Σ a_i W_dec[i], in double, from the sparse features.
                    double[] r = new double[d];
                    for (int j = 0; j < d; j++) r[j] = sae.tensors().get("b_dec").data()[j];
                    for (int q = 0; q < f.active(p); q++) {
                        float[] row = sae.decoderRow(f.index()[p][q]);
                        for (int j = 0; j < d; j++) r[j] += f.value()[p][q] * (double) row[j];
                    }
                    for (int j = 0; j < d; j++) xhat[p * d + j] = (float) r[j];
                    if (p == 0) continue; // BOS: not reconstructed, not counted
                    tokens++;
                    active += f.active(p);
                    for (int q = 0; q < f.active(p); q++) alive[f.index()[p][q]] = true;
                    for (int j = 0; j < d; j++) {
                        double v = x.get(p, j);
                        sse += (v - r[j]) * (v - r[j]);
                        sum[j] += v;
                        sumSq[j] += v * v;
                    }
                }
                Hook splice = (a, n) -> keepBos(a, xhat, d);
                Hook ablate = (a, n) -> keepBos(a, new float[a.size()], d);
                int count = w.length - 1;
                clean += CrossEntropy.nextToken(run.logits(), w).loss() * count;
                spliced += CrossEntropy.nextToken(m.transformer().run(w, RunOptions.none().withHooks(Map.of(hook, splice))).logits(), w).loss() * count;
                zero += CrossEntropy.nextToken(m.transformer().run(w, RunOptions.none().withHooks(Map.of(hook, ablate))).logits(), w).loss() * count;
                predictions += count;
            }
            double sst = 0;
            for (int j = 0; j < d; j++) sst += sumSq[j] - sum[j] * sum[j] / tokens;
            double fve = 1 - sse / sst, l0 = active / tokens;
            double recovered = (zero - spliced) / (zero - clean);
            long dead = 0;
            for (boolean a : alive) if (!a) dead++;
            String figures = String.format("%s: variance explained %.3f, CE recovered %.3f (clean %.3f spliced %.3f zero %.3f), L0 %.1f, dead %d/%d",
                    saeName, fve, recovered, clean / predictions, spliced / predictions, zero / predictions, l0, dead, nSae);
            assertTrue(fve >= 0.8, figures);
            assertTrue(recovered >= 0.8, figures);
            assertTrue(l0 <= 32, figures);
            assertTrue(dead <= 0.1 * nSae, figures);

            SaeMetrics card = SaeEvaluation.evaluate(m.transformer(), sae, "hebrews", ids, bos, SEQ, 1000);
            assertEquals(fve, card.varianceExplained(), 1e-3, "SaeEvaluation's variance explained; " + figures);
            assertEquals(recovered, card.ceLossRecovered(), 1e-3, "SaeEvaluation's CE loss recovered; " + figures);
            assertEquals(l0, card.l0(), 1e-6);
            assertEquals(dead, card.deadFeatures());
        }
    }

    private static Tensor keepBos(Tensor act, float[] replacement, int d) {
        float[] out = Arrays.copyOf(replacement, act.size());
        System.arraycopy(act.data(), 0, out, 0, d);
        return Tensor.of(out, act.shape());
    }
}
