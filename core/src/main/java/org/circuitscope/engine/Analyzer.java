package org.circuitscope.engine;

import java.util.Arrays;
import java.util.function.Consumer;
import org.circuitscope.model.KeyValueCache;
import org.circuitscope.tokenizer.Encoding;

/**
 * Turns a document version into a {@link PromptRun}: tokenises the body, cuts it to the
 * context, runs the forward pass and scores every token.
 *
 * <p>Incremental: the document's {@link KeyValueCache} holds the positions the previous
 * version shares with this one, and only positions from the first changed token are computed
 * (and rescored: position i is scored by logits row i − 1 and its own token, both unchanged
 * for i &lt; the first change). An edit that leaves the tokens as they were (front matter,
 * settings) reuses the previous run's activations as they are.
 *
 * <p>Before that pass, the <em>early</em> run is handed out: the new tokens with every
 * position up to the first change scored (the first change's own token by the unchanged row
 * before it). Everything a hover on those positions reads is already computed, so it is
 * answered without waiting for the pass: after typing at the end of a long prompt, a hover
 * on any token, the new one included, is answered at once.
 */
public final class Analyzer {
    private Analyzer() {}

    /** As {@link #analyze(PromptDocument, FrontMatter, ModelHandle, boolean, long, PromptRun, Cancel, Consumer)} without the early run. */
    public static PromptRun analyze(PromptDocument doc, FrontMatter fm, ModelHandle m, boolean prependBos, long budgetBytes,
                                    PromptRun previous, Cancel cancel) {
        return analyze(doc, fm, m, prependBos, budgetBytes, previous, cancel, r -> {});
    }

    /**
     * Analyses {@code doc}; {@code previous} (the last run of this document, or null) gives the
     * document's cache when it was for the same model. {@code early} receives the early run
     * (positions ≤ {@link PromptRun#ready()} answered) before the pass starts.
     */
    public static PromptRun analyze(PromptDocument doc, FrontMatter fm, ModelHandle m, boolean prependBos, long budgetBytes,
                                    PromptRun previous, Cancel cancel, Consumer<PromptRun> early) {
        return analyze(doc, fm, m, prependBos, budgetBytes, previous, cancel, early, r -> {});
    }

