package org.circuitscope.sae;

/**
 * Keeps a row's k largest values (then relu'd, as SAELens's TopK) and zeroes the rest, in
 * O(d log k) with a min-heap of indices: a sort per token would dominate training steps.
 */
final class TopKRows {
    private TopKRows() {}

    static void keepTopK(float[] a, int off, int n, int k) {
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            float v = a[off + i];
            if (size < k) {
                heap[size] = i;
                up(a, off, heap, size++);
            } else if (v > a[off + heap[0]]) {
                heap[0] = i;
                down(a, off, heap, k);
            }
        }
        boolean[] keep = new boolean[n];
        for (int j = 0; j < size; j++) keep[heap[j]] = true;
        for (int i = 0; i < n; i++) if (!keep[i] || a[off + i] < 0) a[off + i] = 0;
    }

    private static void up(float[] a, int off, int[] h, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (a[off + h[p]] <= a[off + h[i]]) return;
            int t = h[p]; h[p] = h[i]; h[i] = t;
            i = p;
        }
    }

    private static void down(float[] a, int off, int[] h, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && a[off + h[l]] < a[off + h[m]]) m = l;
            if (r < size && a[off + h[r]] < a[off + h[m]]) m = r;
            if (m == i) return;
            int t = h[m]; h[m] = h[i]; h[i] = t;
            i = m;
        }
    }
}
