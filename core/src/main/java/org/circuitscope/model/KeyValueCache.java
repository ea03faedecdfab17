package org.circuitscope.model;

import java.util.Arrays;
import org.circuitscope.tensor.Tensor;

/**
 * One prompt's per-position state, kept between edits and grown in place: every layer's keys
 * and values (what {@link IncrementalForward} continues from), its queries, per-head attention
 * outputs and the final LayerNorm scale (what a hover's head attribution reads), and the
 * logits rows with each position's score.
 *
 * <p>Why mutable and in place: an editor edits a long prompt near its end many times a
 * second. Copying the earlier rows into new arrays on every edit (110 MB of K, V and Q for
 * 1,000 tokens of GPT-2 small, 200 MB of logits) costs more than computing the one new row,
 * and the garbage it leaves makes the collector pause. Here an edit from position p
 * overwrites rows ≥ p and appends; rows &lt; p are never touched.
 *
 * <p>Protocol: one writer at a time ({@link IncrementalForward#extend} locks the cache).
 * {@link #begin} first cuts {@link #length()} to the edit's first position, so a writer that
 * is cancelled half-way leaves a consistent (shorter) cache; {@link #commit} records the new
 * tokens when every row is written. Readers read rows below the length they were handed by
 * the last commit; a reader of an older version may see rows a newer edit is overwriting, so
 * callers must discard such readers' results (the language server does, by version).
 *
 * <p>A typing-sized writer cancelled during its unembedding (every block done) commits its
 * rows all the same, their logits rows and scores left to be made by the first reader that
 * needs them ({@link #commitUnscored}): when edits come faster than a large model's one-token
 * pass, each is otherwise cancelled after its blocks, and the next edit, sharing those rows,
 * would have to compute them again, and so on, so that a hover beside the edited token would
 * wait for a whole pass every time.
 */
public final class KeyValueCache {
    /** Logits rows are held in chunks of this many rows, so growing never copies them. */
    private static final int LOGIT_CHUNK = 16;

    /**
     * The arrays, replaced as a whole when they grow: readers that took the old ones keep
     * valid rows, and the volatile field publishes the copied contents with the new ones.
     */
    private record Rows(float[][] keys, float[][] values, float[][] queries, float[][] zs, float[] finalScale, double[] logProb, int[] rank, double[] logSumExp, int capacity) {}

    /** Held by the one writer ({@link IncrementalForward#extend}) for its whole pass. */
    final java.util.concurrent.locks.ReentrantLock writer = new java.util.concurrent.locks.ReentrantLock();
    private final ModelConfig cfg;
    private volatile Rows rows;
    private volatile float[][] logitChunks = new float[0][];
    private int[] tokens = new int[0];
    private volatile int length;
    /** The committed rows whose logits rows and scores are still to be made (null when none), see {@link #commitUnscored}. */
    private volatile PendingLogits unscored;
    /** Bumped by every write's begin and commit: a derived row made across one is not kept (its rows may have changed under it). */
    private long writes;
    /** The last few derived rows asked for ({@link #derivedRow}), most recent last. */
    private final java.util.ArrayDeque<Derived> derived = new java.util.ArrayDeque<>();

    /** A row made from this cache's rows at {@code pos} with {@code owner}'s help (identity), named {@code name}. */
    private record Derived(int pos, String name, Object owner, float[] row) {}

    /** Derived rows kept per cache: a hover's own row and a few it was moved between. */
    private static final int DERIVED_ROWS = 4;

    public KeyValueCache(ModelConfig cfg) {
        this.cfg = cfg;
        int l = cfg.nLayers();
        rows = new Rows(new float[l][0], new float[l][0], new float[l][0], new float[l][0], new float[0], new double[0], new int[0], new double[0], 0);
    }

    public ModelConfig config() { return cfg; }

    /**
     * Runs {@code work} as this cache's one writer: no other writer starts until it returns, so
     * the rows it reads stay as they are unless it writes them itself ({@link
     * IncrementalForward#extend} inside it is the same writer). A caller that publishes the
     * unchanged prefix before writing does so from here.
     */
    public <T> T exclusively(java.util.function.Supplier<T> work) {
        writer.lock();
        try {
            return work.get();
        } finally {
            writer.unlock();
        }
    }

    /** Positions whose rows are all written and agree with {@link #tokens()}. */
    public int length() { return length; }

