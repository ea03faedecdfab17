package org.circuitscope.model;

import org.circuitscope.tensor.Tensor;
import org.circuitscope.tensor.WorkerPool;

/**
 * Where a {@link Forward} pass over positions [from, t) finds the keys and values of the
 * earlier positions and leaves its new rows: a document's {@link KeyValueCache}, or, for a run
 * from position 0 that keeps nothing past itself, the pass's own tensors and a logits tensor.
 */
sealed interface PassMemory {
    /** Layer {@code l}'s keys of every position [0, t), row-major [t, n_heads·d_head]: the earlier rows, then {@code fresh}. */
    float[] keys(int l, Tensor fresh);

    /** Layer {@code l}'s values, as {@link #keys}. */
    float[] values(int l, Tensor fresh);

    /** Keeps the new rows' queries (for readers after the pass); nothing by default. */
    default void queries(int l, Tensor fresh) {}

    /** Keeps the new rows' per-head attention outputs (hook_z); nothing by default. */
    default void z(int l, Tensor fresh) {}

    /** Keeps the new rows' ln_final.hook_scale; nothing by default. */
    default void finalScale(Tensor fresh) {}

    /**
     * The unembedding's input of the new rows, [n, d_model], once every block is done and before
     * any logits row is written; nothing by default.
     */
    default void beforeUnembed(Weights w, Tensor x) {}

    /**
     * Writes columns [c0, c0 + len) of the {@code n} new logits rows: {@code block} holds x·W_U
     * without the bias, row i at {@code i · stride}; {@code bias} is b_U over all columns.
     */
    void logitColumns(int n, int c0, int len, float[] block, int stride, float[] bias);

    /**
     * A document's cache, continued from position {@code from}: rows before it are read, the new
     * ones written in place; {@code pending} hears of the new logits rows before they are written.
     */
    record Cache(KeyValueCache kv, int from, java.util.function.Consumer<PendingLogits> pending) implements PassMemory {
        @Override public void beforeUnembed(Weights w, Tensor x) { pending.accept(new PendingLogits(w, from, x)); }

        @Override public float[] keys(int l, Tensor fresh) { return write(kv.keys(l), fresh); }

        @Override public float[] values(int l, Tensor fresh) { return write(kv.values(l), fresh); }

        @Override public void queries(int l, Tensor fresh) { write(kv.queries(l), fresh); }

        @Override public void z(int l, Tensor fresh) { write(kv.z(l), fresh); }

        @Override public void finalScale(Tensor fresh) { write(kv.finalScale(), fresh); }

        @Override public void logitColumns(int n, int c0, int len, float[] block, int stride, float[] bias) {
            kv.writeLogitColumns(from, n, c0, len, block, stride, bias);
        }

        /** The new rows [n, width] into the cache's array at row {@code from}. */
        private float[] write(float[] dst, Tensor fresh) {
            int n = fresh.dim(0), width = fresh.size() / n;
            System.arraycopy(fresh.data(), 0, dst, from * width, n * width);
            return dst;
        }
    }

    /** A whole prompt's run that keeps nothing past itself: its new rows are all the rows, and the logits go to {@code logits} [t, d_vocab]. */
    record Own(Tensor logits) implements PassMemory {
        @Override public float[] keys(int l, Tensor fresh) { return fresh.data(); }

        @Override public float[] values(int l, Tensor fresh) { return fresh.data(); }

        @Override public void logitColumns(int n, int c0, int len, float[] block, int stride, float[] bias) {
            float[] dst = logits.data();
            int v = logits.dim(1);
            WorkerPool.parallelFor(n, i -> RowOps.plusBias(block, i * stride, dst, i * v + c0, bias, c0, len));
        }
    }

    /**
     * Equal-length prompts run as one stacked pass from 0 ({@link SimdBackend#runBatch}): keys
     * and values are the pass's own, and stacked row i's logits go to row i mod t of prompt
     * i / t's [t, d_vocab] tensor, made when the unembedding begins (a pass that a hook ends
     * earlier, as the induction score's, never allocates them).
     */
    record Stacked(Tensor[] logits, int t, int vocab) implements PassMemory {
        @Override public float[] keys(int l, Tensor fresh) { return fresh.data(); }

        @Override public float[] values(int l, Tensor fresh) { return fresh.data(); }

        @Override public void logitColumns(int n, int c0, int len, float[] block, int stride, float[] bias) {
            for (int s = 0; s < logits.length; s++) if (logits[s] == null) logits[s] = Tensor.zeros(t, vocab);
            WorkerPool.parallelFor(n, i -> RowOps.plusBias(block, i * stride, logits[i / t].data(), (i % t) * vocab + c0, bias, c0, len));
        }
    }
}
