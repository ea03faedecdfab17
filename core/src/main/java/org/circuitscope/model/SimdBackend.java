package org.circuitscope.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitscope.tensor.Tensor;

/** The default {@link Backend}: core's one {@link Forward} pass on the Vector API kernels, on the heap. */
public final class SimdBackend implements Backend {
    public static final String NAME = "simd";

    private final Weights w;

    public SimdBackend(Weights weights) { this.w = weights; }

    @Override public String name() { return NAME; }

    @Override public String device() { return "cpu"; }

    @Override
    public ActivationCache run(int[] tokens, RunOptions opt) {
        ModelConfig cfg = w.config();
        Forward.check(cfg, tokens, 0);
        Tensor logits = Tensor.zeros(tokens.length, cfg.dVocab());
        Recorder rec = new Recorder(opt);
        new Forward(w, 0, tokens.length, new PassMemory.Own(logits), rec, () -> {}).run(tokens);
        logits = rec.hook(HookPoint.LOGITS, logits);
        return new ActivationCache(tokens, rec.stored(), logits);
    }

    /**
     * Prompts of one length run as one pass with their rows stacked (up to {@link #STACK_ROWS}
     * rows a pass): each product with a weight is one gemm that packs the weight once for all of
     * them, where one pass per prompt would pack it again for each. Attention, hooks and records
     * stay per prompt; every row's arithmetic is that of the prompt's own pass up to the kernels'
     * summation order for another row count. Other batches, and rotary models, run prompt by prompt.
     */
    @Override
    public List<ActivationCache> runBatch(List<int[]> prompts, RunOptions opt) {
        ModelConfig cfg = w.config();
        int t = prompts.isEmpty() ? 0 : prompts.getFirst().length;
        if (prompts.size() < 2 || cfg.rotary() || prompts.stream().anyMatch(p -> p.length != t)) return Backend.super.runBatch(prompts, opt);
        for (int[] p : prompts) Forward.check(cfg, p, 0);
        int per = Math.max(1, STACK_ROWS / t);
        List<ActivationCache> out = new ArrayList<>(prompts.size());
        for (int i0 = 0; i0 < prompts.size(); i0 += per) {
            List<int[]> group = prompts.subList(i0, Math.min(prompts.size(), i0 + per));
            if (group.size() == 1) { out.add(run(group.getFirst(), opt)); continue; }
            int s = group.size();
            int[] stacked = new int[s * t];
            Tensor[] logits = new Tensor[s];
            Recorder[] recs = new Recorder[s];
            for (int j = 0; j < s; j++) {
                System.arraycopy(group.get(j), 0, stacked, j * t, t);
                recs[j] = new Recorder(opt);
            }
            new Forward(w, 0, t, new PassMemory.Stacked(logits, t, cfg.dVocab()), recs, () -> {}).run(stacked);
            for (int j = 0; j < s; j++) out.add(new ActivationCache(group.get(j), recs[j].stored(), recs[j].hook(HookPoint.LOGITS, logits[j])));
        }
        return out;
    }

    /** Rows of one stacked pass: its activations ([rows, d_mlp] the largest) stay tens of MB for GPT-2's shape. */
    static final int STACK_ROWS = 2048;

    @Override
    public Map<String, Tensor> extend(KeyValueCache.Writer out, int[] tokens, RunOptions opt, Runnable checkpoint) {
        Recorder rec = new Recorder(opt);
        new Forward(w, out.from(), tokens.length, new PassMemory.Cache(out.kv(), out.from(), out.pending()), rec, checkpoint).run(tokens);
        return rec.stored();
    }

    /** The provider ServiceLoader finds in core. */
    public static final class Provider implements BackendProvider {
        @Override public String name() { return NAME; }

        @Override public Backend open(Weights weights) { return new SimdBackend(weights); }
    }
}
