package org.circuitscope.sae.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitscope.sae.SaeConfig;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.train.AdamW;
import org.circuitscope.train.Checkpoint;

/**
 * Trains an SAE on streamed activations: AdamW (β 0.9/0.999, no weight decay) on
 * {@link SaeObjective}, decoder rows rescaled to unit norm after every step, and dead features
 * resampled (Anthropic's "Towards Monosemanticity" recipe, simplified): every
 * {@code resampleEvery} steps a feature that fired on no token for {@code deadAfter} steps gets
 * the direction of a badly reconstructed input of the current batch (drawn with probability ∝
 * its squared error) as decoder row and, scaled to 0.2 × the mean live encoder norm, as encoder
 * column; its bias and Adam moments restart at zero. A checkpoint every
 * {@code checkpointEvery} steps lets a rerun resume where it stopped.
 *
 * <p><b>ReLU's scale.</b> The L1 penalty shrinks every activation by about λ/2 (the minimum of
 * (a − f)² + λf), so a λ means nothing without the data's scale: ReLU training sees the
 * activations times a constant s with E‖s·x‖² = d_in, measured on the first batch (SAELens's
 * {@code normalize_activations: expected_average_only_in}, Anthropic's April 2024 update), so
 * λ = 5 is the same penalty on every hook point. The returned parameters are back in the data's
 * units: relu(z/s) = relu(z)/s, so b_enc and b_dec are divided by s and the decoder rows stay
 * unit vectors (activations read in the model's units). TopK has no λ and trains on raw activations.
 */
public final class SaeTrainer {
    /** Called after every step (and its decoder renormalisation); tests check invariants here. */
    @FunctionalInterface
    public interface StepListener {
        void after(int step, SaeParams params, SaeObjective.Step result);
    }

    private static final String FIRED = "train.last_fired", SCALE = "train.input_scale";

    private final SaeConfig cfg;
    private final SaeTrainOptions opt;
    private final ActivationSource source;
    private final Path checkpointDir;
    private final PrintStream log;
    private StepListener listener = (s, p, r) -> {};

    /** @param checkpointDir where checkpoints go, or null for none (tests) */
    public SaeTrainer(SaeConfig cfg, SaeTrainOptions opt, ActivationSource source, Path checkpointDir, PrintStream log) {
        this.cfg = cfg;
        this.opt = opt;
        this.source = source;
        this.checkpointDir = checkpointDir;
        this.log = log;
    }

    public SaeTrainer onStep(StepListener l) {
        this.listener = l;
        return this;
    }

