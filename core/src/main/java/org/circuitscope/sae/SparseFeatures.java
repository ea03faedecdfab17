package org.circuitscope.sae;

/**
 * The active features of each token: {@code index[pos]} and {@code value[pos]} side by side,
 * sorted by activation descending, zeros dropped.
 */
public record SparseFeatures(int[][] index, float[][] value) {
    public SparseFeatures {
        if (index.length != value.length) throw new IllegalArgumentException("index and value differ in length");
        for (int p = 0; p < index.length; p++) {
            if (index[p].length != value[p].length) throw new IllegalArgumentException("index and value differ at position " + p);
        }
    }

    public int positions() { return index.length; }

    /** How many features are active at {@code pos} (the token's L0). */
    public int active(int pos) { return index[pos].length; }
}
