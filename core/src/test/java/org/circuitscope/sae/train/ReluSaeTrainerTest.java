package org.circuitscope.sae.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ReLU + L1 recipe on {@link SaeTrainerTest}'s synthetic superposition (80 true directions
 * in 20 dimensions, each on with probability 0.05): with the inputs scaled to E‖x‖² = d_in, the
 * L1 coefficient warmed up and the learning rate warmed up and decayed, the decoder finds the
 * true directions, and the returned SAE works on the unscaled data.
 */
class ReluSaeTrainerTest {
    static final int D = SaeTrainerTest.D, D_SAE = SaeTrainerTest.D_SAE, STEPS = 4000;
    static final double L1 = 3;

    static float[][] truth;
    static SaeParams trained;
    static final List<Double> losses = new ArrayList<>();
    static double worstNormError;

    static SaeConfig relu() {
        return new SaeConfig("synthetic-relu", SaeConfig.Architecture.RELU, D, D_SAE, "blocks.0.hook_resid_post", 0, true, "none");
    }

    @BeforeAll
    static void train() throws IOException {
        truth = SaeTrainerTest.directions(123);
        SaeTrainOptions opt = new SaeTrainOptions(SaeConfig.Architecture.RELU, D_SAE, 0, L1, 3e-3, STEPS, 1, 200, 100, 10_000);
        trained = new SaeTrainer(relu(), opt, new SaeTrainerTest.Superposition(truth), null, new PrintStream(new ByteArrayOutputStream()))
                .onStep((step, p, r) -> {
                    losses.add(r.loss());
                    worstNormError = Math.max(worstNormError, SaeTrainerTest.worstRowNormError(p.named().get("W_dec").data(), D_SAE, D));
                }).run();
    }

    @Test
    void atLeast90PercentOfTheTrueFeaturesHaveADecoderRowWithCosineAtLeast09() {
        int found = SaeTrainerTest.recovered(truth, trained.named().get("W_dec").data(), D_SAE);
        assertTrue(found >= 0.9 * SaeTrainerTest.TRUE, found + " of " + SaeTrainerTest.TRUE + " true features recovered at cosine >= 0.9");
    }

    @Test
    void decoderRowsHaveUnitNormAfterEveryStepAndInTheReturnedSae() {
        assertEquals(STEPS, losses.size());
        assertTrue(worstNormError < 1e-5, "largest |‖W_dec,i‖ − 1| after a step: " + worstNormError);
        assertTrue(SaeTrainerTest.worstRowNormError(trained.named().get("W_dec").data(), D_SAE, D) < 1e-5, "every row of the returned W_dec");
    }

    @Test
    void theLossDecreasesOnceTheL1PenaltyIsWarmedUp() {
        // The first 5% of steps raise λ from 0; compare the losses just after the warm-up with the last ones.
        int warm = STEPS / 20;
        double after = losses.subList(warm, warm + 20).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(STEPS - 20, STEPS).stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(last < 0.8 * after, "loss just after the L1 warm-up " + after + ", over the last 20 steps " + last);
    }

    /**
     * The returned SAE reads raw activations, and λ means the same at every scale of the data:
     * trained on the same batches times 10, it has the same W_enc and W_dec, biases 10 times
     * larger, so its activations on 10·x are 10 times those on x (relu(10z) = 10 relu(z)).
     */
    @Test
    void theReturnedSaeWorksInTheDataUnitsAndTheRecipeIgnoresTheirScale() throws IOException {
        SaeTrainOptions opt = new SaeTrainOptions(SaeConfig.Architecture.RELU, D_SAE, 0, L1, 3e-3, 200, 1, 200, 100, 10_000);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        ActivationSource raw = new SaeTrainerTest.Superposition(truth);
        ActivationSource times10 = (seed, step) -> {
            ActivationSource.Batch b = raw.batch(seed, step);
            float[] x = b.x().clone();
            for (int i = 0; i < x.length; i++) x[i] *= 10;
            return new ActivationSource.Batch(x, b.n());
        };
        Sae a = new SaeTrainer(relu(), opt, raw, null, quiet).run().toSae();
        Sae b = new SaeTrainer(relu(), opt, times10, null, quiet).run().toSae();
        assertArrayEquals(a.tensors().get("W_dec").data(), b.tensors().get("W_dec").data(), 2e-3f, "W_dec");
        assertArrayEquals(a.tensors().get("W_enc").data(), b.tensors().get("W_enc").data(), 2e-3f, "W_enc");
        ActivationSource.Batch x = raw.batch(99, 0), x10 = times10.batch(99, 0);
        float[] fa = a.encode(Tensor.of(x.x(), x.n(), D)).data(), fb = b.encode(Tensor.of(x10.x(), x10.n(), D)).data();
        double worst = 0, largest = 0;
        for (int i = 0; i < fa.length; i++) {
            worst = Math.max(worst, Math.abs(10 * fa[i] - fb[i]));
            largest = Math.max(largest, fb[i]);
        }
        assertTrue(largest > 1, "features fire on 10·x: " + largest);
        assertTrue(worst < 0.02 * largest, "|10·f(x) − f₁₀(10·x)| up to " + worst + " (largest activation " + largest + ")");
        float[] xhat = a.decode(a.encode(Tensor.of(x.x(), x.n(), D))).data();
        double err = 0, var = 0;
        double[] mean = new double[D];
        for (int r = 0; r < x.n(); r++) for (int j = 0; j < D; j++) mean[j] += x.x()[r * D + j] / (double) x.n();
        for (int r = 0; r < x.n(); r++) {
            for (int j = 0; j < D; j++) {
                double v = x.x()[r * D + j];
                err += (v - xhat[r * D + j]) * (v - xhat[r * D + j]);
                var += (v - mean[j]) * (v - mean[j]);
            }
        }
        assertTrue(1 - err / var > 0.3, "variance explained on the raw data after 200 steps: " + (1 - err / var));
    }
}
