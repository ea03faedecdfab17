package org.circuitscope.lsp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.circuitscope.sae.Sae;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.tensor.Tensor;

/**
 * Small SAEs for the shipped models, written with {@link Sae#save} in SAELens's layout: random
 * encoders scaled so that a fair share of features fire on real activations, unit-norm decoder
 * rows. Their features mean nothing; the tests check that the numbers go where they should.
 */
public final class TestSaes {
    public static final Path ATTN_ONLY_2L = Path.of("..", "samples", "models", "attn-only-2l").toAbsolutePath().normalize();
    public static final Path GELU_2L = Path.of("..", "samples", "models", "gelu-2l").toAbsolutePath().normalize();

    private TestSaes() {}

    /** A ReLU SAE {@code name} at {@code hook} (d_in wide) with {@code dSae} features, written to {@code dir/name}. */
    public static Path relu(Path dir, String name, String hook, int dIn, int dSae, long seed) throws IOException {
        return write(dir, new SaeConfig(name, SaeConfig.Architecture.RELU, dIn, dSae, hook, 0, true, "none"), seed);
    }

    /** A TopK SAE with {@code k} features active per token. */
    public static Path topK(Path dir, String name, String hook, int dIn, int dSae, int k, long seed) throws IOException {
        return write(dir, new SaeConfig(name, SaeConfig.Architecture.TOPK, dIn, dSae, hook, k, false, "none"), seed);
    }

    private static Path write(Path dir, SaeConfig cfg, long seed) throws IOException {
        Random r = new Random(seed);
        int dIn = cfg.dIn(), dSae = cfg.dSae();
        float[] wEnc = new float[dIn * dSae], bEnc = new float[dSae], wDec = new float[dSae * dIn], bDec = new float[dIn];
        for (int i = 0; i < wEnc.length; i++) wEnc[i] = (float) (r.nextGaussian() / Math.sqrt(dIn));
        for (int i = 0; i < dSae; i++) bEnc[i] = (float) (r.nextGaussian() * 0.1 - 0.2);
        for (int i = 0; i < dIn; i++) bDec[i] = (float) (r.nextGaussian() * 0.05);
        for (int f = 0; f < dSae; f++) {
            double n = 0;
            for (int j = 0; j < dIn; j++) {
                wDec[f * dIn + j] = (float) r.nextGaussian();
                n += (double) wDec[f * dIn + j] * wDec[f * dIn + j];
            }
            for (int j = 0; j < dIn; j++) wDec[f * dIn + j] /= (float) Math.sqrt(n);
        }
        Sae sae = Sae.of(cfg, Tensor.of(wEnc, dIn, dSae), Tensor.of(bEnc, dSae), Tensor.of(wDec, dSae, dIn), Tensor.of(bDec, dIn), null);
        Path out = dir.resolve(cfg.name());
        Sae.save(sae, out);
        return out;
    }
}