    /** The tokens of the first {@link #length()} positions. */
    public synchronized int[] tokens() { return Arrays.copyOf(tokens, length); }

    /**
     * The first position a run of {@code next} must compute: where it first differs from this
     * cache's tokens, and no further than the cache's length.
     */
    public synchronized int reusablePrefix(int[] next) {
        int n = Math.min(length, next.length), i = 0;
        while (i < n && tokens[i] == next[i]) i++;
        return i;
    }

    /**
     * Layer {@code l}'s keys as attention used them (after rotary, for rotary models),
     * [capacity, n_key_value_heads · d_head] row-major; rows &lt; length are valid.
     */
    public float[] keys(int l) { return rows.keys[l]; }

    /** Layer {@code l}'s values, as {@link #keys}. */
    public float[] values(int l) { return rows.values[l]; }

    /** Layer {@code l}'s queries as attention used them (rotated, for rotary models), [capacity, n_heads · d_head]. */
    public float[] queries(int l) { return rows.queries[l]; }

    /** Layer {@code l}'s attention outputs per head before W_O (hook_z), [capacity, n_heads · d_head]: a head's direct effect at a position is its z row times W_O. */
    public float[] z(int l) { return rows.zs[l]; }

    /** ln_final.hook_scale per position (empty for models without normalisation). */
    public float[] finalScale() { return rows.finalScale; }

    /**
     * Each of the first {@code n} ≤ length positions' token log-probability under the prediction
     * at the position before (NaN at position 0, which has none).
     */
    public double[] logProbs(int n) {
        scored(n);
        return Arrays.copyOf(rows.logProb, checkedLength(n));
    }

    /** The 1-based rank of each of the first {@code n} positions' token in that prediction (0 at position 0). */
    public int[] ranks(int n) {
        scored(n);
        return Arrays.copyOf(rows.rank, checkedLength(n));
    }

    private int checkedLength(int n) {
        if (n < 0 || n > length) throw new IndexOutOfBoundsException(n + " positions asked for; " + length + " are cached");
        return n;
    }

    /** Logits row {@code p} (the prediction for position p + 1): its array and the row's offset in it. */
    public LogitRow logits(int p) {
        checkRow(p);
        scored(p + 1);
        return new LogitRow(logitChunks[p / LOGIT_CHUNK], (p % LOGIT_CHUNK) * cfg.dVocab());
    }

    /** log Σ exp of logits row {@code p} (its log_softmax is the row minus this), computed once when the row was written. */
    public double logSumExp(int p) {
        checkRow(p);
        scored(p + 1);
        return rows.logSumExp[p];
    }

    /**
     * How row {@code p} scores {@code token} (the token at position p + 1): its log-probability
     * and 1-based rank. The pass scores its new positions with this, and an edit's early run the
     * first changed one.
     */
    public Score score(int p, int token) {
        checkRow(p);
        scored(p + 1);
        return scoreOf(p, token);
    }

    private Score scoreOf(int p, int token) {
        float[] row = logitChunks[p / LOGIT_CHUNK];
        int off = (p % LOGIT_CHUNK) * cfg.dVocab();
        return new Score(row[off + token] - rows.logSumExp[p], LogitOps.rank(row, off, cfg.dVocab(), token));
    }

    /** A token's log-probability and rank under one row. */
    public record Score(double logProb, int rank) {}

    private void checkRow(int p) {
        if (p < 0 || p >= length) throw new IndexOutOfBoundsException("logits row " + p + " is outside 0.." + (length - 1));
    }

    /** One row of logits inside a chunk: {@code data[offset .. offset + d_vocab)}. */
    public record LogitRow(float[] data, int offset) {}

    /** Starts a write of positions ≥ {@code from} for a prompt of {@code t} positions: cuts the length, makes room. */
    synchronized void begin(int from, int t) {
        if (from > length) throw new IllegalArgumentException("cannot start at position " + from + ": only " + length + " are cached");
        // Rows kept unscored that this write keeps are scored first (it scores only its own).
        scored(from);
        unscored = null;
        length = from;
        writes++;
        derived.removeIf(d -> d.pos() >= from);
        if (t > rows.capacity) grow(t);
        int chunks = (t + LOGIT_CHUNK - 1) / LOGIT_CHUNK;
        if (logitChunks.length < chunks) {
            float[][] more = Arrays.copyOf(logitChunks, chunks);
            for (int c = logitChunks.length; c < chunks; c++) more[c] = new float[LOGIT_CHUNK * cfg.dVocab()];
            logitChunks = more;
        }
    }

