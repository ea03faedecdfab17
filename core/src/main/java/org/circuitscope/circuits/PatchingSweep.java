package org.circuitscope.circuits;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;

/**
 * TransformerLens's activation-patching sweeps ({@code transformer_lens.patching}): run the clean
 * prompt once per site with that one activation taken from the corrupt prompt, and record the
 * metric. Three sweeps, one forward pass per cell:
 * <ul>
 * <li>{@code resid_pre} ({@code get_act_patch_resid_pre}): blocks.l.hook_resid_pre at one position, [layer × pos];</li>
 * <li>{@code attn_out} ({@code get_act_patch_attn_out}): blocks.l.hook_attn_out at one position, [layer × pos];</li>
 * <li>{@code attn_head_out_all_pos} ({@code get_act_patch_attn_head_out_all_pos}): one head's
 *   blocks.l.attn.hook_z at every position, [layer × head].</li>
 * </ul>
 * Values are raw metrics; {@link #normalized} is the notebooks' (patched − corrupt) / (clean − corrupt).
 * Patching here goes from corrupt into clean (noising), so 1 means the site did not matter and 0
 * that the corrupt activation at this one site alone gives the corrupt metric: patching every
 * position of layer 0's resid_pre gives exactly 0.
 */
public final class PatchingSweep {
    private PatchingSweep() {}

    /** One sweep's metric per [layer][column]; {@code columns} is "position" or "head". */
    public record Grid(String name, String hook, String columns, double[][] values) {}

    /** The clean and corrupt runs' metric and the three sweeps. */
    public record Result(double clean, double corrupt, Grid residPre, Grid attnOut, Grid headOut) {
        public List<Grid> grids() { return List.of(residPre, attnOut, headOut); }
    }

    /**
     * Patches from {@code corrupt} into {@code clean}. {@code checkpoint} runs before each
     * forward pass (a server passes its cancellation check).
     */
    public static Result run(Transformer model, int[] clean, int[] corrupt, PatchingMetric metric, Runnable checkpoint) {
        ModelConfig c = model.config();
        if (clean.length != corrupt.length) {
            throw new IllegalArgumentException("patching needs two prompts of the same length: the clean prompt has " + clean.length
                    + " tokens, the corrupt one " + corrupt.length);
        }
        if (clean.length == 0) throw new IllegalArgumentException("patching needs a prompt with at least one token");
        metric.validate(c.dVocab(), clean.length);
        int t = clean.length, layers = c.nLayers(), heads = c.nHeads();
        Set<String> names = new LinkedHashSet<>();
        for (int l = 0; l < layers; l++) {
            for (Patching.Site s : new Patching.Site[] {Patching.Site.RESID_PRE, Patching.Site.ATTN_OUT, Patching.Site.Z}) {
                names.add(new Patching.Patch(s, l, 0, -1).hookName());
            }
        }
        checkpoint.run();
        ActivationCache source = model.run(corrupt, new RunOptions(names::contains, java.util.Map.of()));
        double corruptMetric = metric.of(clean, source.logits());
        checkpoint.run();
        double cleanMetric = metric.of(clean, model.forward(clean));
        double[][] resid = new double[layers][t], attn = new double[layers][t], head = new double[layers][heads];
        for (int l = 0; l < layers; l++) {
            for (int p = 0; p < t; p++) {
                resid[l][p] = patched(model, clean, source, new Patching.Patch(Patching.Site.RESID_PRE, l, -1, p), metric, checkpoint);
                attn[l][p] = patched(model, clean, source, new Patching.Patch(Patching.Site.ATTN_OUT, l, -1, p), metric, checkpoint);
            }
            for (int h = 0; h < heads; h++) {
                head[l][h] = patched(model, clean, source, new Patching.Patch(Patching.Site.Z, l, h, -1), metric, checkpoint);
            }
        }
        return new Result(cleanMetric, corruptMetric, new Grid("resid_pre", "blocks.{layer}.hook_resid_pre", "position", resid),
                new Grid("attn_out", "blocks.{layer}.hook_attn_out", "position", attn),
                new Grid("attn_head_out_all_pos", "blocks.{layer}.attn.hook_z", "head", head));
    }

    /** The metric of the clean run with {@code patch} taken from {@code source}. */
    static double patched(Transformer model, int[] clean, ActivationCache source, Patching.Patch patch, PatchingMetric metric, Runnable checkpoint) {
        checkpoint.run();
        Tensor logits = model.run(clean, RunOptions.none().withHooks(Patching.hooks(model.config(), source, List.of(patch)))).logits();
        return metric.of(clean, logits);
    }

    /**
     * (patched − corrupt) / (clean − corrupt), or NaN when the two prompts give the same metric
     * (then nothing can be normalised: report the raw values).
     */
    public static double normalized(double patched, double clean, double corrupt) {
        double d = clean - corrupt;
        return d == 0 ? Double.NaN : (patched - corrupt) / d;
    }
}
