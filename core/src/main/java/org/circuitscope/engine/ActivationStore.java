package org.circuitscope.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.model.LogitOps;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.PendingLogits;
import org.circuitscope.model.Normalization;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * The activations of one document version under a memory budget. The document's
 * {@link KeyValueCache} (shared by its versions, written in place by each edit's incremental
 * pass) holds every layer's keys, values and queries, the final LayerNorm scale and the logits
 * rows: what the next edit continues from and what hovers read. A full pass also keeps other
 * per-position activations (and patterns) while they fit the budget; anything else is
 * recomputed on demand by a forward pass that records just what was asked for, and kept (least
 * recently used first out) while the budget allows.
 *
 * <p>After an edit only the cache is current: the earlier rows of other activations would have
 * to be copied into new arrays on every keystroke, which is what made long prompts slow to
 * edit, so they are recomputed when a command asks for them.
 */
public final class ActivationStore {
    private final Transformer model;
    private final KeyValueCache kv;
    private final int[] ids;
    private final long budget;
    /** What the first pass kept besides the cache (its logits are in the cache, not here). */
    private final Map<String, Tensor> base;
    private final long baseBytes;
    private final int computedFrom;
    private final LinkedHashMap<String, Tensor> memo = new LinkedHashMap<>(16, 0.75f, true);
    private long memoBytes;
    private ActivationCache extra;
    private long extraBytes;
    private int recomputations;
    private Tensor wholeLogits;
    /** The logits rows from {@code pending.from()} on while the pass has not written them (null once it has). */
    private final PendingLogits pending;

    private ActivationStore(Transformer model, KeyValueCache kv, int[] ids, long budget, Map<String, Tensor> base, int computedFrom) {
        this(model, kv, ids, budget, base, computedFrom, null);
    }

    private ActivationStore(Transformer model, KeyValueCache kv, int[] ids, long budget, Map<String, Tensor> base, int computedFrom,
                            PendingLogits pending) {
        this.pending = pending;
        this.model = model;
        this.kv = kv;
        this.ids = ids;
        this.budget = budget;
        this.base = base;
        this.computedFrom = computedFrom;
        long b = 0;
        for (String n : base.keySet()) b += bytes(model.config(), ids.length, n);
        this.baseBytes = b;
    }

    /** Passes over at most this many new positions run their kernels on the analysis thread alone. */
    static final int SERIAL_ROWS = 16;

    /**
     * Runs {@code ids} from position {@code from} on, continuing {@code kv} (which holds their
     * first {@code from} positions; 0 for a full pass). A full pass keeps what fits in three
     * quarters of the budget beside the cache.
     */
    public static ActivationStore run(Transformer model, KeyValueCache kv, int[] ids, int from, long budgetBytes, Cancel cancel) {
        return run(model, kv, ids, from, budgetBytes, cancel, s -> {});
    }

    /**
     * As {@link #run(Transformer, KeyValueCache, int[], int, long, Cancel)}, handing {@code
     * beforeLogits} a store of every position whose logits rows from {@code from} on are made on
     * demand ({@link #logitsPending()}), once every block is done and before the pass unembeds
     * them: what one token's card reads is there, its own row made alone.
     */
    public static ActivationStore run(Transformer model, KeyValueCache kv, int[] ids, int from, long budgetBytes, Cancel cancel,
                                      Consumer<ActivationStore> beforeLogits) {
        ModelConfig c = model.config();
        Consumer<PendingLogits> pending = p -> beforeLogits.accept(new ActivationStore(model, kv, ids, budgetBytes, Map.of(), from, p));
        Set<String> keep = from == 0 ? chooseBase(c, ids.length, budgetBytes * 3 / 4 - cacheBytes(c, ids.length)) : Set.of();
        // A few new rows (typing) take one core: a request answered meanwhile keeps the other.
        Map<String, Tensor> first = ids.length - from <= SERIAL_ROWS
                ? WorkerPool.serially(() -> IncrementalForward.extend(model, kv, ids, from, keep::contains, cancel::check, pending))
                : IncrementalForward.extend(model, kv, ids, from, keep::contains, cancel::check, pending);
        return new ActivationStore(model, kv, ids, budgetBytes, first, from);
    }

