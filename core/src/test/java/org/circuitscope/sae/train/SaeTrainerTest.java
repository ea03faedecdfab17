package org.circuitscope.sae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.train.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on synthetic data with known features in superposition (Elhage et al., "Toy Models
 * of Superposition"): 80 random unit directions in 20 dimensions, each active with probability
 * 0.05 at a magnitude uniform in [0, 1]. A good SAE finds the directions themselves.
 */
class SaeTrainerTest {
    static final int D = 20, TRUE = 80, D_SAE = 160, BATCH = 256, STEPS = 1600, K = 4;
    static final double P = 0.05;

    static float[][] truth;
    static SaeParams trained;
    static final List<Double> losses = new ArrayList<>();
    static double worstNormError;

    /** Samples x = Σ_i a_i u_i with a_i ~ U[0,1] on with probability p; the batch of a step depends only on the step. */
    record Superposition(float[][] dirs) implements ActivationSource {
        @Override
        public Batch batch(long seed, int step) {
            SplittableRandom r = new SplittableRandom(seed * 7919 + step);
            float[] x = new float[BATCH * D];
            for (int n = 0; n < BATCH; n++) {
                for (int i = 0; i < dirs.length; i++) {
                    if (r.nextDouble() >= P) continue;
                    float a = (float) r.nextDouble();
                    for (int j = 0; j < D; j++) x[n * D + j] += a * dirs[i][j];
                }
            }
            return new Batch(x, BATCH);
        }
    }

    static float[][] directions(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] u = new float[TRUE][D];
        for (float[] v : u) {
            double s = 0;
            for (int j = 0; j < D; j++) { v[j] = (float) SaeParams.gaussian(r); s += v[j] * v[j]; }
            for (int j = 0; j < D; j++) v[j] /= (float) Math.sqrt(s);
        }
        return u;
    }

    /** TopK with k the expected number of active true features (80 × 0.05). */
    static SaeConfig topk() {
        return new SaeConfig("synthetic", SaeConfig.Architecture.TOPK, D, D_SAE, "blocks.0.hook_resid_post", K, true, "none");
    }

    @BeforeAll
    static void train() throws IOException {
        truth = directions(123);
        SaeTrainOptions opt = new SaeTrainOptions(SaeConfig.Architecture.TOPK, D_SAE, K, 0, 3e-3, STEPS, 1, 200, 100, 1000);
        trained = new SaeTrainer(topk(), opt, new Superposition(truth), null, new PrintStream(new ByteArrayOutputStream()))
                .onStep((step, p, r) -> {
                    losses.add(r.loss());
                    worstNormError = Math.max(worstNormError, worstRowNormError(p.named().get("W_dec").data(), D_SAE, D));
                }).run();
    }

    @Test
    void theLossDecreases() {
        double first = losses.subList(0, 20).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(STEPS - 20, STEPS).stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(last < 0.3 * first, "loss over the first 20 steps " + first + ", over the last 20 " + last);
    }

    @Test
    void decoderRowsHaveUnitNormAfterEveryStep() {
        assertEquals(STEPS, losses.size());
        assertTrue(worstNormError < 1e-5, "largest |‖W_dec,i‖ − 1| after a step: " + worstNormError);
    }

    @Test
    void atLeast90PercentOfTheTrueFeaturesHaveADecoderRowWithCosineAtLeast09() {
        int found = recovered(truth, trained.named().get("W_dec").data(), D_SAE);
        assertTrue(found >= 0.9 * TRUE, found + " of " + TRUE + " true features recovered at cosine >= 0.9");
    }

    @TempDir Path tmp;

    @Test
    void aRunInterruptedAtACheckpointResumesToTheSameParameters() throws IOException {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        float[][] dirs = directions(5);
        SaeConfig cfg = new SaeConfig("r", SaeConfig.Architecture.TOPK, D, 40, "blocks.0.hook_resid_post", 4, true, "none");
        SaeTrainOptions full = new SaeTrainOptions(SaeConfig.Architecture.TOPK, 40, 4, 0, 1e-3, 30, 2, 10, 5, 10);
        SaeParams straight = new SaeTrainer(cfg, full, new Superposition(dirs), tmp.resolve("a"), quiet).run();
        SaeParams resumed = resumeAt20(cfg, full, dirs, quiet);
        for (String name : straight.named().keySet()) {
            assertArrayEquals(straight.named().get(name).data(), resumed.named().get(name).data(), 1e-6f, name);
        }
    }

    /** Runs the 30-step schedule to step 20 (its listener stops it there by throwing), then reruns it from the checkpoint. */
    private SaeParams resumeAt20(SaeConfig cfg, SaeTrainOptions full, float[][] dirs, PrintStream quiet) throws IOException {
        Path dir = tmp.resolve("d");
        class Stop extends RuntimeException {}
        try {
            new SaeTrainer(cfg, full, new Superposition(dirs), dir, quiet).onStep((step, p, r) -> { if (step == 20) throw new Stop(); }).run();
        } catch (Stop expected) {
            // interrupted after the step-20 checkpoint (written at the end of step index 19)
        }
        assertEquals(20, Checkpoint.load(dir).step());
        return new SaeTrainer(cfg, full, new Superposition(dirs), dir, quiet).run();
    }

    /** The largest |‖row‖ − 1| over the rows of a [rows, d] matrix. */
    static double worstRowNormError(float[] w, int rows, int d) {
        double worst = 0;
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) w[i * d + j] * w[i * d + j];
            worst = Math.max(worst, Math.abs(Math.sqrt(s) - 1));
        }
        return worst;
    }

    /** How many of the true unit directions have a row of the [rows, D] decoder at cosine ≥ 0.9. */
    static int recovered(float[][] truth, float[] w, int rows) {
        int found = 0;
        for (float[] u : truth) {
            double best = -1;
            for (int i = 0; i < rows; i++) {
                double dot = 0, n = 0;
                for (int j = 0; j < D; j++) { dot += (double) u[j] * w[i * D + j]; n += (double) w[i * D + j] * w[i * D + j]; }
                best = Math.max(best, dot / Math.sqrt(n));
            }
            if (best >= 0.9) found++;
        }
        return found;
    }
}
