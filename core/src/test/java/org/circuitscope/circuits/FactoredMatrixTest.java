package org.circuitscope.circuits;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

class FactoredMatrixTest {
    static final double TOL = 1e-10;

    static DMatrixRMaj random(SplittableRandom r, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextDouble(-1, 1);
        return m;
    }

    /** Naive triple loop, the reference for every product here. */
    static double[][] naive(DMatrixRMaj x, DMatrixRMaj y) {
        double[][] c = new double[x.numRows][y.numCols];
        for (int i = 0; i < x.numRows; i++)
            for (int j = 0; j < y.numCols; j++)
                for (int e = 0; e < x.numCols; e++) c[i][j] += x.get(i, e) * y.get(e, j);
        return c;
    }

    static double[][] naive(double[][] x, double[][] y) {
        double[][] c = new double[x.length][y[0].length];
        for (int i = 0; i < x.length; i++)
            for (int j = 0; j < y[0].length; j++)
                for (int e = 0; e < y.length; e++) c[i][j] += x[i][e] * y[e][j];
        return c;
    }

    static double[][] rows(DMatrixRMaj m) {
        double[][] out = new double[m.numRows][m.numCols];
        for (int i = 0; i < m.numRows; i++) for (int j = 0; j < m.numCols; j++) out[i][j] = m.get(i, j);
        return out;
    }

    static void assertMatrix(double[][] want, DMatrixRMaj got, String what) {
        assertEquals(want.length, got.numRows, what + ": rows");
        assertEquals(want[0].length, got.numCols, what + ": columns");
        for (int i = 0; i < want.length; i++)
            for (int j = 0; j < want[0].length; j++)
                assertEquals(want[i][j], got.get(i, j), TOL * Math.max(1, Math.abs(want[i][j])), what + " at (" + i + ", " + j + ")");
    }

    final SplittableRandom rnd = new SplittableRandom(11);
    final DMatrixRMaj a = random(rnd, 7, 3), b = random(rnd, 3, 5);
    final FactoredMatrix f = new FactoredMatrix(a, b);
    final double[][] full = naive(a, b);

    @Test
    void productRowsColumnsEntriesAndCornerEqualTheMaterialisedProduct() {
        assertMatrix(full, f.ab(), "AB");
        assertEquals(7, f.ldim());
        assertEquals(3, f.mdim());
        assertEquals(5, f.rdim());
        for (int i = 0; i < 7; i++) {
            double[] r = f.row(i);
            for (int j = 0; j < 5; j++) {
                assertEquals(full[i][j], r[j], TOL, "row " + i + " column " + j);
                assertEquals(full[i][j], f.get(i, j), TOL, "entry " + i + "," + j);
            }
        }
        for (int j = 0; j < 5; j++) {
            double[] c = f.column(j);
            for (int i = 0; i < 7; i++) assertEquals(full[i][j], c[i], TOL, "column " + j + " row " + i);
        }
        DMatrixRMaj corner = f.corner(2, 4);
        assertMatrix(new double[][] {Arrays.copyOf(full[0], 4), Arrays.copyOf(full[1], 4)}, corner, "corner");
        assertThrows(IndexOutOfBoundsException.class, () -> f.row(7));
    }

    @Test
    void transposeAndBaEqualTheirMaterialisedForms() {
        double[][] t = new double[5][7];
        for (int i = 0; i < 7; i++) for (int j = 0; j < 5; j++) t[j][i] = full[i][j];
        assertMatrix(t, f.transpose().ab(), "(AB)ᵀ");
        DMatrixRMaj sa = random(rnd, 6, 3), sb = random(rnd, 3, 6);
        assertMatrix(naive(sb, sa), new FactoredMatrix(sa, sb).ba(), "BA");
        assertThrows(IllegalStateException.class, f::ba, "BA of a non-square AB");
    }