    /**
     * A store of the same tokens over the same cache, for a version whose tokens did not change
     * (front matter, settings): the first pass's activations are shared, what was recomputed or
     * joined on demand is not (it may have been read while another version wrote the cache).
     */
    ActivationStore again() { return new ActivationStore(model, kv, ids, budget, base, ids.length); }

    /** A store of the first {@code prefix.length} positions, which the cache holds for this store's tokens and the prefix's. */
    ActivationStore prefix(int[] prefix) { return new ActivationStore(model, kv, prefix, budget, Map.of(), prefix.length); }

    /** The document's cache this store reads. */
    public KeyValueCache kv() { return kv; }

    public Transformer model() { return model; }

    /** The first position the first pass computed (0 for a full pass; more after an incremental one). */
    public int computedFrom() { return computedFrom; }

    /**
     * Whether this store's logits rows from {@link #computedFrom()} on are still being written by
     * its pass: each is then made on demand from the unembedding's input (one hover, one row).
     */
    public boolean logitsPending() { return pending != null; }

    /** The whole [pos, d_vocab] logits (copied out of the cache's rows on first use). */
    public synchronized Tensor logits() {
        if (wholeLogits == null && pending == null) wholeLogits = kv.logitRows(0, ids.length);
        if (wholeLogits == null) {
            int v = model.config().dVocab();
            Tensor all = Tensor.zeros(ids.length, v);
            for (int p = 0; p < ids.length; p++) {
                Row r = row(p);
                System.arraycopy(r.data(), r.offset(), all.data(), p * v, v);
            }
            wholeLogits = all;
        }
        return wholeLogits;
    }

    /** One logits row: {@code data[offset .. offset + d_vocab)} and its log Σ exp. */
    private record Row(float[] data, int offset, double logSumExp) {}

    /** Logits row p of this store's positions (the cache may hold more, of another version, past them). */
    private Row row(int p) {
        if (p < 0 || p >= ids.length) throw new IndexOutOfBoundsException("logits row " + p + " is outside 0.." + (ids.length - 1));
        if (pending != null && p >= pending.from()) {
            PendingLogits.Row r = pending.row(p);
            return new Row(r.logits(), 0, r.logSumExp());
        }
        KeyValueCache.LogitRow r = kv.logits(p);
        return new Row(r.data(), r.offset(), kv.logSumExp(p));
    }

    /** How logits row {@code p} scores {@code token} (the token after position p): its log-probability and 1-based rank. */
    public KeyValueCache.Score score(int p, int token) {
        if (pending != null && p >= pending.from()) return pending.score(p, token);
        if (p < 0 || p >= ids.length) throw new IndexOutOfBoundsException("logits row " + p + " is outside 0.." + (ids.length - 1));
        return kv.score(p, token);
    }

    /** The k most likely next tokens after position {@code p} with their log-probabilities, largest first. */
    public LogitOps.Scored[] topK(int p, int k) {
        Row r = row(p);
        return LogitOps.topK(r.data(), r.offset(), model.config().dVocab(), r.logSumExp(), k);
    }

    /** log-softmax of logits row {@code p} (its log Σ exp was computed with the row). */
    public double[] logSoftmax(int p) {
        Row r = row(p);
        double lse = r.logSumExp();
        double[] out = new double[model.config().dVocab()];
        for (int i = 0; i < out.length; i++) out[i] = r.data()[r.offset() + i] - lse;
        return out;
    }

    public int length() { return ids.length; }

    /** How many on-demand forward passes this store has made (for tests of the budget). */
    public synchronized int recomputations() { return recomputations; }

    public Tensor get(String name, Cancel cancel) {
        return getAll(List.of(name), cancel).get(name);
    }

