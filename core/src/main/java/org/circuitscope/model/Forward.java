package org.circuitscope.model;

import java.util.Arrays;
import org.circuitscope.tensor.WeightGemm;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * The one forward pass: positions {@code [from, t)} of a prompt, reading the keys and values of
 * positions {@code < from} from a {@link PassMemory} and leaving the new rows there (llama3.java's
 * {@code forward} over its KV cache, for many rows at once). A full run ({@link Transformer#run})
 * is the pass from 0 that keeps nothing beyond itself; an edit ({@link IncrementalForward#extend})
 * continues a document's {@link KeyValueCache} from its first changed token.
 *
 * <p>Why a pass from p is exact: attention is causal, so the activations at position i depend
 * only on tokens 0..i, and positions ≥ p read earlier ones only through each layer's keys and
 * values. The result equals a full run to float rounding (kernels may sum in another order for
 * another row count).
 *
 * <p>Every hook point goes through {@link Recorder#hook}, which records and runs hooks. Memory:
 * a tensor nobody records or hooks is not copied: the softmax runs in the scores' array and the
 * MLP activation in hook_pre's; unrecorded scores and patterns are never made whole (attention
 * runs by blocks of query rows, {@link #attentionByBlocks}), and without hook_result the
 * attention output is one product z·W_O. Not thread-safe: one per pass.
 */
final class Forward {
    /** Up to this many new rows (typing), attention is one batched product over its small [head, n, t] array. */
    private static final int FEW_ROWS = 8;
    /** Vocabulary columns of the unembedding between two checkpoints. */
    private static final int UNEMBED_BLOCK = 8192;

    private final ModelConfig cfg;
    private final Weights w;
    private final Kernels k = Kernels.get();
    /** Products with the weights: streamed for a few rows, converted as read where kept in 16 bits. */
    private final WeightGemm weightGemm = new WeightGemm(k);
    private final PassMemory memory;
    /**
     * One recorder per prompt: a batch of equal-length prompts from position 0 runs as one pass
     * with their rows stacked ({@link #segments}), so every product with a weight is one big
     * gemm that packs the weight once; attention stays within each prompt.
     */
    private final Recorder[] recs;
    /** Prompts stacked row-wise: rows [s·(t − from), (s+1)·(t − from)) are prompt s. 1 for one prompt. */
    private final int segments;
    /**
     * Run at each layer, after each large product (Q, K, V, the MLP's first half), between a
     * block's attention and MLP and after each unembedding block: a pass answers cancellation
     * (and a server's requests) several times a layer.
     */
    private final Runnable checkpoint;
    private final int from, t;
    /** The rotary angles of this pass's positions, made at the first layer that needs them. */
    private Rotary rotary;

    Forward(Weights weights, int from, int t, PassMemory memory, Recorder rec, Runnable checkpoint) {
        this(weights, from, t, memory, new Recorder[] {rec}, checkpoint);
    }

    /**
     * A pass over {@code recs.length} prompts of t tokens each, stacked row-wise, from position 0
     * (the keys and values are the pass's own). Rotary models run one prompt at a time: the
     * rotation reads a row's position from its row index.
     */
    Forward(Weights weights, int from, int t, PassMemory memory, Recorder[] recs, Runnable checkpoint) {
        this.w = weights;
        this.cfg = weights.config();
        this.from = from;
        this.t = t;
        this.memory = memory;
        this.recs = recs.clone();
        this.segments = recs.length;
        this.checkpoint = checkpoint;
        if (segments > 1 && (from != 0 || cfg.rotary())) throw new IllegalArgumentException("a stacked pass starts at 0 and has no rotary positions");
    }

    /**
     * The hook point {@code name} of a row-stacked tensor [segments·rows, …]: each prompt's
     * recorder sees its own rows (a copy, made only when recorded or hooked); hooks' results are
     * stacked again for the pass to go on with.
     */
    private Tensor hook(String name, Tensor value) {
        if (segments == 1) return recs[0].hook(name, value);
        if (!recs[0].wants(name)) return value;
        int[] shape = value.shape();
        int per = value.size() / segments;
        shape[0] /= segments;
        boolean hooked = recs[0].hooks(name);
        Tensor out = hooked ? Tensor.zeros(value.shape()) : value;
        for (int s = 0; s < segments; s++) {
            Tensor part = Tensor.zeros(shape);
            System.arraycopy(value.data(), s * per, part.data(), 0, per);
            Tensor r = recs[s].hook(name, part);
            if (hooked) System.arraycopy(r.data(), 0, out.data(), s * per, per);
        }
        return out;
    }

    /** Whether the activation outlives its stage (recorded or hooked); every prompt of a batch runs the same options. */
    private boolean wants(String name) { return recs[0].wants(name); }

    /** A clear error for an empty prompt, one longer than n_ctx, a token outside the vocabulary or a bad first position. */
    static void check(ModelConfig cfg, int[] tokens, int from) {
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
        if (from < 0 || from > tokens.length) throw new IllegalArgumentException("first changed position " + from + " is outside 0.." + tokens.length);
    }

    /** Runs positions [from, t) of {@code tokens}; the logits rows go to the memory. */
    void run(int[] tokens) {
        int rows = t - from, n = segments * rows, d = cfg.dModel();
        Tensor we = w.wE();
        Tensor embed = Tensor.zeros(n, d);
        // copyTo rather than data(): a 16-bit W_E converts only the rows looked up.
        for (int i = 0; i < n; i++) we.copyTo(tokens[segments == 1 ? from + i : i] * d, embed.data(), i * d, d);
        Tensor resid = hook(HookPoint.EMBED, embed);
        if (!cfg.rotary()) {
            // Learned positions are added to the stream; rotary ones turn queries and keys instead.
            Tensor posEmbed = Tensor.zeros(n, d);
            for (int s = 0; s < segments; s++) w.wPos().copyTo(from * d, posEmbed.data(), s * rows * d, rows * d);
            posEmbed = hook(HookPoint.POS_EMBED, posEmbed);
            resid = RowOps.add(k, resid, posEmbed);
        }
        for (int l = 0; l < cfg.nLayers(); l++) {
            checkpoint.run();
            resid = block(l, resid);
        }
        Normed fin = norm(resid, HookPoint.LN_FINAL_SCALE, HookPoint.LN_FINAL_NORMALIZED, w.lnFinal());
        if (fin.scale != null) memory.finalScale(fin.scale);
        memory.beforeUnembed(w, fin.out);
        unembed(fin.out);
    }

    private Tensor block(int l, Tensor residIn) {
        LayerWeights lw = w.layer(l);
        Tensor residPre = hook(HookPoint.residPre(l), residIn);
        Tensor x = norm(residPre, HookPoint.ln(l, "ln1", "scale"), HookPoint.ln(l, "ln1", "normalized"), lw.ln1()).out;
        Tensor attnOut = attention(l, lw.attn(), x);
        if (cfg.attnOnly()) return hook(HookPoint.residPost(l), RowOps.add(k, residPre, attnOut));
        checkpoint.run();
        if (cfg.architecture().parallelAttnMlp()) {
            // GPT-NeoX: the MLP reads resid_pre too, and both outputs join the stream at once.
            Tensor x2 = norm(residPre, HookPoint.ln(l, "ln2", "scale"), HookPoint.ln(l, "ln2", "normalized"), lw.ln2()).out;
            Tensor mlpOut = mlp(l, lw.mlp(), x2);
            Tensor sum = RowOps.add(k, residPre, attnOut);
            k.axpy(1f, mlpOut.data(), 0, sum.data(), 0, sum.size());
            return hook(HookPoint.residPost(l), sum);
        }
        Tensor residMid = hook(HookPoint.residMid(l), RowOps.add(k, residPre, attnOut));
        Tensor x2 = norm(residMid, HookPoint.ln(l, "ln2", "scale"), HookPoint.ln(l, "ln2", "normalized"), lw.ln2()).out;
        Tensor mlpOut = mlp(l, lw.mlp(), x2);
        return hook(HookPoint.residPost(l), RowOps.add(k, residMid, mlpOut));
    }

    private Tensor attention(int l, LayerWeights.Attention a, Tensor x) {
        int n = x.dim(0), d = cfg.dModel(), h = cfg.nHeads(), kvh = cfg.nKeyValueHeads(), dh = cfg.dHead(), hd = h * dh;
        Tensor q = project(l, "q", x, a.wQ(), a.bQ(), h);
        Tensor kk = project(l, "k", x, a.wK(), a.bK(), kvh);
        Tensor v = project(l, "v", x, a.wV(), a.bV(), kvh);
        if (cfg.rotary()) {
            q = rotate(l, HookPoint.queriesUsed(cfg), q, HookPoint.attn(l, "q"));
            kk = rotate(l, HookPoint.keysUsed(cfg), kk, HookPoint.attn(l, "k"));
        }
        memory.queries(l, q);
        // Keys and values of every position: the earlier rows are what the new queries attend to.
        float[] keys = memory.keys(l, kk), values = memory.values(l, v);
        final Tensor qf = q;

        String scoresName = HookPoint.attn(l, "attn_scores"), patternName = HookPoint.attn(l, "pattern");
        boolean keepScores = wants(scoresName);
        Tensor z = Tensor.zeros(n, h, dh);
        int rows = n / segments;
        // A few rows (typing) have a small [head, n, t] array: whole, as one batched product, is quicker there.
        if (rows > FEW_ROWS && !keepScores && !wants(patternName)) {
            attentionByBlocks(qf.data(), keys, values, z.data(), rows);
        } else {
            // Each prompt of a stack attends within its own rows, and its hooks see its own [head, pos, pos].
            for (int s = 0; s < segments; s++) attentionWhole(s, qf.data(), keys, values, z.data(), rows, keepScores, scoresName, patternName);
        }
        z = hook(HookPoint.attn(l, "z"), z);
        memory.z(l, z);
        return output(l, a, z, n);
    }

    /**
     * Attention of prompt {@code s} (its {@code n} new rows) with the [head, pos, pos] scores and
     * pattern made whole (they are recorded or hooked): scores, then the softmax in their array
     * (or a copy when the scores are kept), then z = pattern·V into the prompt's rows of {@code zdata}.
     */
    private void attentionWhole(int s, float[] qd, float[] keys, float[] values, float[] zdata, int n, boolean keepScores,
                                String scoresName, String patternName) {
        int h = cfg.nHeads(), kvh = cfg.nKeyValueHeads(), dh = cfg.dHead(), hd = h * dh, kvd = kvh * dh;
        // A stacked prompt's first query row and first key row (its keys are its own rows: from is 0 there).
        int q0 = s * n * hd, k0 = s * t * kvd;
        Tensor scores = Tensor.zeros(h, n, t);
        float[] sd = scores.data();
        // Head hh reads key/value head hh / group: a batch of `group` query heads per key head.
        perKeyValueHead((g, group, kvStride) -> k.gemmBatched(group, false, true, n, t, dh, qd, q0 + g * group * dh, hd, dh,
                keys, k0 + g * dh, kvd, kvStride, sd, g * group * n * t, t, n * t, false));
        float inv = (float) (1.0 / Math.sqrt(dh));
        WorkerPool.parallelFor(h * n, r -> {
            int qp = from + r % n, off = r * t;
            for (int j = 0; j <= qp; j++) sd[off + j] *= inv;
            for (int j = qp + 1; j < t; j++) sd[off + j] = Float.NEGATIVE_INFINITY;
        });
        scores = recs[s].hook(scoresName, scores);
        // The softmax in place unless the scores are recorded (or hooked: a hook may keep them).
        Tensor pattern = keepScores ? scores.copy() : scores;
        float[] pd = pattern.data();
        WorkerPool.parallelFor(h * n, r -> {
            int qp = from + r % n, off = r * t;
            k.softmax(pd, off, qp + 1);
            Arrays.fill(pd, off + qp + 1, off + t, 0f);
        });
        pattern = recs[s].hook(patternName, pattern);

        float[] pdata = pattern.data();
        perKeyValueHead((g, group, kvStride) -> k.gemmBatched(group, false, false, n, dh, t, pdata, g * group * n * t, t, n * t,
                values, k0 + g * dh, kvd, kvStride, zdata, q0 + g * group * dh, hd, dh, false));
    }

    /** Query rows per block of {@link #attentionByBlocks}: its scores, [block, t], stay in a core's L2 cache. */
    static final int QUERY_BLOCK = 64;

    /**
     * Attention when nobody records or hooks its scores or pattern (and more than a few rows are
     * new): per prompt, head and block of
     * {@link #QUERY_BLOCK} query rows, the scores against the keys those rows may see (causal: up
     * to the block's last position, not all t), the softmax, and z = pattern·V, all in one
     * [block, t] buffer per worker. No [head, pos, pos] array is written, and the masked half
     * of the products is never computed. Same arithmetic per row as {@link #attentionWhole}.
     */
    private void attentionByBlocks(float[] qd, float[] keys, float[] values, float[] zd, int n) {
        int h = cfg.nHeads(), kvh = cfg.nKeyValueHeads(), dh = cfg.dHead(), hd = h * dh, group = h / kvh, kvd = kvh * dh;
        int blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        float inv = (float) (1.0 / Math.sqrt(dh));
        java.util.concurrent.ConcurrentLinkedDeque<float[]> buffers = rowBuffers;
        WorkerPool.parallelFor(segments * h * blocks, job -> {
            // Later blocks see more keys: start with them so the last jobs are the short ones.
            int s = job / (h * blocks), inSegment = job % (h * blocks);
            int b = blocks - 1 - inSegment / h, hh = inSegment % h, g = hh / group;
            int r0 = b * QUERY_BLOCK, rows = Math.min(QUERY_BLOCK, n - r0), seen = from + r0 + rows;
            int q0 = s * n * hd, k0 = s * t * kvd;
            float[] buf = buffers.pollFirst();
            if (buf == null || buf.length < QUERY_BLOCK * t) buf = new float[QUERY_BLOCK * t];
            try {
                k.gemm(false, true, rows, seen, dh, qd, q0 + r0 * hd + hh * dh, hd, keys, k0 + g * dh, kvd, buf, 0, seen, false);
                for (int i = 0; i < rows; i++) {
                    int qp = from + r0 + i, off = i * seen;
                    for (int j = 0; j <= qp; j++) buf[off + j] *= inv;
                    k.softmax(buf, off, qp + 1);
                    Arrays.fill(buf, off + qp + 1, off + seen, 0f);
                }
                k.gemm(false, false, rows, dh, seen, buf, 0, seen, values, k0 + g * dh, kvd, zd, q0 + r0 * hd + hh * dh, hd, false);
            } finally {
                buffers.addFirst(buf);
            }
        });
    }

    /** The [block, t] buffers of {@link #attentionByBlocks}, one per worker at a time, kept across layers. */
    private final java.util.concurrent.ConcurrentLinkedDeque<float[]> rowBuffers = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** hook_attn_out: z·W_O (through hook_result when that is recorded or hooked) + b_O. */
    private Tensor output(int l, LayerWeights.Attention a, Tensor z, int n) {
        int d = cfg.dModel(), h = cfg.nHeads(), dh = cfg.dHead(), hd = h * dh;
        Tensor attnOut = Tensor.zeros(n, d);
        String resultName = HookPoint.attn(l, "result");
        if (wants(resultName)) {
            Tensor result = Tensor.zeros(n, h, d);
            if (a.wO().dtype().sixteenBit()) {
                weightGemm.gemmBatched(h, n, d, dh, z.data(), 0, hd, dh, a.wO(), 0, d, dh * d, result.data(), 0, h * d, d);
            } else {
                k.gemmBatched(h, false, false, n, d, dh, z.data(), 0, hd, dh, a.wO().data(), 0, d, dh * d, result.data(), 0, h * d, d, false);
            }
            result = hook(resultName, result);
            float[] rd = result.data(), od = attnOut.data();
            WorkerPool.parallelFor(n, i -> {
                for (int hh = 0; hh < h; hh++) k.axpy(1f, rd, (i * h + hh) * d, od, i * d, d);
            });
        } else {
            // Σ_h z_h·W_O[h] is one product of z [n, h*dh] with W_O viewed as [h*dh, d].
            product(1, n, d, hd, z.data(), 0, hd, 0, a.wO(), 0, d, 0, attnOut.data(), 0, d, 0);
        }
        RowOps.addRowBias(k, attnOut.data(), n, a.bO().data());
        return hook(HookPoint.attnOut(l), attnOut);
    }

    /**
     * A batched product per key/value head g over the query heads that read it (batch stride
     * 0 in the keys: they all read the same one). Without grouping, one product over all heads,
     * each reading its own (stride d_head).
     */
    private interface KeyValueGroup { void run(int g, int queryHeads, int kvStride); }

    private void perKeyValueHead(KeyValueGroup job) {
        int h = cfg.nHeads(), kvh = cfg.nKeyValueHeads();
        if (kvh == h) { job.run(0, h, cfg.dHead()); return; }
        for (int g = 0; g < kvh; g++) job.run(g, h / kvh, 0);
    }

    /** x·W + b per head, [n, heads, d_head], recorded as {@code hook_<what>}. */
    private Tensor project(int l, String what, Tensor x, Tensor wm, Tensor bias, int heads) {
        int n = x.dim(0), d = cfg.dModel(), dh = cfg.dHead();
        Tensor out = Tensor.zeros(n, heads, dh);
        // Per head: x[n, d] · W[h] [d, dh] written into the head's column block of [n, heads*dh].
        product(heads, n, dh, d, x.data(), 0, d, 0, wm, 0, dh, d * dh, out.data(), 0, heads * dh, dh);
        RowOps.addRowBias(k, out.data(), n, bias.data());
        out = hook(HookPoint.attn(l, what), out);
        checkpoint.run();
        return out;
    }

    /** Rotary on q or k, recorded as {@code hook_rot_q} / {@code hook_rot_k}; in place unless the unrotated tensor is kept. */
    private Tensor rotate(int l, String what, Tensor x, String unrotatedName) {
        if (rotary == null) rotary = Rotary.of(cfg, from, t);
        Tensor out = wants(unrotatedName) ? x.copy() : x;
        rotary.apply(out.data(), out.dim(0), out.dim(1), out.dim(2));
        return hook(HookPoint.attn(l, what), out);
    }

    private Tensor mlp(int l, LayerWeights.Mlp m, Tensor x) {
        int n = x.dim(0), dm = cfg.dMlp();
        // Gated (TransformerLens's GatedMLP): hook_pre = x·W_gate, hook_pre_linear = x·W_in,
        // hook_post = act(pre) ⊙ pre_linear + b_in.
        String preName = HookPoint.mlp(l, "pre");
        // Unless hook_pre is recorded or hooked, b_in joins each row just before its activation, while
        // the row is in cache: one pass over [n, d_mlp] less (the same sum, p + b, either way).
        float[] fusedBias = !m.gated() && !wants(preName) ? m.bIn().data() : null;
        Tensor hPre = m.gated() ? affine(x, m.wGate(), null, dm) : affine(x, m.wIn(), fusedBias != null ? null : m.bIn(), dm);
        hPre = hook(preName, hPre);
        checkpoint.run();
        Tensor linear = null;
        if (m.gated()) {
            linear = hook(HookPoint.mlp(l, "pre_linear"), affine(x, m.wIn(), null, dm));
            checkpoint.run();
        }
        Tensor post = wants(preName) ? hPre.copy() : hPre; // the activation in place unless hook_pre is kept
        float[] pd = post.data(), ld = linear == null ? null : linear.data(), bin = m.bIn().data();
        WorkerPool.parallelFor(n, i -> {
            if (fusedBias != null) k.axpy(1f, fusedBias, 0, pd, i * dm, dm);
            switch (cfg.actFn()) {
                case GELU_NEW -> k.geluNew(pd, i * dm, dm);
                case GELU -> k.gelu(pd, i * dm, dm);
                case RELU -> k.relu(pd, i * dm, dm);
                case SILU -> k.silu(pd, i * dm, dm);
            }
            if (ld != null) for (int j = 0; j < dm; j++) pd[i * dm + j] = pd[i * dm + j] * ld[i * dm + j] + bin[j];
        });
        post = hook(HookPoint.mlp(l, "post"), post);
        return hook(HookPoint.mlpOut(l), affine(post, m.wOut(), m.bOut(), cfg.dModel()));
    }

    /** A normalisation's output and its scale {@code [pos, 1]} (null without normalisation, when out is the input). */
    private record Normed(Tensor out, Tensor scale) {}

    /**
     * Normalises each row per the config, as TransformerLens 3.x: LayerNorm centres, RMSNorm
     * does not; both divide by scale = sqrt(mean(x²) + eps) (hook_scale), record the result
     * (hook_normalized), and only then apply their own weight (and LayerNorm's bias).
     */
    private Normed norm(Tensor x, String scaleName, String normName, NormWeights nw) {
        Normalization type = cfg.normalizationType();
        if (!type.scales()) return new Normed(x, null);
        int n = x.dim(0), d = cfg.dModel();
        boolean center = type.centers();
        float eps = (float) cfg.eps();
        Tensor scale = Tensor.zeros(n, 1), out = Tensor.zeros(n, d);
        float[] xs = x.data(), os = out.data(), ss = scale.data();
        WorkerPool.parallelFor(n, i -> ss[i] = center ? k.layerNorm(xs, i * d, os, i * d, d, eps, null, null) : rmsNorm(xs, os, i * d, d, eps));
        Tensor hooked = hook(scaleName, scale);
        if (hooked != scale || recs[0].hooks(scaleName)) {
            // A replaced scale (frozen normalisation, patching) must be what divides the (centred) input.
            float[] hs = hooked.data();
            WorkerPool.parallelFor(n, i -> {
                double mean = 0;
                if (center) {
                    for (int j = 0; j < d; j++) mean += xs[i * d + j];
                    mean /= d;
                }
                for (int j = 0; j < d; j++) os[i * d + j] = (float) ((xs[i * d + j] - mean) / hs[i]);
            });
        }
        Tensor normalized = hook(normName, out);
        if (nw == null) return new Normed(normalized, hooked);
        Tensor affine = wants(normName) ? normalized.copy() : normalized;
        float[] ad = affine.data(), lw = nw.w().data(), lb = nw.b() == null ? null : nw.b().data();
        WorkerPool.parallelFor(n, i -> {
            for (int j = 0; j < d; j++) ad[i * d + j] = lb == null ? ad[i * d + j] * lw[j] : ad[i * d + j] * lw[j] + lb[j];
        });
        return new Normed(affine, hooked);
    }

    /** RMSNorm of one row without its weight: out = x / scale, returning scale = sqrt(mean(x²) + eps). */
    private float rmsNorm(float[] x, float[] out, int off, int d, float eps) {
        float scale = (float) Math.sqrt(k.dot(x, off, x, off, d) / d + eps);
        float inv = 1f / scale;
        for (int j = 0; j < d; j++) out[off + j] = x[off + j] * inv;
        return scale;
    }

    /**
     * The new positions' logits rows, x·W_U + b_U, into the memory, in blocks of vocabulary
     * columns with a checkpoint after each: for a few new rows the unembedding streams all of
     * W_U (154 MB for GPT-2), the longest stretch of a pass without one otherwise. Each block
     * goes through one [n, block] buffer, so a document's cache never holds a whole [n, d_vocab]
     * array only to copy it into its rows.
     */
    private void unembed(Tensor x) {
        int n = x.dim(0), in = x.dim(1), v = cfg.dVocab();
        Tensor wu = w.wU();
        float[] bu = w.bU().data();
        // Rows 8,192 floats apart would map to the same cache sets: pad the stride off a power of two.
        int stride = Math.min(UNEMBED_BLOCK, v) + 16;
        float[] block = new float[n * stride];
        for (int c0 = 0; c0 < v; c0 += UNEMBED_BLOCK) {
            int len = Math.min(UNEMBED_BLOCK, v - c0);
            product(1, n, len, in, x.data(), 0, in, 0, wu, c0, v, 0, block, 0, stride, 0);
            memory.logitColumns(n, c0, len, block, stride, bu);
            checkpoint.run();
        }
    }

    /** x·W + b for x [n, in], W [in, width] (b null for none): a new [n, width] tensor. */
    private Tensor affine(Tensor x, Tensor wm, Tensor bias, int width) {
        int n = x.dim(0), in = x.dim(1);
        Tensor out = Tensor.zeros(n, width);
        product(1, n, width, in, x.data(), 0, in, 0, wm, 0, width, 0, out.data(), 0, width, 0);
        if (bias != null) RowOps.addRowBias(k, out.data(), n, bias.data());
        return out;
    }

    /**
     * {@code batch} products C[n, m] = A[n, kk]·B[kk, m] with B a weight (not transposed; C
     * overwritten), as {@link Kernels#gemmBatched}. An edit at the end computes one or a few
     * rows: {@link WeightGemm} then streams each weight row once rather than packing the matrix,
     * and a weight kept in 16 bits is converted as it is read.
     */
    private void product(int batch, int n, int m, int kk, float[] a, int aOff, int lda, int aStride,
                         Tensor weight, int bOff, int ldb, int bStride, float[] c, int cOff, int ldc, int cStride) {
        weightGemm.gemmBatched(batch, n, m, kk, a, aOff, lda, aStride, weight, bOff, ldb, bStride, c, cOff, ldc, cStride);
    }
}
