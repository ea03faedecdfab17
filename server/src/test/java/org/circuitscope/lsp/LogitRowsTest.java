package org.circuitscope.lsp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.circuitscope.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Logit row blocks shared across edits against one plain matrix kept up to date by hand. */
class LogitRowsTest {
    static final int V = 7;

    static Tensor random(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[rows * V];
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextDouble() * 8 - 4);
        return Tensor.of(d, rows, V);
    }

    /** Naive float64 log-softmax of one row of a plain [rows, V] array. */
    static double[] logSoftmax(float[] m, int row) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < V; j++) max = Math.max(max, m[row * V + j]);
        for (int j = 0; j < V; j++) sum += Math.exp(m[row * V + j] - max);
        double[] out = new double[V];
        for (int j = 0; j < V; j++) out[j] = m[row * V + j] - max - Math.log(sum);
        return out;
    }

    @Test
    void everyRowAndTheJoinedMatrixMatchTheEditedLogitsAfterManyEdits() {
        Tensor first = random(20, 1);
        float[] want = first.data().clone();
        LogitRows rows = LogitRows.of(first);
        SplittableRandom r = new SplittableRandom(3);
        LogitRows kept = null;
        float[] keptWant = null;
        for (int edit = 0; edit < 150; edit++) {
            int length = want.length / V;
            // Mostly typing at the end, sometimes an edit in the middle or a shorter prompt.
            int from = edit % 10 == 9 ? r.nextInt(length + 1) : Math.max(0, length - 1);
            int newLength = Math.max(from, length + r.nextInt(3) - 1);
            if (newLength == 0) newLength = 1;
            Tensor fresh = random(newLength - from, 100 + edit);
            float[] next = new float[newLength * V];
            System.arraycopy(want, 0, next, 0, from * V);
            System.arraycopy(fresh.data(), 0, next, from * V, fresh.size());
            rows = LogitRows.edit(rows, from, fresh);
            want = next;
            if (edit == 40) { kept = rows; keptWant = want.clone(); }
            assertEquals(newLength, rows.length(), "edit " + edit + ": length");
            for (int p = 0; p < newLength; p++) {
                assertArrayEquals(logSoftmax(want, p), rows.logSoftmax(p), 1e-5, "edit " + edit + ", row " + p);
            }
        }
        assertArrayEquals(want, rows.whole().data(), "the joined matrix after the last edit");
        // An earlier version is never changed by later edits (hovers may still read it).
        assertArrayEquals(keptWant, kept.whole().data(), "version after edit 40, read after 150 edits");
        LogitRows last = rows;
        assertThrows(IndexOutOfBoundsException.class, () -> last.logSoftmax(last.length()), "a row past the end");
    }
}
