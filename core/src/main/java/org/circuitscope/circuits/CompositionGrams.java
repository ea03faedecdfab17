package org.circuitscope.circuits;

import org.circuitscope.tensor.Kernels;

/**
 * The sums of squares ‖Ô₁·Â₂‖²_F behind every composition score ({@link CompositionProducts}) as
 * inner products of d_model × d_model Grams: ‖Ô₁Â₂‖² = ⟨Ô₁ᵀÔ₁, Â₂Â₂ᵀ⟩_F. A pair then costs the
 * Grams' upper triangles, about d_model²/2 multiply-adds, instead of the d_head²·d_model of its
 * block of the product: for GPT-2 small (d_model 768, d_head 64) 0.3 M against 3.1 M, and 25
 * GMAC for all pairs with the Grams themselves against 90. The Grams are made and multiplied one
 * band of rows at a time (columns from the band's first row on: the upper triangle, off-diagonal
 * entries counted twice), so memory holds a band of every head's Gram, not the Grams. Each band's
 * inner products are float32 products of the left Grams by the right Grams of their layer and
 * after (a few groups of layers: most of the pairs of later layers with earlier ones are not
 * scores), added up across bands in float64.
 */
final class CompositionGrams {
    private CompositionGrams() {}

    /** Gram rows per band: small enough that a band of every right block's Gram stays tens of MB. */
    static final int BAND = 32;

    /** Groups of left layers per band: each group's product skips the right layers before it. */
    private static final int GROUPS = 3;

    /**
     * Sums of squares ‖Ô_i·Â_j‖² [left head i][right block j] for every right block of a layer at
     * or after the left head's (others stay 0). Left layer a holds heads [a·perLeft,
     * (a+1)·perLeft) of {@code lefts} [heads·d_head, d_model] (Ô_i is d_head rows), a in [0,
     * leftLayers). {@code rights} holds right layers [rightFirst, rightFirst + rightLayers), the
     * j-th of them blocks [j·perRight, (j+1)·perRight) (Â_jᵀ likewise), so a model whose right
     * factors do not fit at once is taken a few right layers at a time. Reports each band done.
     */
    static double[][] sumsOfSquares(Kernels kern, float[] lefts, int leftLayers, float[] rights, int rightFirst, int rightLayers,
                                    int perLeft, int perRight, int d, int dh, WorkProgress progress) {
        int nLeft = leftLayers * perLeft, nRight = rightLayers * perRight;
        double[][] out = new double[nLeft][nRight];
        int bands = (d + BAND - 1) / BAND, group = (leftLayers + GROUPS - 1) / GROUPS;
        float[] left = new float[group * perLeft * BAND * d], right = new float[nRight * BAND * d], inner = new float[group * perLeft * nRight];
        for (int b = 0; b < bands; b++) {
            int r0 = b * BAND, rows = Math.min(BAND, d - r0), cols = d - r0, k = rows * cols;
            // Band rows [r0, r0 + rows) of every Gram, columns [r0, d): Â·Âᵀ per right block, Ôᵀ·Ô per
            // left head of a group (both from d_head rows of d_model); a group's left band at a time.
            kern.gemmBatched(nRight, true, false, rows, cols, dh, rights, r0, d, dh * d, rights, r0, d, dh * d, right, 0, cols, k, false);
            for (int g0 = 0; g0 < leftLayers; g0 += group) {
                int i0 = g0 * perLeft, m = (Math.min(leftLayers, g0 + group) - g0) * perLeft;
                int j0 = Math.max(0, g0 - rightFirst) * perRight, n = nRight - j0;
                if (n <= 0) continue;
                kern.gemmBatched(m, true, false, rows, cols, dh, lefts, i0 * dh * d + r0, d, dh * d, lefts, i0 * dh * d + r0, d, dh * d, left, 0, cols, k, false);
                upperTriangleWeights(left, m, rows, cols, k);
                kern.gemm(false, true, m, n, k, left, 0, k, right, j0 * k, k, inner, 0, n, false);
                for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) out[i0 + i][j0 + j] += inner[i * n + j];
            }
            progress.advance(b + 1, bands);
        }
        return out;
    }

    /**
     * Weighs a band of each left Gram so that its inner product with the right one covers each
     * symmetric pair of entries once: entries left of the diagonal 0 (they are mirrored by the
     * ones above it), the diagonal 1, the rest 2.
     */
    private static void upperTriangleWeights(float[] grams, int count, int rows, int cols, int k) {
        for (int g = 0; g < count; g++) {
            for (int r = 0; r < rows; r++) {
                int at = g * k + r * cols;
                for (int c = 0; c < r; c++) grams[at + c] = 0;
                for (int c = r + 1; c < cols; c++) grams[at + c] *= 2;
            }
        }
    }
}