    /**
     * What a {@link Backend} writes one pass's new rows through: positions [from, from + n) of
     * each per-position array, from row-major {@code [n, width]} arrays computed elsewhere (on
     * a device). Handed out by {@link IncrementalForward#extend} between {@code begin} and
     * {@code commit}, under the writer lock; the rows below from are the cache's and are read,
     * never written. {@code pending} hears of the new logits rows before they are written (a
     * backend that cannot say so early leaves it unheard: the hover then waits for the whole pass).
     */
    public static final class Writer {
        private final KeyValueCache kv;
        private final int from;
        private final java.util.function.Consumer<PendingLogits> pending;

        Writer(KeyValueCache kv, int from, java.util.function.Consumer<PendingLogits> pending) {
            this.kv = kv;
            this.from = from;
            this.pending = pending == null ? p -> {} : pending;
        }

        /** Who hears of the new logits rows once every block is done, before they are written. */
        public java.util.function.Consumer<PendingLogits> pending() { return pending; }

        public KeyValueCache kv() { return kv; }

        /** The first new position. */
        public int from() { return from; }

        /** Layer l's new keys (as attention used them), {@code [n, n_key_value_heads · d_head]}. */
        public void keys(int l, float[] rows) { put(kv.keys(l), rows, kv.cfg.nKeyValueHeads() * kv.cfg.dHead()); }

        public void values(int l, float[] rows) { put(kv.values(l), rows, kv.cfg.nKeyValueHeads() * kv.cfg.dHead()); }

        /** Layer l's new queries (rotated, for rotary models), {@code [n, n_heads · d_head]}. */
        public void queries(int l, float[] rows) { put(kv.queries(l), rows, kv.cfg.nHeads() * kv.cfg.dHead()); }

        public void z(int l, float[] rows) { put(kv.z(l), rows, kv.cfg.nHeads() * kv.cfg.dHead()); }

        /** The new positions' ln_final.hook_scale, {@code [n]}. */
        public void finalScale(float[] rows) { put(kv.finalScale(), rows, 1); }

        /** The new logits rows (bias included), {@code [n, d_vocab]}. */
        public void logits(float[] rows) { kv.putLogitRows(from, rows); }

        private void put(float[] dst, float[] rows, int width) { System.arraycopy(rows, 0, dst, from * width, rows.length); }
    }

    /** Ends a write: every row of {@code written} is in place. */
    synchronized void commit(int[] written) {
        tokens = written.clone();
        length = written.length;
        writes++;
    }

    /**
     * A row computed from this cache's rows at {@code pos} (with {@code owner}, compared by
     * identity, say the weights it was multiplied with): kept for the last few positions asked
     * for, until a write from at or before {@code pos}, so that hovers on one token after edits
     * past it (typing at the end) make it once. The returned array is shared: read it only. A
     * position not committed (a pass still writing it) is made and not kept.
     */
    public float[] derivedRow(int pos, String name, Object owner, java.util.function.Supplier<float[]> make) {
        long before;
        synchronized (this) {
            for (Derived d : derived) if (d.pos() == pos && d.owner() == owner && d.name().equals(name)) return d.row();
            before = writes;
        }
        float[] row = make.get();
        synchronized (this) {
            // Not kept when a write began or ended while it was made: its rows may be another version's.
            if (before == writes && pos < length) {
                derived.removeIf(d -> d.pos() == pos && d.owner() == owner && d.name().equals(name));
                if (derived.size() == DERIVED_ROWS) derived.removeFirst();
                derived.addLast(new Derived(pos, name, owner, row));
            }
        }
        return row;
    }

    /**
     * Ends a write cancelled after its blocks: the keys, values, queries, z and final scale of
     * {@code written}'s new rows are in place, their logits rows and scores are not; {@code
     * rows} (the unembedding's input) makes them when a reader first needs one.
     */
    synchronized void commitUnscored(int[] written, PendingLogits rows) {
        commit(written);
        unscored = rows;
    }

    /** Makes the logits rows and scores of unscored rows below {@code n}, if there are any: all of them at once (one pass over W_U). */
    private void scored(int n) {
        PendingLogits u = unscored;
        if (u == null || n <= u.from()) return;
        synchronized (this) {
            u = unscored;
            if (u == null) return;
            putLogitRows(u.from(), u.rows());
            scoreNewRows(u.from(), Arrays.copyOf(tokens, u.to()));
            unscored = null;
        }
    }

