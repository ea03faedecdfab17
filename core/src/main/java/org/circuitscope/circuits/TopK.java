package org.circuitscope.circuits;

import java.util.PriorityQueue;

/** Indices of the k largest values of an array, without sorting all of it. */
final class TopK {
    private TopK() {}

    /** The indices of the min(k, n) largest values, largest first; ties keep the lower index first. */
    static int[] indices(double[] v, int k) {
        k = Math.max(0, Math.min(k, v.length));
        // Min-heap on (value, then higher index smaller) so the root is the entry to evict.
        PriorityQueue<Integer> heap = new PriorityQueue<>(Math.max(1, k), (x, y) -> {
            int c = Double.compare(v[x], v[y]);
            return c != 0 ? c : Integer.compare(y, x);
        });
        for (int i = 0; i < v.length && k > 0; i++) {
            if (heap.size() < k) heap.add(i);
            else if (v[i] > v[heap.peek()]) { heap.poll(); heap.add(i); }
        }
        int[] out = new int[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) out[i] = heap.poll();
        return out;
    }
}
