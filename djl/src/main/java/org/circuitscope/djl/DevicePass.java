package org.circuitscope.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.Rotary;
import org.circuitscope.model.RunOptions;
import org.circuitscope.tensor.Tensor;

/**
 * One forward pass on the device over a batch of B prompts, positions [from, t) of each (all
 * padded on the right to t): core's pass ({@code model/Forward}) step for step, in NDArray
 * operations, with the same hook points in the same order. Every array it makes belongs to
 * {@code pass}, or to a layer's sub-manager while it runs (an operation's result belongs to its
 * first operand's manager, so each expression starts from an activation, never from a weight).
 *
 * <p>Why right padding needs no mask of its own: attention is causal, so a real position
 * attends only to earlier positions, which are all real; the padded rows compute garbage that
 * nobody reads (each prompt's rows are cut to its length on the way to the heap).
 *
 * <p>A hook point neither recorded nor hooked stays on the device. A recorded one is copied to
 * the heap per prompt; a hooked one (only when B = 1) is copied, handed to the hook and what
 * it returns is uploaded in its place.
 */
final class DevicePass {
    /** What a pass leaves besides its recordings: the new rows of what a document's cache keeps. */
    record Rows(NDArray[] keysAll, NDArray[] valuesAll, NDArray[] keys, NDArray[] values, NDArray[] queries, NDArray[] z,
                NDArray finalScale, NDArray logits) {}

    private enum Axes { POS, HEAD_POS_POS }

    private final DeviceWeights w;
    private final ModelConfig cfg;
    private final NDManager pass;
    private final RunOptions opt;
    private final int from, t, n, batch;
    private final int[] lengths;
    private final Runnable checkpoint;
    private final List<Map<String, Tensor>> recorded = new ArrayList<>();
    private NDArray rotCos, rotSin, mask;

    /** {@code lengths[b]}: prompt b's real positions (≤ t); hooks need {@code lengths.length == 1}. */
    DevicePass(DeviceWeights w, NDManager pass, RunOptions opt, int from, int t, int[] lengths, Runnable checkpoint) {
        if (!opt.hooks().isEmpty() && lengths.length != 1) throw new IllegalArgumentException("hooks run on one prompt at a time");
        this.w = w;
        this.cfg = w.cfg;
        this.pass = pass;
        this.opt = opt;
        this.from = from;
        this.t = t;
        this.n = t - from;
        this.batch = lengths.length;
        this.lengths = lengths;
        this.checkpoint = checkpoint;
        for (int b = 0; b < batch; b++) recorded.add(new LinkedHashMap<>());
    }

    /** What each prompt recorded, in forward order. */
    List<Map<String, Tensor>> recorded() { return recorded; }