    /** Copies {@code rows} ([n, d_vocab], bias included) into the logits rows of positions from.. from + n. */
    private void putLogitRows(int from, float[] rows) {
        int v = cfg.dVocab(), n = rows.length / v;
        float[][] chunks = logitChunks;
        for (int i = 0; i < n; i++) {
            int p = from + i;
            System.arraycopy(rows, i * v, chunks[p / LOGIT_CHUNK], (p % LOGIT_CHUNK) * v, v);
        }
    }

    /** The logits rows of positions [from, to), [to − from, d_vocab], copied out of the cache. */
    public Tensor logitRows(int from, int to) {
        if (from < 0 || from > to || to > length) throw new IndexOutOfBoundsException("logits rows " + from + ".." + to + " of " + length + " cached");
        scored(to);
        int v = cfg.dVocab();
        Tensor out = Tensor.zeros(to - from, v);
        float[][] chunks = logitChunks;
        for (int p = from; p < to; p++) System.arraycopy(chunks[p / LOGIT_CHUNK], (p % LOGIT_CHUNK) * v, out.data(), (p - from) * v, v);
        return out;
    }

    /**
     * Writes columns [c0, c0 + len) of the logits rows of positions from.. from + n: {@code
     * block} holds them without the bias, row i at {@code i · stride}; {@code bias} is b_U over
     * all columns.
     */
    void writeLogitColumns(int from, int n, int c0, int len, float[] block, int stride, float[] bias) {
        int v = cfg.dVocab();
        float[][] chunks = logitChunks;
        org.circuitscope.tensor.WorkerPool.parallelFor(n, i -> {
            int p = from + i;
            RowOps.plusBias(block, i * stride, chunks[p / LOGIT_CHUNK], (p % LOGIT_CHUNK) * v + c0, bias, c0, len);
        });
    }

    /**
     * Once every new logits row (positions from..) is written: their log Σ exp, then the scores
     * of positions from on (position p by row p − 1: the first of them by the last row before
     * this write).
     */
    void scoreNewRows(int from, int[] tokens) {
        int v = cfg.dVocab(), n = tokens.length - from;
        float[][] chunks = logitChunks;
        Rows r = rows;
        if (from == 0) { r.logProb[0] = Double.NaN; r.rank[0] = 0; }
        org.circuitscope.tensor.WorkerPool.parallelFor(n, i -> {
            int p = from + i;
            r.logSumExp[p] = LogitOps.logSumExp(chunks[p / LOGIT_CHUNK], (p % LOGIT_CHUNK) * v, v);
        });
        // Scores after every new row's logSumExp: position p reads row p − 1 (not yet committed, so unchecked).
        for (int p = Math.max(1, from); p < from + n; p++) {
            Score sc = scoreOf(p - 1, tokens[p]);
            r.logProb[p] = sc.logProb();
            r.rank[p] = sc.rank();
        }
    }

    /** Grows every per-position array to hold {@code t} rows: a quarter more than asked (up to n_ctx), so appending rarely copies. */
    private void grow(int t) {
        int cap = Math.min(Math.max(t, t + t / 4 + 16), Math.max(t, cfg.nCtx()));
        int w = cfg.nHeads() * cfg.dHead(), kvw = cfg.nKeyValueHeads() * cfg.dHead(), layers = cfg.nLayers();
        Rows r = rows;
        float[][] k = new float[layers][], v = new float[layers][], q = new float[layers][], z = new float[layers][];
        for (int l = 0; l < layers; l++) {
            k[l] = Arrays.copyOf(r.keys[l], cap * kvw);
            v[l] = Arrays.copyOf(r.values[l], cap * kvw);
            q[l] = Arrays.copyOf(r.queries[l], cap * w);
            z[l] = Arrays.copyOf(r.zs[l], cap * w);
        }
        float[] scale = !cfg.normalizationType().scales() ? r.finalScale : Arrays.copyOf(r.finalScale, cap);
        rows = new Rows(k, v, q, z, scale, Arrays.copyOf(r.logProb, cap), Arrays.copyOf(r.rank, cap), Arrays.copyOf(r.logSumExp, cap), cap);
    }
}
