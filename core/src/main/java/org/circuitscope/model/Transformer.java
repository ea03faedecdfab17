package org.circuitscope.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * A GPT-2-family decoder with TransformerLens's hook points: token and learned positional
 * embeddings, pre-norm blocks (LN, LNPre or none) of causal multi-head attention and, unless
 * attention-only, an MLP; final norm and unembedding. Right-multiplying weights (x·W) as in
 * TransformerLens. Immutable and safe to share between threads.
 *
 * <p>Each stage writes a fresh tensor, so a stored activation never changes under later
 * stages and a hook's replacement is exactly what the next stage reads.
 */
public final class Transformer {
    private final ModelConfig cfg;
    private final Weights w;
    private final Kernels k = Kernels.get();

    public Transformer(Weights weights) {
        this.w = weights;
        this.cfg = weights.config();
    }

    public ModelConfig config() { return cfg; }

    public Weights weights() { return w; }

    /** Logits {@code [pos, d_vocab]} for exactly these tokens (no BOS is added here). */
    public Tensor forward(int[] tokens) { return run(tokens, RunOptions.none()).logits(); }

    /** Runs and stores every activation (TransformerLens's {@code run_with_cache}). */
    public ActivationCache runWithCache(int[] tokens) { return run(tokens, RunOptions.cacheAll()); }

    /** Runs with a names filter and hooks. */
    public ActivationCache run(int[] tokens, RunOptions opt) {
        checkTokens(tokens);
        Pass p = new Pass(tokens.length, opt);
        int t = tokens.length, d = cfg.dModel();

        Tensor embed = Tensor.zeros(t, d), posEmbed = Tensor.zeros(t, d);
        float[] we = w.wE().data(), wp = w.wPos().data();
        for (int i = 0; i < t; i++) {
            System.arraycopy(we, tokens[i] * d, embed.data(), i * d, d);
            System.arraycopy(wp, i * d, posEmbed.data(), i * d, d);
        }
        embed = p.hook(HookPoint.EMBED, embed);
        posEmbed = p.hook(HookPoint.POS_EMBED, posEmbed);
        Tensor resid = RowOps.add(k, embed, posEmbed);

        for (int l = 0; l < cfg.nLayers(); l++) {
            resid = block(p, l, resid);
        }
        Tensor x = norm(p, resid, "ln_final.hook_scale", "ln_final.hook_normalized", w.lnFinal());
        Tensor logits = Tensor.zeros(t, cfg.dVocab());
        affine(x, w.wU(), w.bU(), logits);
        logits = p.hook(HookPoint.LOGITS, logits);
        return new ActivationCache(tokens, p.stored, logits);
    }