    @Test
    void productsWithDenseAndFactoredMatricesEqualTheMaterialisedProducts() {
        DMatrixRMaj m = random(rnd, 5, 4);
        FactoredMatrix right = f.times(m);
        assertMatrix(naive(full, rows(m)), right.ab(), "(AB)·M");
        assertEquals(3, right.mdim(), "the middle stays k = 3 when k ≤ n");
        // k = 6 > n = 2: the product goes through the n-sized middle instead.
        FactoredMatrix wide = new FactoredMatrix(random(rnd, 4, 6), random(rnd, 6, 2));
        DMatrixRMaj m2 = random(rnd, 2, 3);
        FactoredMatrix p2 = wide.times(m2);
        assertMatrix(naive(rows(wide.ab()), rows(m2)), p2.ab(), "(AB)·M with k > n");
        assertEquals(2, p2.mdim());
        DMatrixRMaj l = random(rnd, 2, 7);
        assertMatrix(naive(rows(l), full), f.leftTimes(l).ab(), "M·(AB)");
        FactoredMatrix g = new FactoredMatrix(random(rnd, 5, 2), random(rnd, 2, 6));
        FactoredMatrix fg = f.times(g);
        assertMatrix(naive(full, rows(g.ab())), fg.ab(), "(A₁B₁)·(A₂B₂)");
        assertEquals(2, fg.mdim(), "folds into the smaller middle");
        FactoredMatrix h = new FactoredMatrix(random(rnd, 5, 4), random(rnd, 4, 3));
        FactoredMatrix fh = f.times(h);
        assertMatrix(naive(full, rows(h.ab())), fh.ab(), "(A₁B₁)·(A₂B₂), left middle smaller");
        assertEquals(3, fh.mdim());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.times(random(rnd, 4, 4)));
        assertTrue(e.getMessage().contains("7×5"), e.getMessage());
    }

    @Test
    void frobeniusNormEqualsTheMaterialisedNorm() {
        double s = 0;
        for (double[] r : full) for (double x : r) s += x * x;
        assertEquals(Math.sqrt(s), f.norm(), 1e-12);
    }

    @Test
    void svdThroughTheMiddleHasTheFullProductsSingularValuesAndReconstructsIt() {
        FactoredMatrix.Svd svd = f.svd();
        SingularValueDecomposition_F64<DMatrixRMaj> dense = DecompositionFactory_DDRM.svd(7, 5, false, false, true);
        assertTrue(dense.decompose(f.ab()));
        double[] want = dense.getSingularValues().clone();
        Arrays.sort(want);
        // The full 7×5 product has rank 3: its two extra singular values are zero.
        assertEquals(0, want[0], 1e-10);
        assertEquals(0, want[1], 1e-10);
        assertEquals(3, svd.s().length);
        for (int i = 0; i < 3; i++) assertEquals(want[4 - i], svd.s()[i], 1e-10, "singular value " + i);
        double[][] rebuilt = new double[7][5];
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 5; j++)
                for (int r = 0; r < 3; r++) rebuilt[i][j] += svd.u().get(i, r) * svd.s()[r] * svd.vh().get(r, j);
        for (int i = 0; i < 7; i++) for (int j = 0; j < 5; j++) assertEquals(full[i][j], rebuilt[i][j], 1e-10, "U·S·Vh at " + i + "," + j);
        for (int p = 0; p < 3; p++)
            for (int q = 0; q < 3; q++) {
                double dot = 0;
                for (int i = 0; i < 7; i++) dot += svd.u().get(i, p) * svd.u().get(i, q);
                assertEquals(p == q ? 1 : 0, dot, 1e-10, "UᵀU at " + p + "," + q);
            }
        assertArrayEquals(svd.s(), f.singularValues(), 0);
    }

    @Test
    void eigenvaluesAreTheNonzeroEigenvaluesOfTheFullProduct() {
        DMatrixRMaj sa = random(rnd, 8, 3), sb = random(rnd, 3, 8);
        FactoredMatrix sq = new FactoredMatrix(sa, sb);
        double[][] got = sq.eigenvalues();
        double[][] all = FactoredMatrix.eigenvalues(sq.ab());
        Comparator<double[]> byModulus = Comparator.comparingDouble((double[] z) -> -Math.hypot(z[0], z[1])).thenComparingDouble(z -> z[0])
                .thenComparingDouble(z -> z[1]);
        Arrays.sort(got, byModulus);
        Arrays.sort(all, byModulus);
        for (int i = 0; i < 3; i++) {
            assertEquals(all[i][0], got[i][0], 1e-9, "eigenvalue " + i + " real part");
            assertEquals(all[i][1], got[i][1], 1e-9, "eigenvalue " + i + " imaginary part");
        }
        for (int i = 3; i < 8; i++) assertEquals(0, Math.hypot(all[i][0], all[i][1]), 1e-9, "the full product's other eigenvalues are 0");
        double trace = 0, sum = 0;
        double[][] m = naive(sa, sb);
        for (int i = 0; i < 8; i++) trace += m[i][i];
        for (double[] z : got) sum += z[0];
        assertEquals(trace, sum, 1e-10, "Σλ = trace(AB)");
    }

    @Test
    void topEntriesMatchAFullSort() {
        FactoredMatrix big = new FactoredMatrix(random(rnd, 12, 2), random(rnd, 2, 10));
        double[][] m = naive(big.a(), big.b());
        record E(int i, int j, double v) {}
        List<E> sorted = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) for (int j = 0; j < 10; j++) sorted.add(new E(i, j, m[i][j]));
        sorted.sort(Comparator.comparingDouble(E::v).reversed());
        List<FactoredMatrix.Entry> top = big.top(7);
        assertEquals(7, top.size());
        for (int t = 0; t < 7; t++) {
            assertEquals(sorted.get(t).i(), top.get(t).row(), "rank " + t + " row");
            assertEquals(sorted.get(t).j(), top.get(t).column(), "rank " + t + " column");
            assertEquals(sorted.get(t).v(), top.get(t).value(), TOL);
        }
        Integer[] byRow = new Integer[10];
        for (int j = 0; j < 10; j++) byRow[j] = j;
        Arrays.sort(byRow, (x, y) -> Double.compare(m[4][y], m[4][x]));
        List<FactoredMatrix.Entry> row = big.topInRow(4, 3);
        for (int t = 0; t < 3; t++) assertEquals(byRow[t], row.get(t).column(), "row 4 rank " + t);
        Integer[] byCol = new Integer[12];
        for (int i = 0; i < 12; i++) byCol[i] = i;
        Arrays.sort(byCol, (x, y) -> Double.compare(m[y][6], m[x][6]));
        List<FactoredMatrix.Entry> col = big.topInColumn(6, 12);
        for (int t = 0; t < 12; t++) assertEquals(byCol[t], col.get(t).row(), "column 6 rank " + t);
        assertEquals(120, big.top(1000).size(), "k beyond the size gives every entry");
    }

    @Test
    void factorsThatDoNotChainAreRefusedWithBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FactoredMatrix(random(rnd, 4, 3), random(rnd, 2, 4)));
        assertTrue(e.getMessage().contains("4×3") && e.getMessage().contains("2×4"), e.getMessage());
    }

    /** Products past SIMD_PRODUCT run in float32 on the SIMD kernels: within float32's error of the float64 product. */
    @Test
    void largeProductsOnTheSimdKernelsMatchFloat64() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        int m = 130, k = 100, n = 90;
        assertTrue((long) m * k * n >= FactoredMatrix.SIMD_PRODUCT, "the fast path runs");
        org.ejml.data.DMatrixRMaj a = new org.ejml.data.DMatrixRMaj(m, k), b = new org.ejml.data.DMatrixRMaj(k, n);
        for (int i = 0; i < a.data.length; i++) a.data[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.data.length; i++) b.data[i] = (float) r.nextGaussian();
        org.ejml.data.DMatrixRMaj c = FactoredMatrix.mult(a, b);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double want = 0;
                for (int p = 0; p < k; p++) want += a.get(i, p) * b.get(p, j);
                // Each term's float32 rounding is ≤ 6e-8 of |a·b|; √k terms' worth of them at most, with room.
                assertEquals(want, c.get(i, j), 1e-5 * Math.sqrt(k), "(" + i + ", " + j + ")");
            }
        // The top entries of a large circuit (found a block of rows at a time) are the float64 product's.
        FactoredMatrix f = new FactoredMatrix(a, b);
        var top = f.top(5);
        double[] all = new double[m * n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) { double s = 0; for (int p = 0; p < k; p++) s += a.get(i, p) * b.get(p, j); all[i * n + j] = s; }
        double[] sorted = all.clone();
        java.util.Arrays.sort(sorted);
        for (int t = 0; t < 5; t++) {
            assertEquals(sorted[sorted.length - 1 - t], top.get(t).value(), 1e-4, "top " + t);
            assertEquals(all[top.get(t).row() * n + top.get(t).column()], top.get(t).value(), 1e-4, "top " + t + " is at its position");
        }
    }

    /**
     * A large circuit is searched a block of rows at a time, in float32 on the SIMD kernels; a
     * last block too small for float32 stays in float64. The largest entries are planted in a
     * float32 block, then in the last rows, and found with their float64 values.
     */
    @Test
    void topOfALargeCircuitFindsEntriesInEveryBlockAndInTheLastRows() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int m = 2 * 256 + 3, k = 64, n = 100;
        for (int planted : new int[] {300, m - 1}) {
            org.ejml.data.DMatrixRMaj a = new org.ejml.data.DMatrixRMaj(m, k), b = new org.ejml.data.DMatrixRMaj(k, n);
            for (int i = 0; i < a.data.length; i++) a.data[i] = (float) r.nextGaussian();
            for (int i = 0; i < b.data.length; i++) b.data[i] = (float) r.nextGaussian();
            for (int p = 0; p < k; p++) a.set(planted, p, 10 * a.get(planted, p));
            double[] row = new double[n];
            for (int j = 0; j < n; j++) for (int p = 0; p < k; p++) row[j] += a.get(planted, p) * b.get(p, j);
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) order[j] = j;
            Arrays.sort(order, (x, y) -> Double.compare(row[y], row[x]));
            var top = new FactoredMatrix(a, b).top(3);
            // float32 in the blocks of 256 rows (error ≈ √k·6e-8 of entries ≈ 80); float64 in the last 3 rows.
            double tol = planted < 512 ? 1e-3 : 1e-9;
            for (int t = 0; t < 3; t++) {
                assertEquals(planted, top.get(t).row(), "planted row " + planted + ", rank " + t);
                assertEquals((int) order[t], top.get(t).column(), "planted row " + planted + ", rank " + t);
                assertEquals(row[order[t]], top.get(t).value(), tol, "planted row " + planted + ", rank " + t);
            }
        }
    }
}