    /** The named activations; the missing ones come from one extra forward pass. */
    public synchronized Map<String, Tensor> getAll(List<String> names, Cancel cancel) {
        Map<String, Tensor> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            Tensor held = fromCache(n);
            if (held != null) out.put(n, held);
            else if (base.containsKey(n)) out.put(n, base.get(n));
            else if (memo.containsKey(n)) out.put(n, memo.get(n));
            else missing.add(n);
        }
        if (!missing.isEmpty()) {
            Set<String> want = new HashSet<>(missing);
            recomputations++;
            ActivationCache c = model.run(ids, new RunOptions(want::contains, cancelHooks(model.config(), cancel)));
            for (String n : missing) {
                Tensor t = c.get(n); // throws naming the activation when no such hook point exists
                out.put(n, t);
                remember(n, t);
            }
        }
        return out;
    }

    /**
     * An {@link ActivationCache} holding at least {@code names}, for library code that reads
     * caches: the first pass's when it kept them all, else a fresh pass recording just those.
     */
    public ActivationCache cacheWith(List<String> names, Cancel cancel) {
        if (names.stream().allMatch(base::containsKey)) return ActivationCache.of(ids, base, logits());
        synchronized (this) {
            if (extra != null && names.stream().allMatch(extra::contains)) return extra;
        }
        Set<String> want = new HashSet<>(names);
        synchronized (this) { recomputations++; }
        ActivationCache c = model.run(ids, new RunOptions(want::contains, cancelHooks(model.config(), cancel)));
        long size = 0;
        for (String n : c.names()) if (!n.equals(HookPoint.LOGITS)) size += 4L * c.get(n).size();
        synchronized (this) {
            // The last such cache is kept while it fits beside the first pass (commands often ask twice).
            if (size <= room() - memoBytes) { extra = c; extraBytes = size; }
        }
        return c;
    }

    /** A copy of the cache's rows of {@code name} for this version's positions, or null when the cache does not hold it. */
    private Tensor fromCache(String name) {
        ModelConfig c = model.config();
        int t = ids.length, h = c.nHeads(), kvh = c.nKeyValueHeads(), dh = c.dHead();
        if (name.equals(HookPoint.LN_FINAL_SCALE) && c.normalizationType() != Normalization.NONE) {
            return Tensor.of(Arrays.copyOf(kv.finalScale(), t), t, 1);
        }
        // The cache keeps queries and keys as attention used them: rotated (hook_rot_q/k) for rotary models.
        String q = HookPoint.queriesUsed(c), k = HookPoint.keysUsed(c);
        for (int l = 0; l < c.nLayers(); l++) {
            if (name.equals(HookPoint.attn(l, q))) return Tensor.of(Arrays.copyOf(kv.queries(l), t * h * dh), t, h, dh);
            if (name.equals(HookPoint.attn(l, k))) return Tensor.of(Arrays.copyOf(kv.keys(l), t * kvh * dh), t, kvh, dh);
            if (name.equals(HookPoint.attn(l, "v"))) return Tensor.of(Arrays.copyOf(kv.values(l), t * kvh * dh), t, kvh, dh);
            if (name.equals(HookPoint.attn(l, "z"))) return Tensor.of(Arrays.copyOf(kv.z(l), t * h * dh), t, h, dh);
        }
        return null;
    }

    /**
     * What the budget leaves for activations recomputed on demand: the cache's rows and the
     * first pass's activations count first (the cache alone may exceed a small budget; then
     * nothing else is kept).
     */
    private long room() { return budget - cacheBytes(model.config(), ids.length) - baseBytes; }

    private void remember(String name, Tensor t) {
        long size = 4L * t.size(), room = room() - extraBytes;
        if (size > room) return;
        for (Iterator<Map.Entry<String, Tensor>> it = memo.entrySet().iterator(); memoBytes + size > room && it.hasNext(); ) {
            memoBytes -= 4L * it.next().getValue().size();
            it.remove();
        }
        memo.put(name, t);
        memoBytes += size;
    }

    /** Bytes held (logits excluded): the cache's rows for this prompt, the first pass's other activations and those recomputed. */
    public synchronized long heldBytes() { return cacheBytes(model.config(), ids.length) + baseBytes + memoBytes + extraBytes; }

    /**
     * What the cache holds for {@code t} positions besides the logits: Q and z (n_heads wide), K and
     * V (n_key_value_heads wide) of every layer, and the final scale.
     */
    public static long cacheBytes(ModelConfig c, int t) {
        return 4L * t * (2L * c.nLayers() * (c.nHeads() + c.nKeyValueHeads()) * c.dHead() + 1);
    }

    /**
     * Hooks that only check for cancellation, on activations every pass computes anyway (the
     * LayerNorm scales and per-head results are avoided: hooking them changes what is computed).
     */
    public static Map<String, Hook> cancelHooks(ModelConfig c, Cancel cancel) {
        Map<String, Hook> hooks = new HashMap<>();
        Hook check = (a, n) -> { cancel.check(); return a; };
        hooks.put(HookPoint.EMBED, check);
        for (int l = 0; l < c.nLayers(); l++) {
            hooks.put(HookPoint.residPre(l), check);
            hooks.put(HookPoint.attnOut(l), check);
            if (!c.attnOnly()) hooks.put(HookPoint.mlpOut(l), check);
        }
        return hooks;
    }

    /**
     * What the first pass keeps besides the cache (which holds K, V, Q and the final scale):
     * per-position activations, then patterns, MLP, scores, while they fit in {@code budget}.
     */
    static Set<String> chooseBase(ModelConfig c, int t, long budget) {
        Set<String> keep = new LinkedHashSet<>();
        long used = 0;
        List<List<String>> tiers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (String n : HookPoint.all(c)) {
            if (n.equals(HookPoint.LOGITS) || n.endsWith("hook_result") || heldByCache(c, n)) continue;
            int tier = n.endsWith("hook_pattern") ? 1 : n.contains(".mlp.") ? 2 : n.endsWith("hook_attn_scores") ? 3 : 0;
            tiers.get(tier).add(n);
        }
        for (List<String> tier : tiers) {
            for (String n : tier) {
                long b = bytes(c, t, n);
                if (used + b > budget) return keep;
                keep.add(n);
                used += b;
            }
        }
        return keep;
    }

    /** Whether the document's {@link KeyValueCache} holds this activation (read from there, never stored twice). */
    static boolean heldByCache(ModelConfig c, String n) {
        // Rotary models' cache holds the rotated queries and keys; their unrotated hook_q, hook_k are recomputed.
        String q = "attn.hook_" + HookPoint.queriesUsed(c), k = "attn.hook_" + HookPoint.keysUsed(c);
        return n.endsWith(q) || n.endsWith(k) || n.endsWith("attn.hook_v") || n.endsWith("attn.hook_z")
                || (n.equals(HookPoint.LN_FINAL_SCALE) && c.normalizationType() != Normalization.NONE);
    }

    static long bytes(ModelConfig c, int t, String n) {
        long d = c.dModel(), h = c.nHeads(), kvh = c.nKeyValueHeads();
        long elems;
        if (n.endsWith("hook_pattern") || n.endsWith("hook_attn_scores")) elems = h * t * t;
        else if (n.endsWith("hook_result")) elems = (long) t * h * d;
        else if (n.endsWith("hook_q") || n.endsWith("hook_rot_q") || n.endsWith("hook_z")) elems = (long) t * h * c.dHead();
        else if (n.endsWith("hook_k") || n.endsWith("hook_rot_k") || n.endsWith("hook_v")) elems = (long) t * kvh * c.dHead();
        else if (n.endsWith("mlp.hook_pre") || n.endsWith("mlp.hook_pre_linear") || n.endsWith("mlp.hook_post")) elems = (long) t * c.dMlp();
        else if (n.endsWith("hook_scale")) elems = t;
        else if (n.equals(HookPoint.LOGITS)) elems = (long) t * c.dVocab();
        else elems = t * d;
        return 4 * elems;
    }

    /** Whether an activation is at hand without a pass: in the cache, or kept by the first pass (tests). */
    public boolean storedByFirstPass(String name) { return heldByCache(model.config(), name) || base.containsKey(name); }
}
