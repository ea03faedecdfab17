package org.circuitscope.lsp;

import java.util.Arrays;
import org.circuitscope.model.IncrementalForward;
import org.circuitscope.model.LogitOps;
import org.circuitscope.tokenizer.Encoding;
import org.eclipse.lsp4j.jsonrpc.CancelChecker;

/**
 * Turns a document version into a {@link PromptRun}: tokenises the body, cuts it to the
 * context, runs the forward pass and scores every token.
 *
 * <p>Incremental: after an edit only positions from the first changed token are computed
 * ({@link ActivationStore#runFrom}, over the previous run's K and V), and only their
 * log-probabilities and ranks are rescored (position i is scored by logits row i − 1 and its
 * own token, both unchanged for i &lt; the first change). An edit that leaves the tokens as they
 * were (front matter, settings) reuses the previous run as it is.
 */
public final class Analyzer {
    private Analyzer() {}

    /**
     * Analyses {@code doc}; {@code previous} (the last run of this document, or null) is
     * reused when the model and tokens are unchanged.
     */
    public static PromptRun analyze(PromptDocument doc, FrontMatter fm, ModelHandle m, boolean prependBos, long budgetBytes,
                                    PromptRun previous, CancelChecker cancel) {
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
        cancel.checkCanceled();
        if (n == 0) {
            return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, null, new double[0], new int[0]);
        }
        boolean reusable = previous != null && previous.model() == m && previous.acts() != null && previous.acts().canContinue(m.transformer());
        if (reusable && Arrays.equals(previous.ids(), ids)) {
            return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, previous.acts(), previous.logProb(), previous.rank());
        }
        int from = reusable ? firstChange(previous.ids(), ids) : 0;
        ActivationStore acts = from > 0 ? ActivationStore.runFrom(previous.acts(), ids, from, budgetBytes, cancel)
                : ActivationStore.run(m.transformer(), ids, budgetBytes, cancel);
        double[] lp = new double[n];
        int[] rank = new int[n];
        lp[0] = Double.NaN;
        if (from > 0) {
            System.arraycopy(previous.logProb(), 0, lp, 0, from);
            System.arraycopy(previous.rank(), 0, rank, 0, from);
        }
        for (int p = Math.max(1, from); p < n; p++) {
            if ((p & 63) == 0) cancel.checkCanceled();
            double[] row = acts.logSoftmax(p - 1);
            lp[p] = row[ids[p]];
            rank[p] = LogitOps.rank(row, ids[p]);
        }
        return new PromptRun(doc, fm, m, ids, bos, starts, ends, bodyTokens, truncatedAt, acts, lp, rank);
    }

    /**
     * Tokenises no more of a long body than the context needs: growing prefixes until one holds
     * well over {@code room} tokens (tokens far from the cut do not depend on it), so a
     * multi-megabyte document costs about as much as one context.
     */
    static Encoding encodeEnough(ModelHandle m, String body, int room, CancelChecker cancel) {
        int len = Math.max(4096, room * 16);
        while (true) {
            cancel.checkCanceled();
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

    /** First model position whose token differs between two runs' ids (where the incremental pass starts). */
    public static int firstChange(int[] before, int[] after) {
        return IncrementalForward.firstChange(before, after);
    }
}
