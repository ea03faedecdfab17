package org.circuitscope.grad;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.LayerWeights;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.NormWeights;
import org.circuitscope.model.Rotary;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.WeightViews;
import org.circuitscope.model.Weights;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;

/**
 * Reverse-mode differentiation of {@link org.circuitscope.model.Transformer}'s forward pass:
 * from the activations a forward recorded and dLoss/dLogits, the gradient of every parameter
 * and of the embeddings that enter the residual stream, for every family the forward runs
 * (GPT-2, GPT-NeoX, Llama-style).
 *
 * <p>Stage by stage, with x the stage input, y its output and ∂ the incoming gradient dL/dy
 * (row-vector convention y = x·W + b, as the forward):
 * <ul>
 * <li>affine: dW += xᵀ·∂, db += Σ_rows ∂, dx = ∂·Wᵀ;</li>
 * <li>attention (rotary, grouped-query): {@link AttentionBackward};</li>
 * <li>MLP (plain, gated): {@link MlpBackward};</li>
 * <li>normalisations (LayerNorm, LNPre, RMSNorm, RMSPre): {@link NormBackward};</li>
 * <li>residual additions pass the gradient to both branches; in a parallel block (GPT-NeoX)
 *     attention and MLP both read resid_pre, so its gradient is ∂ plus both halves' input gradients.</li>
 * </ul>
 * Every matrix product goes through {@link Kernels#gemm}/{@link Kernels#gemmBatched}; row-wise
 * work runs on the {@link org.circuitscope.tensor.WorkerPool}.
 *
 * <p>The gradient is that of the plain (unhooked) model at the recorded activations, so the
 * cache must come from a forward without hooks on these weights: {@code runWithCache}, or
 * {@code run(tokens, Backward.cacheOptions(cfg))} which records only what is needed here (and
 * skips the per-head {@code hook_result}). Weights are read at each call, so an optimiser may
 * update their arrays in place between steps. Stateless between calls and safe to share
 * between threads as long as each thread accumulates into its own {@link GradientBuffer}.
 */
public final class Backward {
    private final Weights w;
    private final ModelConfig cfg;
    private final Kernels k = Kernels.get();
    private final NormBackward norms;
    private final AttentionBackward attention;
    private final MlpBackward mlps;

    public Backward(Weights weights) {
        this.w = weights;
        this.cfg = weights.config();
        this.norms = new NormBackward(cfg);
        this.attention = new AttentionBackward(cfg);
        this.mlps = new MlpBackward(cfg);
    }

    public ModelConfig config() { return cfg; }

    /**
     * The hook points the backward pass reads from the cache, for this config: each block's
     * input and normalisation scales, the attention's queries and keys as the scores saw them
     * (rotated for rotary models), values, pattern and z, the MLP's pre-activations (and the
     * gated MLP's linear half) and post-activations, the middle of the stream where a
     * sequential block has one, and the final stream and scale.
     */
    public static Set<String> requiredActivations(ModelConfig cfg) {
        Set<String> s = new LinkedHashSet<>();
        boolean norm = cfg.normalizationType().scales();
        boolean parallel = cfg.architecture().parallelAttnMlp();
        for (int l = 0; l < cfg.nLayers(); l++) {
            s.add(HookPoint.residPre(l));
            if (norm) s.add(HookPoint.ln(l, "ln1", "scale"));
            for (String a : new String[] {HookPoint.queriesUsed(cfg), HookPoint.keysUsed(cfg)}) s.add(HookPoint.attn(l, a));
            for (String a : new String[] {"v", "pattern", "z"}) s.add(HookPoint.attn(l, a));
            if (!cfg.attnOnly()) {
                if (!parallel) s.add(HookPoint.residMid(l));
                if (norm) s.add(HookPoint.ln(l, "ln2", "scale"));
                s.add(HookPoint.mlp(l, "pre"));
                if (cfg.architecture().gatedMlp()) s.add(HookPoint.mlp(l, "pre_linear"));
                s.add(HookPoint.mlp(l, "post"));
            }
        }
        s.addAll(finalResidualHooks(cfg));
        if (norm) s.add(HookPoint.LN_FINAL_SCALE);
        return Set.copyOf(s);
    }

    /** The hooks whose sum is the stream ln_final reads: the last resid_post, or with no layers the embeddings. */
    private static List<String> finalResidualHooks(ModelConfig cfg) {
        if (cfg.nLayers() > 0) return List.of(HookPoint.residPost(cfg.nLayers() - 1));
        return cfg.rotary() ? List.of(HookPoint.EMBED) : List.of(HookPoint.EMBED, HookPoint.POS_EMBED);
    }

    private float[] finalResidual(ActivationCache cache) {
        List<String> hooks = finalResidualHooks(cfg);
        float[] sum = GradOps.read(cache, hooks.getFirst()).clone();
        for (String h : hooks.subList(1, hooks.size())) k.axpy(1f, GradOps.read(cache, h), 0, sum, 0, sum.length);
        return sum;
    }

    /** Forward options that record exactly {@link #requiredActivations}: the cheapest forward to train from. */
    public static RunOptions cacheOptions(ModelConfig cfg) {
        Set<String> need = requiredActivations(cfg);
        return new RunOptions(need::contains, Map.of());
    }

    /** Gradients of every parameter (fresh tensors) and of the embeddings. */
    public Gradients backward(int[] tokens, ActivationCache cache, Tensor dLogits) {
        GradientBuffer g = GradientBuffer.zeros(cfg);
        return run(tokens, cache, dLogits, g);
    }

    /**
     * Adds this sequence's parameter gradients into {@code into} (for a batch); returns its
     * embedding gradients, with {@code params} being {@code into.asMap()} (the running sum).
     */
    public Gradients accumulate(int[] tokens, ActivationCache cache, Tensor dLogits, GradientBuffer into) {
        checkBuffer(into);
        return run(tokens, cache, dLogits, into);
    }

