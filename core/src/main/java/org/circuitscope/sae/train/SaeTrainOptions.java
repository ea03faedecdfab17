package org.circuitscope.sae.train;

import org.circuitscope.sae.SaeConfig;

/**
 * How an SAE is trained.
 *
 * @param l1                 λ of the L1 penalty (relu only; warmed up linearly over the first 5% of steps), on
 *                           activations scaled so that E‖x‖² = d_in (see {@link SaeTrainer})
 * @param lr                 AdamW's peak learning rate: 50 warm-up steps, constant, then linear decay to 0 over the last 20%
 * @param resampleEvery      every this many steps, features that fired on no token for {@code deadAfter} steps are resampled
 * @param deadAfter          steps without firing after which a feature counts as dead
 * @param checkpointEvery    steps between checkpoints
 */
public record SaeTrainOptions(SaeConfig.Architecture architecture, int dSae, int k, double l1, double lr, int steps,
                              long seed, int resampleEvery, int deadAfter, int checkpointEvery) {
    public SaeTrainOptions {
        if (dSae <= 0) throw new IllegalArgumentException("--d-sae must be positive, got " + dSae);
        if (steps <= 0) throw new IllegalArgumentException("the number of steps must be positive, got " + steps);
        if (architecture == SaeConfig.Architecture.TOPK && (k <= 0 || k > dSae)) throw new IllegalArgumentException("--k must be in 1.." + dSae + ", got " + k);
        if (architecture == SaeConfig.Architecture.JUMPRELU) throw new IllegalArgumentException("train-sae trains relu and topk SAEs; jumprelu SAEs can be loaded, not trained here");
        if (!(lr > 0)) throw new IllegalArgumentException("the learning rate must be positive, got " + lr);
        if (l1 < 0) throw new IllegalArgumentException("--l1 must be >= 0, got " + l1);
    }

    public double lrAt(int step) {
        double warm = Math.min(1, (step + 1) / 50.0);
        int decayFrom = (int) (steps * 0.8);
        double decay = step < decayFrom ? 1 : Math.max(0, (steps - step) / (double) (steps - decayFrom));
        return lr * warm * decay;
    }

    public double l1At(int step) { return l1 * Math.min(1, (step + 1) / Math.max(1.0, steps * 0.05)); }

    /** Resampling stops for the last 20% of steps, so the last resampled features settle. */
    public boolean resampleAt(int step) {
        return resampleEvery > 0 && step > 0 && step % resampleEvery == 0 && step >= deadAfter && step < steps * 0.8;
    }
}
