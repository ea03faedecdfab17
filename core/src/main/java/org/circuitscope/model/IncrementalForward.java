package org.circuitscope.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * The forward pass of an edited prompt, recomputing only the positions from the first changed
 * token on (a KV cache, as in generation, but for edits).
 *
 * <p>Why this is exact: attention is causal, so the activations at position i depend only on
 * tokens 0..i. If the new prompt agrees with the cached one on positions &lt; p, every
 * activation of those positions is unchanged, and positions ≥ p read the earlier ones only
 * through each layer's keys and values. So the pass reads K and V for positions &lt; p from the
 * document's {@link KeyValueCache}, computes positions ≥ p with the same arithmetic as
 * {@link Transformer} (queries of the new rows against the keys of all rows), and writes the
 * new rows into the cache in place. The result equals a full run to float rounding (the
 * kernels may sum in another order for a different row count); with p = 0 it is a full run
 * that can also record named activations.
 */
public final class IncrementalForward {
    /** Up to this many new rows, products stream the weights instead of packing them (see {@link #product}). */
    private static final int FEW_ROWS = 8;
    private static final int CHUNK = 2048;
    /** Vocabulary columns of the unembedding between two checkpoints. */
    private static final int UNEMBED_BLOCK = 8192;
    private final ModelConfig cfg;
    private final Weights w;
    private final Kernels k = Kernels.get();

    private IncrementalForward(Transformer model) {
        this.cfg = model.config();
        this.w = model.weights();
    }

    /**
     * Runs {@code tokens} from position {@code from} on, continuing {@code kv} (which must hold
     * these tokens' first {@code from} positions), and writes the new positions' keys, values,
     * queries, final LayerNorm scale, logits rows and scores into it, in place: no earlier row
     * is copied. Returns the activations named by {@code names}, in forward order, which are
     * recorded only when {@code from} is 0 (then they are the whole prompt's, as from {@link
     * Transformer#run}); the logits are only in the cache ({@link KeyValueCache#logitRows}).
     * Writers of one cache run one at a time; one that throws (cancelled) leaves the cache
     * holding the first {@code from} positions.
     */
    public static Map<String, Tensor> extend(Transformer model, KeyValueCache kv, int[] tokens, int from,
                                             Predicate<String> names, Runnable checkpoint) {
        if (!kv.config().equals(model.config())) throw new IllegalArgumentException("the cache belongs to another model");
        kv.writer.lock();
        try {
            int have = kv.reusablePrefix(tokens);
            if (from > have) {
                throw new IllegalArgumentException("the cache agrees with these tokens on " + have + " positions; cannot start at " + from);
            }
            IncrementalForward f = new IncrementalForward(model);
            f.checkTokens(tokens, from);
            kv.begin(from, tokens.length);
            Map<String, Tensor> recorded = f.pass(kv, tokens, from, names.and(n -> !n.equals(HookPoint.LOGITS)),
                    checkpoint == null ? () -> {} : checkpoint);
            kv.commit(tokens);
            return recorded;
        } finally {
            kv.writer.unlock();
        }
    }

    private Map<String, Tensor> pass(KeyValueCache kv, int[] tokens, int from, Predicate<String> names, Runnable checkpoint) {
        int t = tokens.length, n = t - from, d = cfg.dModel();
        State s = new State(kv, t, from, names, checkpoint);
        if (n == 0) return s.done(); // only a shortened prompt: every row is an old one
        float[] we = w.wE().data(), wp = w.wPos().data();
        Tensor embed = Tensor.zeros(n, d), posEmbed = Tensor.zeros(n, d);
        for (int i = 0; i < n; i++) {
            System.arraycopy(we, tokens[from + i] * d, embed.data(), i * d, d);
            System.arraycopy(wp, (from + i) * d, posEmbed.data(), i * d, d);
        }
        s.keep(HookPoint.EMBED, embed);
        s.keep(HookPoint.POS_EMBED, posEmbed);
        Tensor resid = RowOps.add(k, embed, posEmbed);
        for (int l = 0; l < cfg.nLayers(); l++) {
            checkpoint.run();
            resid = block(s, l, resid);
        }
        Tensor x = norm(s, resid, HookPoint.LN_FINAL_SCALE, HookPoint.LN_FINAL_NORMALIZED, w.lnFinal());
        unembed(s, x);
        kv.scoreNewRows(from, tokens);
        return s.done();
    }