    /**
     * Runs positions [from, t) of {@code tokens} (each of length ≥ t, padded), attending to
     * {@code prefixKeys/Values[l]} {@code [B, n_kv_heads, from, d_head]} for the earlier
     * positions (null when from is 0).
     */
    Rows run(int[][] tokens, NDArray[] prefixKeys, NDArray[] prefixValues) {
        int d = cfg.dModel(), layers = cfg.nLayers();
        float[] we = w.heap.wE().data(), emb = new float[batch * n * d];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) System.arraycopy(we, tokens[b][from + i] * d, emb, (b * n + i) * d, d);
        }
        NDArray resid = hook(HookPoint.EMBED, pass.create(emb, new Shape(batch, n, d)), Axes.POS);
        if (!cfg.rotary()) {
            float[] pos = new float[batch * n * d];
            for (int b = 0; b < batch; b++) System.arraycopy(w.heap.wPos().data(), from * d, pos, b * n * d, n * d);
            resid = resid.add(hook(HookPoint.POS_EMBED, pass.create(pos, new Shape(batch, n, d)), Axes.POS));
        }
        NDArray[] kAll = new NDArray[layers], vAll = new NDArray[layers], k = new NDArray[layers], v = new NDArray[layers],
                q = new NDArray[layers], z = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            checkpoint.run();
            // A layer's intermediates live in its own manager, freed when the layer ends: DJL frees
            // nothing before its manager closes, and a whole pass's intermediates would be gigabytes.
            try (NDManager layer = pass.newSubManager()) {
                resid.tempAttach(layer); // results take the manager of their first operand: this layer's
                resid = block(l, resid, prefixKeys == null ? null : prefixKeys[l], prefixValues == null ? null : prefixValues[l],
                        kAll, vAll, k, v, q, z);
                for (NDArray kept : new NDArray[] {resid, kAll[l], vAll[l], k[l], v[l], q[l], z[l]}) kept.attach(pass);
            }
        }
        Normed fin = norm(resid, HookPoint.LN_FINAL_SCALE, HookPoint.LN_FINAL_NORMALIZED, w.lnFinal);
        NDArray logits = hook(HookPoint.LOGITS, fin.out.matMul(w.wU).add(w.bU), Axes.POS);
        checkpoint.run();
        return new Rows(kAll, vAll, k, v, q, z, fin.scale, logits);
    }

    private NDArray block(int l, NDArray residIn, NDArray preK, NDArray preV,
                          NDArray[] kAll, NDArray[] vAll, NDArray[] kNew, NDArray[] vNew, NDArray[] qNew, NDArray[] zNew) {
        DeviceWeights.Layer lw = w.layers[l];
        NDArray residPre = hook(HookPoint.residPre(l), residIn, Axes.POS);
        NDArray x = norm(residPre, HookPoint.ln(l, "ln1", "scale"), HookPoint.ln(l, "ln1", "normalized"), lw.ln1()).out;
        NDArray attnOut = attention(l, lw, x, preK, preV, kAll, vAll, kNew, vNew, qNew, zNew);
        if (cfg.attnOnly()) return hook(HookPoint.residPost(l), residPre.add(attnOut), Axes.POS);
        checkpoint.run();
        if (cfg.architecture().parallelAttnMlp()) {
            NDArray x2 = norm(residPre, HookPoint.ln(l, "ln2", "scale"), HookPoint.ln(l, "ln2", "normalized"), lw.ln2()).out;
            NDArray mlpOut = mlp(l, lw, x2);
            return hook(HookPoint.residPost(l), residPre.add(attnOut).add(mlpOut), Axes.POS);
        }
        NDArray residMid = hook(HookPoint.residMid(l), residPre.add(attnOut), Axes.POS);
        NDArray x2 = norm(residMid, HookPoint.ln(l, "ln2", "scale"), HookPoint.ln(l, "ln2", "normalized"), lw.ln2()).out;
        return hook(HookPoint.residPost(l), residMid.add(mlp(l, lw, x2)), Axes.POS);
    }

    private NDArray attention(int l, DeviceWeights.Layer lw, NDArray x, NDArray preK, NDArray preV,
                              NDArray[] kAll, NDArray[] vAll, NDArray[] kNew, NDArray[] vNew, NDArray[] qNew, NDArray[] zNew) {
        int h = cfg.nHeads(), kvh = cfg.nKeyValueHeads(), dh = cfg.dHead(), d = cfg.dModel(), group = h / kvh;
        NDArray q = hook(HookPoint.attn(l, "q"), x.matMul(lw.wQ()).add(lw.bQ()).reshape(batch, n, h, dh), Axes.POS);
        NDArray k = hook(HookPoint.attn(l, "k"), x.matMul(lw.wK()).add(lw.bK()).reshape(batch, n, kvh, dh), Axes.POS);
        NDArray v = hook(HookPoint.attn(l, "v"), x.matMul(lw.wV()).add(lw.bV()).reshape(batch, n, kvh, dh), Axes.POS);
        if (cfg.rotary()) {
            q = hook(HookPoint.attn(l, HookPoint.queriesUsed(cfg)), rotate(q), Axes.POS);
            k = hook(HookPoint.attn(l, HookPoint.keysUsed(cfg)), rotate(k), Axes.POS);
        }
        qNew[l] = q;
        kNew[l] = k;
        vNew[l] = v;
        // [B, kv_head, pos, d_head], the earlier positions first: what the new queries attend to.
        NDArray keys = k.transpose(0, 2, 1, 3), values = v.transpose(0, 2, 1, 3);
        if (preK != null) {
            keys = preK.concat(keys, 2);
            values = preV.concat(values, 2);
        }
        kAll[l] = keys;
        vAll[l] = values;
        // Query head g·group + m reads key/value head g: [B, kv_head, group, n, d_head] against [B, kv_head, 1, t, d_head].
        NDArray q5 = q.transpose(0, 2, 1, 3).reshape(batch, kvh, group, n, dh);
        NDArray scores = q5.matMul(keys.reshape(batch, kvh, 1, t, dh).transpose(0, 1, 2, 4, 3)).reshape(batch, h, n, t)
                .mul((float) (1.0 / Math.sqrt(dh))).add(mask());
        scores = hook(HookPoint.attn(l, "attn_scores"), scores, Axes.HEAD_POS_POS);
        NDArray pattern = hook(HookPoint.attn(l, "pattern"), scores.softmax(-1), Axes.HEAD_POS_POS);
        NDArray z = pattern.reshape(batch, kvh, group, n, t).matMul(values.reshape(batch, kvh, 1, t, dh))
                .reshape(batch, h, n, dh).transpose(0, 2, 1, 3);
        z = hook(HookPoint.attn(l, "z"), z, Axes.POS);
        zNew[l] = z;
        String resultName = HookPoint.attn(l, "result");
        NDArray out;
        if (wants(resultName)) {
            NDArray result = z.transpose(0, 2, 1, 3).matMul(lw.wOHeads()).transpose(0, 2, 1, 3); // [B, n, head, d_model]
            out = hook(resultName, result, Axes.POS).sum(new int[] {2}).add(lw.bO());
        } else {
            out = z.reshape(batch, n, h * dh).matMul(lw.wO()).add(lw.bO());
        }
        return hook(HookPoint.attnOut(l), out.reshape(batch, n, d), Axes.POS);
    }

    /** 0 where query row i (position from + i) may read key j, −∞ after it: [n, t], made once a pass. */
    private NDArray mask() {
        if (mask == null) {
            float[] m = new float[n * t];
            for (int i = 0; i < n; i++) Arrays.fill(m, i * t + from + i + 1, (i + 1) * t, Float.NEGATIVE_INFINITY);
            mask = pass.create(m, new Shape(n, t));
        }
        return mask;
    }

    /** Rotary on x {@code [B, n, heads, d_head]} as core's {@link Rotary}: the halves of the first rotary_dim dimensions turn, the rest pass. */
    private NDArray rotate(NDArray x) {
        int half = cfg.architecture().rotaryDim() / 2, dh = cfg.dHead();
        if (rotCos == null) {
            // The same float64 angles as core's table, read back through apply on unit vectors.
            float[] cos = new float[n * half], sin = new float[n * half];
            Rotary r = Rotary.of(cfg, from, t);
            float[] probe = new float[n * 2 * half];
            for (int p = 0; p < n; p++) for (int i = 0; i < half; i++) probe[p * 2 * half + i] = 1f;
            r.apply(probe, n, 1, 2 * half);
            for (int p = 0; p < n; p++) {
                for (int i = 0; i < half; i++) {
                    cos[p * half + i] = probe[p * 2 * half + i];
                    sin[p * half + i] = probe[p * 2 * half + half + i];
                }
            }
            rotCos = pass.create(cos, new Shape(1, n, 1, half));
            rotSin = pass.create(sin, new Shape(1, n, 1, half));
        }
        NDArray x1 = x.get(":, :, :, 0:" + half), x2 = x.get(":, :, :, " + half + ":" + 2 * half);
        NDArray turned = x1.mul(rotCos).sub(x2.mul(rotSin)).concat(x2.mul(rotCos).add(x1.mul(rotSin)), 3);
        return 2 * half == dh ? turned : turned.concat(x.get(":, :, :, " + 2 * half + ":"), 3);
    }

    private NDArray mlp(int l, DeviceWeights.Layer lw, NDArray x) {
        String preName = HookPoint.mlp(l, "pre");
        NDArray post;
        if (lw.wGate() != null) {
            // TransformerLens's GatedMLP: pre = x·W_gate, pre_linear = x·W_in, post = act(pre) ⊙ pre_linear + b_in.
            NDArray pre = hook(preName, x.matMul(lw.wGate()), Axes.POS);
            checkpoint.run();
            NDArray linear = hook(HookPoint.mlp(l, "pre_linear"), x.matMul(lw.wIn()), Axes.POS);
            post = act(pre).mul(linear).add(lw.bIn());
        } else {
            post = act(hook(preName, x.matMul(lw.wIn()).add(lw.bIn()), Axes.POS));
        }
        checkpoint.run();
        post = hook(HookPoint.mlp(l, "post"), post, Axes.POS);
        return hook(HookPoint.mlpOut(l), post.matMul(lw.wOut()).add(lw.bOut()), Axes.POS);
    }

    /** The activation by its formula (not by an engine's named function, whose GELU variant is its own choice). */
    private NDArray act(NDArray x) {
        return switch (cfg.actFn()) {
            case GELU_NEW -> x.mul(0.5f).mul(x.pow(3).mul(0.044715f).add(x).mul((float) Math.sqrt(2 / Math.PI)).tanh().add(1f));
            case GELU -> x.mul(0.5f).mul(x.mul((float) (1 / Math.sqrt(2))).erf().add(1f));
            case RELU -> Activation.relu(x);
            case SILU -> x.mul(Activation.sigmoid(x));
        };
    }

    private record Normed(NDArray out, NDArray scale) {}

    /** As core: LayerNorm centres, RMSNorm does not; both divide by sqrt(mean(x²) + eps) (hook_scale), then apply their weights. */
    private Normed norm(NDArray x, String scaleName, String normName, DeviceWeights.Norm nw) {
        Normalization type = cfg.normalizationType();
        if (!type.scales()) return new Normed(x, null);
        NDArray centred = type.centers() ? x.sub(x.mean(new int[] {-1}, true)) : x;
        NDArray scale = hook(scaleName, centred.square().mean(new int[] {-1}, true).add((float) cfg.eps()).sqrt(), Axes.POS);
        NDArray normalized = hook(normName, centred.div(scale), Axes.POS);
        if (nw == null) return new Normed(normalized, scale);
        NDArray out = normalized.mul(nw.w());
        return new Normed(nw.b() == null ? out : out.add(nw.b()), scale);
    }

    private boolean wants(String name) { return opt.names().test(name) || opt.hooks().containsKey(name); }

    /** Records and hooks {@code name}: the array returned is what the pass continues with. */
    private NDArray hook(String name, NDArray x, Axes axes) {
        Hook h = opt.hooks().get(name);
        boolean keep = opt.names().test(name);
        if (h == null && !keep) return x;
        if (h == null) {
            for (int b = 0; b < batch; b++) recorded.get(b).put(name, toHeap(x, b, axes));
            return x;
        }
        Tensor in = toHeap(x, 0, axes);
        Tensor out = h.apply(in, name);
        if (out == null || !Arrays.equals(out.shape(), in.shape())) {
            throw new IllegalStateException("hook on " + name + " must return a tensor of shape " + Arrays.toString(in.shape()));
        }
        if (keep) recorded.get(0).put(name, out);
        return x.getManager().create(out.data(), x.getShape());
    }

    /** Prompt b's activation on the heap, its position axes cut to its length (batch axis dropped). */
    private Tensor toHeap(NDArray x, int b, Axes axes) {
        int len = lengths[b] - from;
        NDArray one = x.get(b);
        if (len < n) one = axes == Axes.POS ? one.get(":" + len) : one.get(":, :" + len + ", :" + (from + len));
        long[] s = one.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) shape[i] = Math.toIntExact(s[i]);
        return Tensor.of(one.toFloatArray(), shape);
    }
}
