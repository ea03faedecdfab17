package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitscope.model.ActivationCache;
import org.circuitscope.model.Hook;
import org.circuitscope.model.HookPoint;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.ModelConfig;
import org.circuitscope.model.RunOptions;
import org.circuitscope.model.Transformer;
import org.circuitscope.tensor.Tensor;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * The activations of one prompt under a memory budget. The forward pass stores the cheap
 * per-position activations (and patterns while they fit); anything else, or anything evicted,
 * is recomputed on demand by a forward pass that records just what was asked for, and kept
 * (least recently used first out) while the budget allows. The logits are always kept.
 */
public final class ActivationStore {
    private final Transformer model;
    private final int[] ids;
    private final long budget;
    private final ActivationCache base;
    private final LogitRows logits;
    private final long baseBytes;
    private final LinkedHashMap<String, Tensor> memo = new LinkedHashMap<>(16, 0.75f, true);
    private long memoBytes;
    private ActivationCache extra;
    private long extraBytes;
    private int recomputations;
    private int computedFrom;

    private ActivationStore(Transformer model, int[] ids, long budget, ActivationCache base, LogitRows logits, long baseBytes) {
        this.model = model;
        this.ids = ids;
        this.budget = budget;
        this.base = base;
        this.logits = logits;
        this.baseBytes = baseBytes;
    }

    /** Runs the forward pass, keeping what fits in three quarters of {@code budgetBytes}. */
    public static ActivationStore run(Transformer model, int[] ids, long budgetBytes, CancelChecker cancel) {
        Set<String> keep = chooseBase(model.config(), ids.length, budgetBytes * 3 / 4);
        ActivationCache c = model.run(ids, new RunOptions(keep::contains, cancelHooks(model.config(), cancel)));
        return new ActivationStore(model, ids, budgetBytes, c, LogitRows.of(c.logits()), bytes(model.config(), ids.length, c));
    }

    /**
     * The store of {@code ids}, which agree with {@code previous}'s tokens before position
     * {@code from}: only positions ≥ from are computed ({@link IncrementalForward}), from the
     * previous first pass's keys and values. What the previous pass did not keep is left to be
     * recomputed on demand, as after a full run.
     */
    public static ActivationStore runFrom(ActivationStore previous, int[] ids, int from, long budgetBytes, CancelChecker cancel) {
        Transformer model = previous.model;
        Set<String> keep = chooseBase(model.config(), ids.length, budgetBytes * 3 / 4);
        // Only the new logit rows are computed and kept; the earlier ones are shared with the previous store.
        ActivationCache c = IncrementalForward.runNewLogitRows(model, previous.base, ids, from, keep::contains, cancel::checkCanceled);
        LogitRows rows = LogitRows.edit(previous.logits, from, c.logits());
        ActivationStore s = new ActivationStore(model, ids, budgetBytes, c, rows, bytes(model.config(), ids.length, c));
        s.computedFrom = from;
        return s;
    }

    /** Whether {@link #runFrom} can start from this store (it kept every layer's K and V) for the same model. */
    public boolean canContinue(Transformer m) {
        return m == model && IncrementalForward.required(model.config()).stream().allMatch(base::contains);
    }

    /** The first position the first pass computed (0 for a full pass; more after an incremental one). */
    public int computedFrom() { return computedFrom; }

    /** The first pass's cache (tests); after an incremental pass its logits are only the new rows (use {@link #logits()}). */
    ActivationCache base() { return base; }

    private static long bytes(ModelConfig c, int t, ActivationCache cache) {
        long b = 0;
        for (String n : cache.names()) if (!n.equals(HookPoint.LOGITS)) b += bytes(c, t, n);
        return b;
    }

    /** The whole [pos, d_vocab] logits (joined into one tensor on first use after incremental passes). */
    public Tensor logits() { return logits.whole(); }

    /** log-softmax of logits row {@code p}, without joining the rows. */
    public double[] logSoftmax(int p) { return logits.logSoftmax(p); }

    public int length() { return ids.length; }

    /** How many on-demand forward passes this store has made (for tests of the budget). */
    public synchronized int recomputations() { return recomputations; }

