package org.circuitscope.model;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.circuitscope.tensor.Tensor;

/**
 * The forward pass of an edited prompt, recomputing only the positions from the first changed
 * token on: the one {@link Forward} pass, continuing the document's {@link KeyValueCache} (a KV
 * cache, as in generation, but for edits). Here is the cache's protocol: one writer, the
 * length cut before and the tokens committed after, the scores of the new positions.
 */
public final class IncrementalForward {
    private IncrementalForward() {}

    /**
     * A pass of at most this many new rows (typing) that is stopped during its unembedding keeps
     * them, unscored ({@link KeyValueCache#commitUnscored}): making their logits rows later is one
     * more pass over W_U, cheap for a few rows; for a long pass it would be its whole unembedding.
     */
    static final int KEPT_ROWS = 8;

    /**
     * Runs {@code tokens} from position {@code from} on, continuing {@code kv} (which must hold
     * these tokens' first {@code from} positions), and writes the new positions' keys, values,
     * queries, z, final LayerNorm scale, logits rows and scores into it, in place: no earlier row
     * is copied. Returns the activations named by {@code names}, in forward order, which are
     * recorded only when {@code from} is 0 (then they are the whole prompt's, as from {@link
     * Transformer#run}); the logits are only in the cache ({@link KeyValueCache#logitRows}).
     * Writers of one cache run one at a time; one that throws (cancelled) leaves the cache
     * holding the first {@code from} positions, or, stopped during the unembedding of at most
     * {@link #KEPT_ROWS} new rows, all of them with their logits rows still to be made.
     */
    public static Map<String, Tensor> extend(Transformer model, KeyValueCache kv, int[] tokens, int from,
                                             Predicate<String> names, Runnable checkpoint) {
        return extend(model, kv, tokens, from, names, checkpoint, p -> {});
    }

    /**
     * As {@link #extend(Transformer, KeyValueCache, int[], int, Predicate, Runnable)}, handing
     * {@code pending} the new logits rows as {@link PendingLogits} once every block is done and
     * before the pass unembeds them: by then the cache's new keys, values, queries, z and final
     * scale are written (rows below {@code tokens.length}, not yet committed), so a reader of
     * one position needs only its own row.
     */
    public static Map<String, Tensor> extend(Transformer model, KeyValueCache kv, int[] tokens, int from,
                                             Predicate<String> names, Runnable checkpoint, Consumer<PendingLogits> pending) {
        if (!kv.config().equals(model.config())) throw new IllegalArgumentException("the cache belongs to another model");
        kv.writer.lock();
        try {
            int have = kv.reusablePrefix(tokens);
            if (from > have) {
                throw new IllegalArgumentException("the cache agrees with these tokens on " + have + " positions; cannot start at " + from);
            }
            Forward.check(model.config(), tokens, from);
            kv.begin(from, tokens.length);
            // An edit's earlier rows are only in the cache: only a pass from 0 records activations.
            RunOptions opt = from == 0 ? new RunOptions(names.and(n -> !n.equals(HookPoint.LOGITS)), Map.of()) : RunOptions.none();
            Map<String, Tensor> stored = Map.of();
            if (from < tokens.length) { // else only a shortened prompt: every row is an old one
                PendingLogits[] blocksDone = new PendingLogits[1];
                Consumer<PendingLogits> heard = p -> {
                    blocksDone[0] = p;
                    pending.accept(p);
                };
                try {
                    stored = model.backend().extend(new KeyValueCache.Writer(kv, from, heard), tokens, opt, checkpoint == null ? () -> {} : checkpoint);
                } catch (RuntimeException e) {
                    // Stopped in the unembedding: the blocks' rows are good, and the next edit likely shares them.
                    if (blocksDone[0] != null && tokens.length - from <= KEPT_ROWS) kv.commitUnscored(tokens, blocksDone[0]);
                    throw e;
                }
                kv.scoreNewRows(from, tokens);
            }
            kv.commit(tokens);
            return stored;
        } finally {
            kv.writer.unlock();
        }
    }
}
