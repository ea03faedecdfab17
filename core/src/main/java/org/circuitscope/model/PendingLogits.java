package org.circuitscope.model;

import org.circuitscope.tensor.Kernels;
import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WeightGemm;
import org.circuitscope.tensor.WorkerPool;

/**
 * The logits rows of a pass's new positions [from, to) before the pass has written them: the
 * unembedding's input (ln_final's output, every block done) is ready, and any one row is
 * x_p·W_U + b_U, a [1, d_model]·[d_model, d_vocab] product. A hover on one token needs one
 * such row, while the pass unembeds all of them (a quarter of a 1,000-token GPT-2 pass), so the
 * hover is answered from here without waiting for the rest.
 *
 * <p>Rows are made on demand and the last one is kept (a card reads its row two or three
 * times). They equal the pass's own rows to float rounding (the pass sums in blocks of rows).
 */
public final class PendingLogits {
    private final Weights w;
    private final int from;
    private final Tensor x;
    private Row last;

    /** {@code x} [to − from, d_model]: the unembedding's input of positions from.. (read, never written). */
    PendingLogits(Weights w, int from, Tensor x) {
        this.w = w;
        this.from = from;
        this.x = x;
    }

    /** The first position whose row is here (rows before it are in the cache). */
    public int from() { return from; }

    /** One past the last position whose row is here. */
    public int to() { return from + x.dim(0); }

    /** Logits row {@code p} with its log Σ exp. */
    public record Row(int position, float[] logits, double logSumExp) {}

    /** Row {@code p}, from ≤ p &lt; to: x_p·W_U + b_U, made on the calling thread (a hover's own work). */
    public synchronized Row row(int p) {
        if (p < from || p >= to()) throw new IndexOutOfBoundsException("logits row " + p + " is not pending (" + from + ".." + (to() - 1) + ")");
        if (last != null && last.position() == p) return last;
        int v = w.config().dVocab();
        float[] out = WorkerPool.serially(() -> logits(p - from, 1));
        last = new Row(p, out, LogitOps.logSumExp(out, 0, v));
        return last;
    }

    /** Every row here, {@code [to − from, d_vocab]} row-major: one pass over W_U for all of them. */
    public float[] rows() { return logits(0, x.dim(0)); }

    /**
     * Rows [first, first + n) of x·W_U + b_U: the weight product's few-rows path (one streaming pass
     * over W_U, a 16-bit row converted as it is read), then the bias, as the pass sums its own.
     */
    private float[] logits(int first, int n) {
        int d = x.dim(1), v = w.config().dVocab();
        float[] bu = w.bU().data(), out = new float[n * v];
        new WeightGemm(Kernels.get()).gemmBatched(1, n, v, d, x.data(), first * d, d, 0, w.wU(), 0, v, 0, out, 0, v, 0);
        for (int i = 0; i < n; i++) for (int j = 0; j < v; j++) out[i * v + j] += bu[j];
        return out;
    }

    /** How row {@code p} scores {@code token}: its log-probability and 1-based rank. */
    public KeyValueCache.Score score(int p, int token) {
        Row r = row(p);
        return new KeyValueCache.Score(r.logits()[token] - r.logSumExp(), LogitOps.rank(r.logits(), 0, w.config().dVocab(), token));
    }
}