    /** Only the embedding gradients (saliency, integrated gradients): skips every dW; {@code params} is empty. */
    public Gradients inputGradients(int[] tokens, ActivationCache cache, Tensor dLogits) {
        return run(tokens, cache, dLogits, null);
    }

    private void checkBuffer(GradientBuffer into) {
        Map<String, Tensor> have = into.asMap();
        Map<String, int[]> want = Weights.expected(cfg);
        boolean ok = have.size() == want.size();
        for (var e : want.entrySet()) {
            Tensor t = have.get(e.getKey());
            ok &= t != null && Arrays.equals(t.shape(), e.getValue());
        }
        if (!ok) {
            throw new IllegalArgumentException("gradient buffer for model '" + into.config().modelName()
                    + "' does not have the parameters of model '" + cfg.modelName() + "'; make it with GradientBuffer.zeros(config)");
        }
    }

    /** {@code g} null: input gradients only. */
    private Gradients run(int[] tokens, ActivationCache cache, Tensor dLogits, GradientBuffer g) {
        int t = tokens.length, d = cfg.dModel(), v = cfg.dVocab();
        if (!Arrays.equals(tokens, cache.tokens())) {
            throw new IllegalArgumentException("the cache was recorded for other tokens (" + cache.tokens().length
                    + " tokens) than the " + t + " given to the backward pass");
        }
        if (!Arrays.equals(dLogits.shape(), new int[] {t, v})) {
            throw new IllegalArgumentException("dLogits has shape " + Arrays.toString(dLogits.shape())
                    + " but the backward pass needs [" + t + ", " + v + "] (tokens × d_vocab)");
        }
        float[] dl = dLogits.data();

        // The gradients' views mirror the weights' (null: input gradients only).
        WeightViews gv = g == null ? null : g.views();
        // A full run's positions are 0..t-1: the rotations the recorded queries and keys went through.
        Rotary rotary = cfg.rotary() ? Rotary.of(cfg, 0, t) : null;

        // Unembedding.
        var fin = norm(finalResidual(cache), cache, HookPoint.LN_FINAL_SCALE, w.lnFinal(), t);
        if (gv != null) {
            GradOps.columnSums(k, dl, t, v, gv.bU().data());
            k.gemm(true, false, d, v, t, fin.y(), 0, d, dl, 0, v, gv.wU().data(), 0, v, true);
        }
        float[] dy = new float[t * d];
        k.gemm(false, true, t, d, v, dl, 0, v, w.wU().data(), 0, v, dy, 0, d, false);
        float[] dResid = new float[t * d];
        norms.backward(fin, dy, w.lnFinal(), gv == null ? null : gv.lnFinal(), dResid);

        for (int l = cfg.nLayers() - 1; l >= 0; l--) {
            block(cache, l, t, dResid, w.layer(l), gv == null ? null : gv.layer(l), rotary);
        }

        if (gv != null) {
            float[] gE = gv.wE().data();
            for (int i = 0; i < t; i++) k.axpy(1f, dResid, i * d, gE, tokens[i] * d, d);
            if (gv.wPos() != null) k.axpy(1f, dResid, 0, gv.wPos().data(), 0, t * d);
        }
        return new Gradients(g == null ? Map.of() : g.asMap(), Tensor.of(dResid, t, d),
                cfg.rotary() ? null : Tensor.of(dResid.clone(), t, d));
    }

    /** Turns dResid from dL/d(resid_post of block l) into dL/d(its resid_pre), in place; {@code gl} (null: none) receives dW, db. */
    private void block(ActivationCache cache, int l, int t, float[] dResid, LayerWeights lw, LayerWeights gl, Rotary rotary) {
        boolean mlp = !cfg.attnOnly(), parallel = cfg.architecture().parallelAttnMlp();
        float[] residPre = GradOps.read(cache, HookPoint.residPre(l));
        if (mlp && !parallel) {
            var ln2 = norm(GradOps.read(cache, HookPoint.residMid(l)), cache, HookPoint.ln(l, "ln2", "scale"), lw.ln2(), t);
            float[] dx2 = mlps.backward(cache, l, ln2.y(), dResid, t, lw.mlp(), gl == null ? null : gl.mlp());
            norms.backward(ln2, dx2, lw.ln2(), gl == null ? null : gl.ln2(), dResid);
        }
        var ln1 = norm(residPre, cache, HookPoint.ln(l, "ln1", "scale"), lw.ln1(), t);
        float[] dx = attention.backward(cache, l, ln1.y(), dResid, t, lw.attn(), gl == null ? null : gl.attn(), rotary);
        if (mlp && parallel) {
            // Both halves read resid_pre and feed resid_post: the MLP's ∂ is the same dResid as the attention's.
            var ln2 = norm(residPre, cache, HookPoint.ln(l, "ln2", "scale"), lw.ln2(), t);
            float[] dx2 = mlps.backward(cache, l, ln2.y(), dResid, t, lw.mlp(), gl == null ? null : gl.mlp());
            norms.backward(ln2, dx2, lw.ln2(), gl == null ? null : gl.ln2(), dResid);
        }
        norms.backward(ln1, dx, lw.ln1(), gl == null ? null : gl.ln1(), dResid);
    }

    /** The normalisation at input {@code x}, rebuilt with its recorded scale (read only where the config normalises). */
    private NormBackward.Rebuilt norm(float[] x, ActivationCache cache, String scaleName, NormWeights p, int t) {
        float[] s = cfg.normalizationType().scales() ? GradOps.read(cache, scaleName) : null;
        return norms.rebuild(x, s, p, t);
    }
}