    /** Trains to {@code opt.steps()} (resuming from a checkpoint when there is one) and returns the parameters. */
    public SaeParams run() throws IOException {
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0);
        int start = 0;
        SaeParams p;
        int[] lastFired = new int[cfg.dSae()];
        float scale;
        Checkpoint ck = checkpointDir == null ? null : Checkpoint.load(checkpointDir);
        if (ck != null) {
            Map<String, Tensor> params = new LinkedHashMap<>(ck.params());
            Tensor fired = params.remove(FIRED);
            Tensor sc = params.remove(SCALE);
            scale = sc == null ? 1f : sc.data()[0];
            p = SaeParams.of(cfg, params);
            adam.restore(ck.optimizer(), ck.step());
            start = ck.step();
            if (fired != null) for (int i = 0; i < lastFired.length; i++) lastFired[i] = (int) fired.data()[i];
            log.printf("resuming from %s at step %d%n", checkpointDir.resolve(Checkpoint.FILE), start);
        } else {
            ActivationSource.Batch first = source.batch(opt.seed(), -1);
            scale = cfg.architecture() == SaeConfig.Architecture.RELU ? inputScale(first.x(), first.n(), cfg.dIn()) : 1f;
            float[] x = scaled(first.x(), scale);
            p = SaeParams.init(cfg, mean(x, first.n(), cfg.dIn()), opt.seed());
            if (scale != 1f) log.printf("relu: activations scaled by %.4g so that E‖x‖² = d_in (%d)%n", scale, cfg.dIn());
        }
        SaeProgress progress = new SaeProgress(log, opt.steps(), start);
        for (int step = start; step < opt.steps(); step++) {
            ActivationSource.Batch b = source.batch(opt.seed(), step);
            SaeObjective.Step r = SaeObjective.evaluate(p, scaled(b.x(), scale), b.n(), opt.l1At(step));
            adam.step(p.named(), r.grads(), opt.lrAt(step));
            p.normalizeDecoder();
            int[] fired = r.fired();
            for (int i = 0; i < fired.length; i++) if (fired[i] > 0) lastFired[i] = step + 1;
            int resampled = 0;
            if (opt.resampleAt(step + 1)) resampled = resample(p, adam, r, b.n(), lastFired, step + 1);
            listener.after(step, p, r);
            progress.step(step + 1, r, b.n(), dead(lastFired, step + 1), resampled);
            if (checkpointDir != null && ((step + 1) % opt.checkpointEvery() == 0 || step + 1 == opt.steps())) {
                Map<String, Tensor> params = new LinkedHashMap<>(p.named());
                float[] f = new float[lastFired.length];
                for (int i = 0; i < f.length; i++) f[i] = lastFired[i];
                params.put(FIRED, Tensor.of(f, f.length));
                params.put(SCALE, Tensor.of(new float[] {scale}, 1));
                new Checkpoint(step + 1, params, adam.state(p.named())).save(checkpointDir);
            }
        }
        progress.done();
        return unscaled(p, scale);
    }

    /** s with E‖s·x‖² = d_in over the batch (1 for a batch of zeros). */
    static float inputScale(float[] x, int n, int d) {
        double sq = 0;
        for (float v : x) sq += (double) v * v;
        return sq > 0 ? (float) Math.sqrt(d * (double) n / sq) : 1f;
    }

    private static float[] scaled(float[] x, float s) {
        if (s == 1f) return x;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * s;
        return y;
    }

    /** The SAE of raw activations from one trained on s·x: biases divided by s, W_enc and the unit W_dec unchanged. */
    private static SaeParams unscaled(SaeParams p, float s) {
        if (s == 1f) return p;
        for (float[] b : new float[][] {p.bEnc.data(), p.bDec.data()}) for (int i = 0; i < b.length; i++) b[i] /= s;
        return p;
    }

    /** Deletes the checkpoint (after the finished SAE is written). */
    public void dropCheckpoint() throws IOException {
        if (checkpointDir != null) Files.deleteIfExists(checkpointDir.resolve(Checkpoint.FILE));
    }

    private int dead(int[] lastFired, int step) {
        int n = 0;
        for (int f : lastFired) if (step - f >= opt.deadAfter()) n++;
        return n;
    }

    private int resample(SaeParams p, AdamW adam, SaeObjective.Step r, int n, int[] lastFired, int step) {
        int d = cfg.dIn(), m = cfg.dSae();
        float[] wEnc = p.wEnc.data(), wDec = p.wDec.data(), bEnc = p.bEnc.data();
        boolean[] dead = new boolean[m];
        int count = 0;
        for (int i = 0; i < m; i++) if (step - lastFired[i] >= opt.deadAfter()) { dead[i] = true; count++; }
        if (count == 0) return 0;
        double liveNorm = 0;
        int live = 0;
        for (int i = 0; i < m; i++) {
            if (dead[i]) continue;
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) wEnc[j * m + i] * wEnc[j * m + i];
            liveNorm += Math.sqrt(s);
            live++;
        }
        double encScale = 0.2 * (live == 0 ? 1 : liveNorm / live);
        double[] cum = new double[n];
        double total = 0;
        for (int row = 0; row < n; row++) cum[row] = total += r.errorSquared()[row];
        SplittableRandom rnd = new SplittableRandom(opt.seed() * 31 + step);
        Map<String, Tensor> state = adam.state(p.named());
        float[] mEnc = state.get("adam.m.W_enc").data(), vEnc = state.get("adam.v.W_enc").data();
        float[] mDec = state.get("adam.m.W_dec").data(), vDec = state.get("adam.v.W_dec").data();
        float[] mB = state.get("adam.m.b_enc").data(), vB = state.get("adam.v.b_enc").data();
        for (int i = 0; i < m; i++) {
            if (!dead[i]) continue;
            int row = Arrays.binarySearch(cum, rnd.nextDouble() * total);
            row = Math.min(n - 1, row < 0 ? -row - 1 : row);
            double s = 0;
            for (int j = 0; j < d; j++) s += (double) r.errors()[row * d + j] * r.errors()[row * d + j];
            double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
            for (int j = 0; j < d; j++) {
                float u = (float) (r.errors()[row * d + j] * inv);
                wDec[i * d + j] = u;
                wEnc[j * m + i] = (float) (u * encScale);
                mEnc[j * m + i] = vEnc[j * m + i] = 0;
                mDec[i * d + j] = vDec[i * d + j] = 0;
            }
            bEnc[i] = 0;
            mB[i] = vB[i] = 0;
            lastFired[i] = step;
        }
        adam.restore(state, adam.stepCount());
        return count;
    }

    static float[] mean(float[] x, int n, int d) {
        double[] s = new double[d];
        for (int r = 0; r < n; r++) for (int j = 0; j < d; j++) s[j] += x[r * d + j];
        float[] out = new float[d];
        for (int j = 0; j < d; j++) out[j] = (float) (s[j] / n);
        return out;
    }
}