    /**
     * As {@link #analyze(PromptDocument, FrontMatter, ModelHandle, boolean, long, PromptRun, Cancel, Consumer)},
     * also handing {@code cards} the card run once the pass has done every block and before it
     * unembeds the new positions: every position is ready for one token's card (its own logits
     * row made alone, {@link PromptRun#logProbAt}), so a hover anywhere waits for the blocks but
     * not for the unembedding of every row.
     */
    public static PromptRun analyze(PromptDocument doc, FrontMatter fm, ModelHandle m, boolean prependBos, long budgetBytes,
                                    PromptRun previous, Cancel cancel, Consumer<PromptRun> early, Consumer<PromptRun> cards) {
        Tokens t = tokens(doc, fm, m, prependBos, cancel);
        int[] ids = t.ids(), starts = t.starts(), ends = t.ends();
        boolean bos = t.bos();
        int n = ids.length, bodyTokens = t.bodyTokens(), truncatedAt = t.truncatedAt();
        cancel.check();
        if (n == 0) {
            return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, null, new double[0], new int[0], 0);
        }
        boolean sameModel = previous != null && previous.model() == m && previous.acts() != null;
        KeyValueCache kv = sameModel ? previous.acts().kv() : new KeyValueCache(m.config());
        // As the cache's one writer from here: the rows before from cannot change under the early run.
        return kv.exclusively(() -> {
            cancel.check();
            int from = kv.reusablePrefix(ids);
            if (sameModel && from == n && kv.length() == n && Arrays.equals(previous.ids(), ids)) {
                return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, previous.acts().again(),
                        previous.logProb(), previous.rank(), n);
            }
            if (from > 0) early.accept(earlyRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, previous, kv, from));
            ActivationStore acts = ActivationStore.run(m.transformer(), kv, ids, from, budgetBytes, cancel,
                    pending -> cards.accept(cardRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, kv, from, pending)));
            return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, acts, kv.logProbs(n), kv.ranks(n), n);
        });
    }

    /**
     * Every position ready over a store whose logits rows from {@code from} on are pending:
     * positions ≤ from scored as in the early run, the later ones by their own row on demand.
     */
    private static PromptRun cardRun(PromptDocument doc, FrontMatter fm, ModelHandle m, int[] ids, boolean bos, int[] starts, int[] ends,
                                     int bodyTokens, int truncatedAt, KeyValueCache kv, int from, ActivationStore pending) {
        int n = ids.length;
        double[] lp = Arrays.copyOf(kv.logProbs(from), n);
        int[] rank = Arrays.copyOf(kv.ranks(from), n);
        // Past the first changed token the scores are made on demand (PromptRun.logProbAt): none here to misread.
        Arrays.fill(lp, Math.min(n, from + 1), n, Double.NaN);
        if (from == 0) lp[0] = Double.NaN;
        else if (from < n) {
            KeyValueCache.Score sc = kv.score(from - 1, ids[from]);
            lp[from] = sc.logProb();
            rank[from] = sc.rank();
        }
        return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, pending, lp, rank, n);
    }

    /** A document version's model input: token ids (BOS first when prepended) and each token's document range. */
    private record Tokens(int[] ids, int[] starts, int[] ends, boolean bos, int bodyTokens, int truncatedAt) {}

    private static Tokens tokens(PromptDocument doc, FrontMatter fm, ModelHandle m, boolean prependBos, Cancel cancel) {
        String body = doc.text().substring(fm.bodyStart());
        int nCtx = m.config().nCtx();
        int bosId = m.tokenizer().bosId().orElse(-1);
        boolean bos = prependBos && bosId >= 0;
        int room = nCtx - (bos ? 1 : 0);
        Encoding e = encodeEnough(m, body, room, cancel);
        int bodyTokens = e.size();
        int kept = Math.min(bodyTokens, room);
        int n = kept + (bos ? 1 : 0);
        int[] ids = new int[n], starts = new int[n], ends = new int[n];
        int off = fm.bodyStart();
        if (bos) { ids[0] = bosId; starts[0] = off; ends[0] = off; }
        for (int i = 0; i < kept; i++) {
            int p = i + (bos ? 1 : 0);
            ids[p] = e.ids()[i];
            starts[p] = off + e.starts()[i];
            ends[p] = off + e.ends()[i];
        }
        int truncatedAt = bodyTokens > kept ? off + e.starts()[kept] : -1;
        return new Tokens(ids, starts, ends, bos, bodyTokens, truncatedAt);
    }

    /**
     * {@code doc} over {@code previous}'s cache, for a request that came for a version whose own
     * analysis a newer edit superseded. When at most {@code maxNewRows} of its positions are
     * missing from the cache (typing-sized), they are computed into it, as this version's pass
     * would have; else the positions the cache shares with it are ready, as in an early run.
     * Call it as the cache's writer (inside {@link KeyValueCache#exclusively}) and read the run
     * there, so no other pass rewrites those rows meanwhile. Null when the cache shares no
     * position with it.
     */
    public static PromptRun overCache(PromptDocument doc, FrontMatter fm, ModelHandle m, boolean prependBos, PromptRun previous,
                                      long budgetBytes, int maxNewRows, Cancel cancel) {
        if (previous == null || previous.acts() == null || previous.model() != m) return null;
        Tokens t = tokens(doc, fm, m, prependBos, cancel);
        int[] ids = t.ids();
        int n = ids.length;
        KeyValueCache kv = previous.acts().kv();
        int from = kv.reusablePrefix(ids);
        if (from == 0 || n == 0) return null;
        if (n - from <= maxNewRows) {
            ActivationStore acts = ActivationStore.run(m.transformer(), kv, ids, from, budgetBytes, cancel);
            return new PromptRun(doc, fm, m, ids, t.bos(), t.starts(), t.ends(), t.bodyTokens(), t.truncatedAt(), acts, kv.logProbs(n), kv.ranks(n), n);
        }
        return earlyRun(doc, fm, m, ids, t.bos(), t.starts(), t.ends(), t.bodyTokens(), t.truncatedAt(), previous, kv, from);
    }

    /** The new tokens over the cache's first {@code from} positions: positions ≤ from scored, nothing computed yet. */
    private static PromptRun earlyRun(PromptDocument doc, FrontMatter fm, ModelHandle m, int[] ids, boolean bos, int[] starts, int[] ends,
                                      int bodyTokens, int truncatedAt, PromptRun previous, KeyValueCache kv, int from) {
        int n = ids.length;
        double[] lp = Arrays.copyOf(kv.logProbs(from), n);
        int[] rank = Arrays.copyOf(kv.ranks(from), n);
        // The rows before from are this version's too: wrap them as a store of the first from tokens.
        ActivationStore prefix = previous.acts().prefix(Arrays.copyOf(ids, from));
        if (from < n) {
            KeyValueCache.Score sc = kv.score(from - 1, ids[from]);
            lp[from] = sc.logProb();
            rank[from] = sc.rank();
        }
        return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, prefix, lp, rank, Math.min(from + 1, n));
    }

    /**
     * Tokenises no more of a long body than the context needs: growing prefixes until one holds
     * well over {@code room} tokens (tokens far from the cut do not depend on it), so a
     * multi-megabyte document costs about as much as one context.
     */
    static Encoding encodeEnough(ModelHandle m, String body, int room, Cancel cancel) {
        int len = Math.max(4096, room * 16);
        while (true) {
            cancel.check();
            if (len >= body.length()) return m.encode(body);
            int cut = len;
            if (Character.isHighSurrogate(body.charAt(cut - 1))) cut--;
            Encoding e = m.encode(body.substring(0, cut));
            if (e.size() > room + 64) {
                // One token past the room is enough for the caller to see (and say) that the body was cut.
                return new Encoding(Arrays.copyOf(e.ids(), room + 1), Arrays.copyOf(e.starts(), room + 1), Arrays.copyOf(e.ends(), room + 1));
            }
            len = (int) Math.min(Integer.MAX_VALUE - 8L, 2L * len);
        }
    }
}
