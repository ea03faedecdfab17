package org.circuitscope.lsp;

import java.util.ArrayList;
import java.util.List;
import org.circuitscope.model.LogitOps;
import org.circuitscope.tensor.Tensor;

/**
 * A prompt's [pos, d_vocab] logits kept as row blocks shared with earlier versions: an edit
 * at position p keeps the previous version's blocks for rows &lt; p and adds one block of the
 * new rows. For GPT-2's vocabulary a 1,000-token prompt's logits are 200 MB, so copying them
 * on every keystroke would cost far more than the one new row it computes.
 *
 * <p>Blocks are read-only once made (earlier versions may still be read). Block i holds rows
 * from {@code first[i]} up to the next block's first row. When the blocks get many, or hold far
 * more rows than are in use, they are joined into one (a copy, amortised over many edits).
 */
final class LogitRows {
    private static final int MAX_BLOCKS = 64;

    private record Block(Tensor rows, int first) {}

    private final List<Block> blocks;
    private final int length, dVocab;
    private Tensor whole;

    private LogitRows(List<Block> blocks, int length, int dVocab) {
        this.blocks = blocks;
        this.length = length;
        this.dVocab = dVocab;
    }

    /** All rows of a full pass, [length, d_vocab]. */
    static LogitRows of(Tensor logits) {
        LogitRows r = new LogitRows(List.of(new Block(logits, 0)), logits.dim(0), logits.dim(1));
        r.whole = logits;
        return r;
    }

    /** The rows of {@code previous} before {@code from}, then {@code fresh} ([length − from, d_vocab]) from there on. */
    static LogitRows edit(LogitRows previous, int from, Tensor fresh) {
        List<Block> out = new ArrayList<>();
        long held = 0;
        for (Block b : previous.blocks) {
            if (b.first >= from) break;
            out.add(b);
            held += b.rows.dim(0);
        }
        int length = from + fresh.dim(0);
        if (fresh.dim(0) > 0) {
            out.add(new Block(fresh, from));
            held += fresh.dim(0);
        }
        LogitRows r = new LogitRows(List.copyOf(out), length, previous.dVocab);
        if (out.size() > MAX_BLOCKS || held > 2L * Math.max(length, 1)) r.whole = r.join();
        if (r.whole != null) return of(r.whole);
        return r;
    }

    int length() { return length; }

    /** log-softmax of row {@code p} (the prediction for position p + 1). */
    double[] logSoftmax(int p) {
        Block b = blockOf(p);
        return LogitOps.logSoftmax(b.rows, p - b.first);
    }

    /** The whole [length, d_vocab] tensor, joined (once) when it is in several blocks. */
    synchronized Tensor whole() {
        if (whole == null) whole = join();
        return whole;
    }

    private Block blockOf(int p) {
        if (p < 0 || p >= length) throw new IndexOutOfBoundsException("logits row " + p + " is outside 0.." + (length - 1));
        int lo = 0, hi = blocks.size() - 1;
        while (lo < hi) { // last block starting at or before p
            int mid = (lo + hi + 1) >>> 1;
            if (blocks.get(mid).first <= p) lo = mid; else hi = mid - 1;
        }
        return blocks.get(lo);
    }

    private Tensor join() {
        Tensor out = Tensor.zeros(length, dVocab);
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            int end = i + 1 < blocks.size() ? blocks.get(i + 1).first : length;
            System.arraycopy(b.rows.data(), 0, out.data(), b.first * dVocab, (end - b.first) * dVocab);
        }
        return out;
    }
}