    private void checkTokens(int[] tokens, int from) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens to run");
        if (tokens.length > cfg.nCtx()) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the model's context of n_ctx = " + cfg.nCtx());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= cfg.dVocab()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at position " + i + " is outside the vocabulary [0, " + cfg.dVocab() + ")");
            }
        }
        if (from < 0 || from > tokens.length) throw new IllegalArgumentException("first changed position " + from + " is outside 0.." + tokens.length);
    }

    private Tensor block(State s, int l, Tensor residIn) {
        LayerWeights lw = w.layer(l);
        int d = cfg.dModel();
        s.keep(HookPoint.residPre(l), residIn);
        Tensor x = norm(s, residIn, HookPoint.ln(l, "ln1", "scale"), HookPoint.ln(l, "ln1", "normalized"), lw.ln1());
        Tensor attnOut = attention(s, l, x);
        Tensor residMid = RowOps.add(k, residIn, attnOut);
        if (cfg.attnOnly()) {
            s.keep(HookPoint.residPost(l), residMid);
            return residMid;
        }
        s.keep(HookPoint.residMid(l), residMid);
        s.checkpoint.run();
        Tensor x2 = norm(s, residMid, HookPoint.ln(l, "ln2", "scale"), HookPoint.ln(l, "ln2", "normalized"), lw.ln2());
        Tensor mlpOut = mlp(s, l, x2);
        Tensor post = RowOps.add(k, residMid, mlpOut);
        s.keep(HookPoint.residPost(l), post);
        return post;
    }

    private Tensor attention(State s, int l, Tensor x) {
        LayerWeights.Attention a = w.layer(l).attn();
        int n = x.dim(0), t = s.t, from = s.from, d = cfg.dModel(), h = cfg.nHeads(), dh = cfg.dHead(), hd = h * dh;
        Tensor[] qkv = new Tensor[3];
        String[] which = {"Q", "K", "V"};
        for (int i = 0; i < 3; i++) {
            Tensor out = Tensor.zeros(n, h, dh);
            product(h, n, dh, d, x.data(), 0, d, 0, a.wQkv().get(i).data(), 0, dh, d * dh, out.data(), 0, hd, dh);
            RowOps.addRowBias(k, out.data(), n, a.bQkv().get(i).data());
            qkv[i] = out;
            s.checkpoint.run();
        }
        s.keep(HookPoint.attn(l, "q"), qkv[0]);
        // Keys and values of every position: the old rows are what the new queries attend to.
        float[] keys = s.kv.keys(l), values = s.kv.values(l);
        KeyValueCache.writeRows(s.kv.queries(l), from, qkv[0].data(), n, hd);
        KeyValueCache.writeRows(keys, from, qkv[1].data(), n, hd);
        KeyValueCache.writeRows(values, from, qkv[2].data(), n, hd);
        s.keep(HookPoint.attn(l, "k"), qkv[1]);
        s.keep(HookPoint.attn(l, "v"), qkv[2]);

        String scoresName = HookPoint.attn(l, "attn_scores"), patternName = HookPoint.attn(l, "pattern");
        // Scores nobody records go into one buffer that every layer of the pass overwrites ([head, pos, pos] is
        // ~50 MB a layer at 1,000 tokens of GPT-2 small), and the softmax works in place unless they are recorded.
        Tensor scores = s.wants(scoresName) || s.wants(patternName) ? Tensor.zeros(h, n, t) : s.scoresBuffer(h, n, t);
        k.gemmBatched(h, false, true, n, t, dh, qkv[0].data(), 0, hd, dh, keys, 0, hd, dh, scores.data(), 0, t, n * t, false);
        float inv = (float) (1.0 / Math.sqrt(dh));
        float[] sd = scores.data();
        WorkerPool.parallelFor(h * n, r -> {
            int q = from + r % n, off = r * t;
            for (int j = 0; j <= q; j++) sd[off + j] *= inv;
            for (int j = q + 1; j < t; j++) sd[off + j] = Float.NEGATIVE_INFINITY;
        });
        s.keepSquare(scoresName, scores);
        Tensor pattern = s.wants(scoresName) ? scores.copy() : scores;
        float[] pd = pattern.data();
        WorkerPool.parallelFor(h * n, r -> {
            int q = from + r % n, off = r * t;
            k.softmax(pd, off, q + 1);
            Arrays.fill(pd, off + q + 1, off + t, 0f);
        });
        s.keepSquare(patternName, pattern);

        Tensor z = Tensor.zeros(n, h, dh);
        k.gemmBatched(h, false, false, n, dh, t, pattern.data(), 0, t, n * t, values, 0, hd, dh, z.data(), 0, hd, dh, false);
        s.keep(HookPoint.attn(l, "z"), z);
        KeyValueCache.writeRows(s.kv.z(l), from, z.data(), n, hd);

        Tensor attnOut = Tensor.zeros(n, d);
        String resultName = HookPoint.attn(l, "result");
        if (s.wants(resultName)) {
            Tensor result = Tensor.zeros(n, h, d);
            k.gemmBatched(h, false, false, n, d, dh, z.data(), 0, hd, dh, a.wO().data(), 0, d, dh * d, result.data(), 0, h * d, d, false);
            s.keep(resultName, result);
            float[] rd = result.data(), od = attnOut.data();
            WorkerPool.parallelFor(n, i -> {
                for (int hh = 0; hh < h; hh++) k.axpy(1f, rd, (i * h + hh) * d, od, i * d, d);
            });
        } else {
            product(1, n, d, hd, z.data(), 0, hd, 0, a.wO().data(), 0, d, 0, attnOut.data(), 0, d, 0);
        }
        RowOps.addRowBias(k, attnOut.data(), n, a.bO().data());
        s.keep(HookPoint.attnOut(l), attnOut);
        return attnOut;
    }

    private Tensor mlp(State s, int l, Tensor x) {
        LayerWeights.Mlp m = w.layer(l).mlp();
        int n = x.dim(0), dm = cfg.dMlp();
        Tensor hPre = Tensor.zeros(n, dm);
        affine(x, m.wIn(), m.bIn(), hPre);
        String preName = HookPoint.mlp(l, "pre");
        s.keep(preName, hPre);
        s.checkpoint.run();
        Tensor post = s.wants(preName) ? hPre.copy() : hPre; // the activation in place unless hook_pre is recorded
        float[] pd = post.data();
        WorkerPool.parallelFor(n, i -> {
            switch (cfg.actFn()) {
                case GELU_NEW -> k.geluNew(pd, i * dm, dm);
                case GELU -> k.gelu(pd, i * dm, dm);
                case RELU -> k.relu(pd, i * dm, dm);
            }
        });
        s.keep(HookPoint.mlp(l, "post"), post);
        Tensor out = Tensor.zeros(n, cfg.dModel());
        affine(post, m.wOut(), m.bOut(), out);
        s.keep(HookPoint.mlpOut(l), out);
        return out;
    }

    private Tensor norm(State s, Tensor x, String scaleName, String normName, NormWeights nw) {
        if (cfg.normalizationType() == Normalization.NONE) return x;
        int n = x.dim(0), d = cfg.dModel();
        boolean affine = nw != null;
        float[] lw = affine ? nw.w().data() : null, lb = affine ? nw.b().data() : null;
        Tensor scale = Tensor.zeros(n, 1), out = Tensor.zeros(n, d);
        float[] xs = x.data(), os = out.data(), ss = scale.data();
        WorkerPool.parallelFor(n, i -> ss[i] = k.layerNorm(xs, i * d, os, i * d, d, (float) cfg.eps(), lw, lb));
        s.keep(scaleName, scale);
        s.keep(normName, out);
        return out;
    }

    /**
     * The new positions' logits rows, x·W_U + b_U, into the cache, in blocks of vocabulary
     * columns with a checkpoint after each: for a few new rows the unembedding streams all of
     * W_U (154 MB for GPT-2), the longest stretch of a pass without one otherwise. Each block
     * goes through one [n, block] buffer rather than a whole [n, d_vocab] array, which a full
     * pass over 1,000 tokens of GPT-2 would allocate (201 MB) only to copy into the cache.
     */
    private void unembed(State s, Tensor x) {
        int n = x.dim(0), in = x.dim(1), v = cfg.dVocab();
        float[] wu = w.wU().data(), bu = w.bU().data();
        // Rows 8,192 floats apart would map to the same cache sets: pad the stride off a power of two.
        int stride = Math.min(UNEMBED_BLOCK, v) + 16;
        float[] block = new float[n * stride];
        for (int c0 = 0; c0 < v; c0 += UNEMBED_BLOCK) {
            int len = Math.min(UNEMBED_BLOCK, v - c0);
            product(1, n, len, in, x.data(), 0, in, 0, wu, c0, v, 0, block, 0, stride, 0);
            s.kv.writeLogitColumns(s.from, n, c0, len, block, stride, bu);
            s.checkpoint.run();
        }
    }

    private void affine(Tensor x, Tensor wm, Tensor bias, Tensor out) {
        int n = x.dim(0), in = x.dim(1), m = out.dim(1);
        product(1, n, m, in, x.data(), 0, in, 0, wm.data(), 0, m, 0, out.data(), 0, m, 0);
        RowOps.addRowBias(k, out.data(), n, bias.data());
    }

    /**
     * {@code batch} products C[n, m] = A[n, kk]·B[kk, m] (B not transposed; C overwritten), as
     * {@link Kernels#gemmBatched}. An edit at the end computes one or a few rows, and then a
     * packing GEMM spends its time copying the weight matrix into panels; streaming each
     * weight row once through axpy (columns split in chunks across the pool) reads it just once.
     */
    private void product(int batch, int n, int m, int kk, float[] a, int aOff, int lda, int aStride,
                         float[] b, int bOff, int ldb, int bStride, float[] c, int cOff, int ldc, int cStride) {
        if (n > FEW_ROWS) {
            k.gemmBatched(batch, false, false, n, m, kk, a, aOff, lda, aStride, b, bOff, ldb, bStride, c, cOff, ldc, cStride, false);
            return;
        }
        int chunks = (m + CHUNK - 1) / CHUNK;
        WorkerPool.parallelFor(batch * chunks, job -> {
            int bt = job / chunks, c0 = (job % chunks) * CHUNK, len = Math.min(CHUNK, m - c0);
            int ao = aOff + bt * aStride, bo = bOff + bt * bStride + c0, co = cOff + bt * cStride + c0;
            for (int i = 0; i < n; i++) Arrays.fill(c, co + i * ldc, co + i * ldc + len, 0f);
            // Row p of B's chunk stays in L1 while it is added to every row of C.
            for (int p = 0; p < kk; p++) {
                for (int i = 0; i < n; i++) k.axpy(a[ao + i * lda + p], b, bo + p * ldb, c, co + i * ldc, len);
            }
        });
    }



    /** What is recorded: a full pass's activations when asked for (an edit's earlier rows are only in the cache). */
    private final class State {
        final KeyValueCache kv;
        final int t, from;
        final Predicate<String> names;
        /**
         * Also run after each large product (Q, K, V, the MLP's first half) and between a block's
         * attention and MLP: a pass answers cancellation (and a server's requests) several times a layer.
         */
        final Runnable checkpoint;
        final Map<String, Tensor> stored = new LinkedHashMap<>();

        State(KeyValueCache kv, int t, int from, Predicate<String> names, Runnable checkpoint) {
            this.kv = kv;
            this.t = t;
            this.from = from;
            this.names = names;
            this.checkpoint = checkpoint;
        }

        Map<String, Tensor> done() {
            return java.util.Collections.unmodifiableMap(stored);
        }

        /** Recorded only by a full pass (from 0), when asked for. */
        boolean wants(String name) {
            return from == 0 && names.test(name);
        }

        /** Records a per-position activation [t, ...] of a full pass; the final scale's new rows also go to the cache. */
        void keep(String name, Tensor fresh) {
            if (name.equals(HookPoint.LN_FINAL_SCALE)) KeyValueCache.writeRows(kv.finalScale(), from, fresh.data(), fresh.dim(0), 1);
            if (wants(name)) stored.put(name, fresh);
        }

        /** Attention scores of this pass that nobody records: one buffer for every layer. */
        private float[] scores;

        Tensor scoresBuffer(int h, int n, int t) {
            if (scores == null) scores = new float[h * n * t];
            return Tensor.of(scores, h, n, t);
        }

        /** Records [head, t, t] scores or pattern of a full pass (computed as [head, n = t, t]). */
        void keepSquare(String name, Tensor fresh) {
            if (wants(name)) stored.put(name, fresh.reshape(cfg.nHeads(), t, t));
        }
    }
}