    public Tensor get(String name, CancelChecker cancel) {
        return getAll(List.of(name), cancel).get(name);
    }

    /** The named activations; the missing ones come from one extra forward pass. */
    public synchronized Map<String, Tensor> getAll(List<String> names, CancelChecker cancel) {
        Map<String, Tensor> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            if (base.contains(n)) out.put(n, base.get(n));
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
    public ActivationCache cacheWith(List<String> names, CancelChecker cancel) {
        if (names.stream().allMatch(base::contains)) return base;
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
            if (size <= budget - baseBytes - memoBytes) { extra = c; extraBytes = size; }
        }
        return c;
    }

    private void remember(String name, Tensor t) {
        long size = 4L * t.size(), room = budget - baseBytes - extraBytes;
        if (size > room) return;
        for (Iterator<Map.Entry<String, Tensor>> it = memo.entrySet().iterator(); memoBytes + size > room && it.hasNext(); ) {
            memoBytes -= 4L * it.next().getValue().size();
            it.remove();
        }
        memo.put(name, t);
        memoBytes += size;
    }

    /** Bytes held (logits excluded). */
    public synchronized long heldBytes() { return baseBytes + memoBytes + extraBytes; }

    /**
     * Hooks that only check for cancellation, on activations every pass computes anyway (the
     * LayerNorm scales and per-head results are avoided: hooking them changes what is computed).
     */
    static Map<String, Hook> cancelHooks(ModelConfig c, CancelChecker cancel) {
        Map<String, Hook> hooks = new HashMap<>();
        Hook check = (a, n) -> { cancel.checkCanceled(); return a; };
        hooks.put(HookPoint.EMBED, check);
        for (int l = 0; l < c.nLayers(); l++) {
            hooks.put(HookPoint.residPre(l), check);
            hooks.put(HookPoint.attnOut(l), check);
            if (!c.attnOnly()) hooks.put(HookPoint.mlpOut(l), check);
        }
        return hooks;
    }

    /**
     * The activations stored by the first pass: every layer's K and V whatever the budget (the
     * next edit's incremental pass starts from them), then what hovers read (every layer's Q, the
     * final LayerNorm scale), then per-position ones, patterns, MLP, scores while they fit.
     */
    static Set<String> chooseBase(ModelConfig c, int t, long budget) {
        Set<String> keep = new java.util.LinkedHashSet<>(IncrementalForward.required(c));
        long used = 0;
        for (String n : keep) used += bytes(c, t, n);
        // Then what every hover reads (HeadAttribution): it must never need a forward pass.
        for (String n : HeadAttribution.hooks(c)) {
            if (keep.contains(n)) continue;
            long b = bytes(c, t, n);
            if (used + b > budget) break;
            keep.add(n);
            used += b;
        }
        List<List<String>> tiers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (String n : HookPoint.all(c)) {
            if (n.equals(HookPoint.LOGITS) || n.endsWith("hook_result")) continue;
            int tier = n.endsWith("hook_pattern") ? 1 : n.contains(".mlp.") ? 2 : n.endsWith("hook_attn_scores") ? 3 : 0;
            if (!keep.contains(n)) tiers.get(tier).add(n);
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

    static long bytes(ModelConfig c, int t, String n) {
        long d = c.dModel(), h = c.nHeads();
        long elems;
        if (n.endsWith("hook_pattern") || n.endsWith("hook_attn_scores")) elems = h * t * t;
        else if (n.endsWith("hook_result")) elems = (long) t * h * d;
        else if (n.endsWith("hook_q") || n.endsWith("hook_k") || n.endsWith("hook_v") || n.endsWith("hook_z")) elems = (long) t * h * c.dHead();
        else if (n.endsWith("mlp.hook_pre") || n.endsWith("mlp.hook_post")) elems = (long) t * c.dMlp();
        else if (n.endsWith("hook_scale")) elems = t;
        else if (n.equals(HookPoint.LOGITS)) elems = (long) t * c.dVocab();
        else elems = t * d;
        return 4 * elems;
    }

    /** Names filter for tests and callers that want to know what the first pass kept. */
    public boolean storedByFirstPass(String name) { return base.contains(name); }
}