    private void checkTokens(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to run");
        if (tokens.length > cfg.nCtx()) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the model's context of n_ctx = " + cfg.nCtx());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= cfg.dVocab()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at position " + i
                        + " is outside the vocabulary [0, " + cfg.dVocab() + ")");
            }
        }
    }

    private Tensor block(Pass p, int l, Tensor residIn) {
        LayerWeights lw = w.layer(l);
        Tensor residPre = p.hook(HookPoint.residPre(l), residIn);
        Tensor x = norm(p, residPre, HookPoint.ln(l, "ln1", "scale"), HookPoint.ln(l, "ln1", "normalized"), lw.ln1());
        Tensor attnOut = attention(p, l, x);
        if (cfg.attnOnly()) {
            return p.hook(HookPoint.residPost(l), RowOps.add(k, residPre, attnOut));
        }
        Tensor residMid = p.hook(HookPoint.residMid(l), RowOps.add(k, residPre, attnOut));
        Tensor x2 = norm(p, residMid, HookPoint.ln(l, "ln2", "scale"), HookPoint.ln(l, "ln2", "normalized"), lw.ln2());
        Tensor mlpOut = mlp(p, l, x2);
        return p.hook(HookPoint.residPost(l), RowOps.add(k, residMid, mlpOut));
    }

    private Tensor attention(Pass p, int l, Tensor x) {
        LayerWeights.Attention a = w.layer(l).attn();
        int t = x.dim(0), d = cfg.dModel(), h = cfg.nHeads(), dh = cfg.dHead(), hd = h * dh;
        Tensor[] qkv = new Tensor[3];
        String[] which = {"Q", "K", "V"};
        for (int i = 0; i < 3; i++) {
            Tensor out = Tensor.zeros(t, h, dh);
            // Per head: x[t, d] · W[h] [d, dh] written into the head's column block of [t, h*dh].
            k.gemmBatched(h, false, false, t, dh, d,
                    x.data(), 0, d, 0,
                    a.wQkv().get(i).data(), 0, dh, d * dh,
                    out.data(), 0, hd, dh, false);
            RowOps.addRowBias(k, out.data(), t, a.bQkv().get(i).data());
            qkv[i] = p.hook(HookPoint.attn(l, which[i].toLowerCase()), out);
        }
        Tensor q = qkv[0], kk = qkv[1], v = qkv[2];

        Tensor scores = Tensor.zeros(h, t, t);
        k.gemmBatched(h, false, true, t, t, dh,
                q.data(), 0, hd, dh,
                kk.data(), 0, hd, dh,
                scores.data(), 0, t, t * t, false);
        float inv = (float) (1.0 / Math.sqrt(dh));
        float[] s = scores.data();
        WorkerPool.parallelFor(h * t, r -> {
            int i = r % t, off = r * t;
            for (int j = 0; j <= i; j++) s[off + j] *= inv;
            for (int j = i + 1; j < t; j++) s[off + j] = Float.NEGATIVE_INFINITY;
        });
        scores = p.hook(HookPoint.attn(l, "attn_scores"), scores);

        Tensor pattern = scores.copy();
        float[] pd = pattern.data();
        WorkerPool.parallelFor(h * t, r -> {
            int i = r % t, off = r * t;
            k.softmax(pd, off, i + 1);
            java.util.Arrays.fill(pd, off + i + 1, off + t, 0f);
        });
        pattern = p.hook(HookPoint.attn(l, "pattern"), pattern);

        Tensor z = Tensor.zeros(t, h, dh);
        k.gemmBatched(h, false, false, t, dh, t,
                pattern.data(), 0, t, t * t,
                v.data(), 0, hd, dh,
                z.data(), 0, hd, dh, false);
        z = p.hook(HookPoint.attn(l, "z"), z);

        Tensor attnOut = Tensor.zeros(t, d);
        String resultName = HookPoint.attn(l, "result");
        if (p.opt.wants(resultName)) {
            Tensor result = Tensor.zeros(t, h, d);
            k.gemmBatched(h, false, false, t, d, dh,
                    z.data(), 0, hd, dh,
                    a.wO().data(), 0, d, dh * d,
                    result.data(), 0, h * d, d, false);
            result = p.hook(resultName, result);
            float[] rd = result.data(), od = attnOut.data();
            WorkerPool.parallelFor(t, i -> {
                for (int hh = 0; hh < h; hh++) k.axpy(1f, rd, (i * h + hh) * d, od, i * d, d);
            });
        } else {
            // Σ_h z_h·W_O[h] is one product of z [t, h*dh] with W_O viewed as [h*dh, d].
            k.gemm(false, false, t, d, hd, z.data(), 0, hd, a.wO().data(), 0, d, attnOut.data(), 0, d, false);
        }
        RowOps.addRowBias(k, attnOut.data(), t, a.bO().data());
        return p.hook(HookPoint.attnOut(l), attnOut);
    }

    private Tensor mlp(Pass p, int l, Tensor x) {
        LayerWeights.Mlp m = w.layer(l).mlp();
        int t = x.dim(0), dm = cfg.dMlp();
        Tensor hPre = Tensor.zeros(t, dm);
        affine(x, m.wIn(), m.bIn(), hPre);
        hPre = p.hook(HookPoint.mlp(l, "pre"), hPre);
        Tensor post = hPre.copy();
        float[] pd = post.data();
        WorkerPool.parallelFor(t, i -> {
            switch (cfg.actFn()) {
                case GELU_NEW -> k.geluNew(pd, i * dm, dm);
                case GELU -> k.gelu(pd, i * dm, dm);
                case RELU -> k.relu(pd, i * dm, dm);
            }
        });
        post = p.hook(HookPoint.mlp(l, "post"), post);
        Tensor out = Tensor.zeros(t, cfg.dModel());
        affine(post, m.wOut(), m.bOut(), out);
        return p.hook(HookPoint.mlpOut(l), out);
    }

    /** Normalises each row per the config, recording scale [pos, 1] and normalized [pos, d_model]. */
    private Tensor norm(Pass p, Tensor x, String scaleName, String normName, NormWeights nw) {
        if (cfg.normalizationType() == Normalization.NONE) return x;
        int t = x.dim(0), d = cfg.dModel();
        boolean affine = nw != null;
        float[] lw = affine ? nw.w().data() : null, lb = affine ? nw.b().data() : null;
        Tensor scale = Tensor.zeros(t, 1), out = Tensor.zeros(t, d);
        float[] xs = x.data(), os = out.data(), ss = scale.data();
        WorkerPool.parallelFor(t, i -> ss[i] = k.layerNorm(xs, i * d, os, i * d, d, (float) cfg.eps(), lw, lb));
        Tensor hooked = p.hook(scaleName, scale);
        if (hooked != scale || p.opt.hooks().containsKey(scaleName)) {
            // A replaced scale (frozen LayerNorm, patching) must be what divides the centred input.
            float[] hs = hooked.data();
            WorkerPool.parallelFor(t, i -> {
                double mean = 0;
                for (int j = 0; j < d; j++) mean += xs[i * d + j];
                mean /= d;
                for (int j = 0; j < d; j++) {
                    float v = (float) ((xs[i * d + j] - mean) / hs[i]);
                    os[i * d + j] = affine ? v * lw[j] + lb[j] : v;
                }
            });
        }
        return p.hook(normName, out);
    }

    /** out = x·W + b for x [t, in], W [in, outDim]. */
    private void affine(Tensor x, Tensor wm, Tensor bias, Tensor out) {
        int t = x.dim(0), in = x.dim(1), n = out.dim(1);
        k.gemm(false, false, t, n, in, x.data(), 0, in, wm.data(), 0, n, out.data(), 0, n, false);
        RowOps.addRowBias(k, out.data(), t, bias.data());
    }



    /** State of one forward pass: what to record, and what was recorded. */
    private static final class Pass {
        final RunOptions opt;
        final Map<String, Tensor> stored = new LinkedHashMap<>();

        Pass(int tokens, RunOptions opt) { this.opt = opt; }

        Tensor hook(String name, Tensor value) {
            Hook h = opt.hooks().get(name);
            Tensor out = value;
            if (h != null) {
                out = h.apply(value, name);
                if (out == null || !java.util.Arrays.equals(out.shape(), value.shape())) {
                    throw new IllegalStateException("hook on " + name + " must return a tensor of shape "
                            + java.util.Arrays.toString(value.shape()));
                }
            }
            if (opt.names().test(name)) stored.put(name, out);
            return out;
        }
    }
}
