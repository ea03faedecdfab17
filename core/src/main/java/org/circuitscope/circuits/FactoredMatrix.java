package org.circuitscope.circuits;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.ejml.data.Complex_F64;
import org.circuitscope.tensor.Kernels;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * A matrix M = A·B kept as its factors A [m, k] and B [k, n], as TransformerLens's
 * {@code FactoredMatrix}: the token-space circuits W_E·W_QK·W_Eᵀ and W_E·W_OV·W_U are
 * d_vocab × d_vocab but of rank ≤ d_head, so everything here goes through the k-sized middle
 * and no m × n matrix is formed unless asked for ({@link #ab()}, {@link #corner}).
 * <ul>
 * <li>‖AB‖_F² = trace(AᵀA · BBᵀ): two k × k Gram matrices, O((m + n)·k²).</li>
 * <li>SVD: A = Q_A·R_A, Bᵀ = Q_B·R_B (thin QR), so AB = Q_A·(R_A·R_Bᵀ)·Q_Bᵀ; the SVD of the small
 *   middle R_A·R_Bᵀ = U'·S·V'ᵀ gives U = Q_A·U', S, V = Q_B·V'.</li>
 * <li>Eigenvalues (m = n): the nonzero eigenvalues of AB equal those of BA (k × k).</li>
 * </ul>
 * Float64 throughout; dense algebra through EJML. Factors are not copied: do not change them.
 */
public final class FactoredMatrix {
    private final DMatrixRMaj a, b;

    /** A [m, k] times B [k, n]. */
    public FactoredMatrix(DMatrixRMaj a, DMatrixRMaj b) {
        if (a.numCols != b.numRows) {
            throw new IllegalArgumentException("factor shapes do not chain: A is " + a.numRows + "×" + a.numCols
                    + " but B is " + b.numRows + "×" + b.numCols);
        }
        this.a = a;
        this.b = b;
    }

    /** Row-major float data (as weights are stored) widened to a float64 matrix. */
    public static DMatrixRMaj matrix(float[] data, int offset, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) m.data[i] = data[offset + i];
        return m;
    }

    public DMatrixRMaj a() { return a; }

    public DMatrixRMaj b() { return b; }

    /** m: rows of AB. */
    public int ldim() { return a.numRows; }

    /** k: the shared middle dimension, a bound on the rank. */
    public int mdim() { return a.numCols; }

    /** n: columns of AB. */
    public int rdim() { return b.numCols; }

    /** The full product AB, m × n. Only for small matrices. */
    public DMatrixRMaj ab() {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, b.numCols);
        CommonOps_DDRM.mult(a, b, c);
        return c;
    }

    /** BA, k × k; defined when AB is square. */
    public DMatrixRMaj ba() {
        if (a.numRows != b.numCols) throw new IllegalStateException("BA needs a square AB, this is " + a.numRows + "×" + b.numCols);
        DMatrixRMaj c = new DMatrixRMaj(b.numRows, a.numCols);
        CommonOps_DDRM.mult(b, a, c);
        return c;
    }

    /** (AB)ᵀ = Bᵀ·Aᵀ. */
    public FactoredMatrix transpose() {
        return new FactoredMatrix(CommonOps_DDRM.transpose(b, null), CommonOps_DDRM.transpose(a, null));
    }

    /**
     * (AB)·M for a dense M [n, q]: A·(BM) keeps the middle k; when n &lt; k the product (AB)·M with
     * middle n is the smaller factorisation (TransformerLens's choice too).
     */
    public FactoredMatrix times(DMatrixRMaj m) {
        if (m.numRows != b.numCols) throw new IllegalArgumentException("cannot multiply " + shape() + " by " + m.numRows + "×" + m.numCols);
        return mdim() <= rdim() ? new FactoredMatrix(a, mult(b, m)) : new FactoredMatrix(ab(), m);
    }

    /** M·(AB) for a dense M [p, m], keeping the smaller middle as {@link #times(DMatrixRMaj)}. */
    public FactoredMatrix leftTimes(DMatrixRMaj m) {
        if (m.numCols != a.numRows) throw new IllegalArgumentException("cannot multiply " + m.numRows + "×" + m.numCols + " by " + shape());
        return mdim() <= ldim() ? new FactoredMatrix(mult(m, a), b) : new FactoredMatrix(m, ab());
    }

    /**
     * (A₁B₁)·(A₂B₂): the k₁ × k₂ core C = B₁A₂ is formed first, then folded into whichever side
     * leaves the smaller middle, A₁·(C·B₂) or (A₁·C)·B₂ (ties: the cheaper fold).
     */
    public FactoredMatrix times(FactoredMatrix o) {
        if (o.ldim() != rdim()) throw new IllegalArgumentException("cannot multiply " + shape() + " by " + o.shape());
        DMatrixRMaj c = mult(b, o.a);
        int k1 = mdim(), k2 = o.mdim();
        boolean foldRight = k1 < k2 || (k1 == k2 && o.rdim() <= ldim());
        return foldRight ? new FactoredMatrix(a, mult(c, o.b)) : new FactoredMatrix(mult(a, c), o.b);
    }

    /** Frobenius norm ‖AB‖_F = √trace(AᵀA · BBᵀ). */
    public double norm() {
        DMatrixRMaj ga = new DMatrixRMaj(mdim(), mdim()), gb = new DMatrixRMaj(mdim(), mdim());
        CommonOps_DDRM.multInner(a, ga);
        CommonOps_DDRM.multOuter(b, gb);
        double s = 0;
        // trace(G_A·G_B) with both symmetric is their elementwise dot product.
        for (int i = 0; i < ga.data.length; i++) s += ga.data[i] * gb.data[i];
        return Math.sqrt(Math.max(0, s));
    }

    /** The thin SVD AB = U·diag(S)·Vh, S descending; r = min(rank bounds of A and B). */
    public record Svd(DMatrixRMaj u, double[] s, DMatrixRMaj vh) {}

    /** SVD through the small middle R_A·R_Bᵀ (see the class comment). */
    public Svd svd() {
        DMatrixRMaj[] qa = thinQr(a), qb = thinQr(CommonOps_DDRM.transpose(b, null));
        DMatrixRMaj middle = new DMatrixRMaj(qa[1].numRows, qb[1].numRows);
        CommonOps_DDRM.multTransB(qa[1], qb[1], middle);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(middle.numRows, middle.numCols, true, true, true);
        if (!svd.decompose(middle)) throw new IllegalStateException("SVD of the " + middle.numRows + "×" + middle.numCols + " middle did not converge");
        DMatrixRMaj u = svd.getU(null, false), v = svd.getV(null, false), w = svd.getW(null);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        int r = Math.min(w.numRows, w.numCols);
        double[] s = new double[r];
        for (int i = 0; i < r; i++) s[i] = w.get(i, i);
        DMatrixRMaj bigU = mult(qa[0], u), bigV = mult(qb[0], v);
        return new Svd(bigU, s, CommonOps_DDRM.transpose(bigV, null));
    }

    /** Singular values of AB, descending. */
    public double[] singularValues() { return svd().s(); }

    private static DMatrixRMaj[] thinQr(DMatrixRMaj m) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m.numRows, m.numCols);
        if (!qr.decompose(m.copy())) throw new IllegalStateException("QR of a " + m.numRows + "×" + m.numCols + " factor failed");
        return new DMatrixRMaj[] {qr.getQ(null, true), qr.getR(null, true)};
    }

    /**
     * Eigenvalues of AB as {re, im} pairs, from BA (k × k): AB's nonzero eigenvalues are BA's;
     * AB's remaining m − k eigenvalues are zero and not listed (when k &gt; m, BA adds k − m zeros).
     */
    public double[][] eigenvalues() { return eigenvalues(ba()); }

    /** Eigenvalues of a square matrix as {re, im} pairs. */
    public static double[][] eigenvalues(DMatrixRMaj square) {
        int n = square.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false);
        if (!eig.decompose(square.copy())) throw new IllegalStateException("eigen decomposition of a " + n + "×" + n + " matrix did not converge");
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            Complex_F64 z = eig.getEigenvalue(i);
            out[i] = new double[] {z.real, z.imaginary};
        }
        return out;
    }

    /** Entry (i, j) = A[i,:]·B[:,j]. */
    public double get(int i, int j) {
        checkRow(i);
        checkColumn(j);
        int k = mdim(), n = rdim();
        double s = 0;
        for (int e = 0; e < k; e++) s += a.data[i * k + e] * b.data[e * n + j];
        return s;
    }

    /** Row i of AB (n values), in O(k·n). */
    public double[] row(int i) {
        checkRow(i);
        int k = mdim(), n = rdim();
        double[] out = new double[n];
        for (int e = 0; e < k; e++) {
            double x = a.data[i * k + e];
            for (int j = 0; j < n; j++) out[j] += x * b.data[e * n + j];
        }
        return out;
    }

    /** Column j of AB (m values), in O(m·k). */
    public double[] column(int j) {
        checkColumn(j);
        int m = ldim(), k = mdim(), n = rdim();
        double[] bj = new double[k];
        for (int e = 0; e < k; e++) bj[e] = b.data[e * n + j];
        double[] out = new double[m];
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int e = 0; e < k; e++) s += a.data[i * k + e] * bj[e];
            out[i] = s;
        }
        return out;
    }

    /** The top-left rows × cols block of AB (TransformerLens's {@code get_corner}). */
    public DMatrixRMaj corner(int rows, int cols) {
        rows = Math.min(rows, ldim());
        cols = Math.min(cols, rdim());
        DMatrixRMaj top = CommonOps_DDRM.extract(a, 0, rows, 0, mdim()), left = CommonOps_DDRM.extract(b, 0, mdim(), 0, cols);
        return mult(top, left);
    }

    /** One entry of AB with its position. */
    public record Entry(int row, int column, double value) {}

    /** The k largest entries of row i, largest first, without forming AB. */
    public List<Entry> topInRow(int i, int k) {
        double[] r = row(i);
        List<Entry> out = new ArrayList<>();
        for (int j : TopK.indices(r, k)) out.add(new Entry(i, j, r[j]));
        return out;
    }

    /** The k largest entries of column j, largest first, without forming AB. */
    public List<Entry> topInColumn(int j, int k) {
        double[] c = column(j);
        List<Entry> out = new ArrayList<>();
        for (int i : TopK.indices(c, k)) out.add(new Entry(i, j, c[i]));
        return out;
    }

    /**
     * The k largest entries of the whole of AB, largest first (ties: lower row, then column), one row
     * at a time: O(m·n·k_mid) time, O(n + k) memory.
     */
    public List<Entry> top(int k) {
        PriorityQueue<Entry> heap = new PriorityQueue<>(TOP_ORDER);
        if (k <= 0) return List.of();
        // Large circuits: blocks of rows as one product each (on the SIMD kernels), not row by row;
        // A and B are made float32 once, not per block (the same products as mult's).
        boolean large = (long) ldim() * mdim() * rdim() >= SIMD_PRODUCT;
        int block = large ? TOP_BLOCK : 1, kk = mdim(), n = rdim();
        float[] af = large ? floats(a) : null, bf = large ? floats(b) : null, cf = large ? new float[Math.min(block, ldim()) * n] : null;
        for (int i0 = 0; i0 < ldim(); i0 += block) {
            int rows = Math.min(block, ldim() - i0);
            // A block too small for float32 (a last few rows) stays in float64, as mult would do it.
            boolean simd = large && (long) rows * kk * n >= SIMD_PRODUCT;
            if (simd) {
                Kernels.get().gemm(false, false, rows, n, kk, af, i0 * kk, kk, bf, 0, n, cf, 0, n, false);
                for (int i = 0; i < rows; i++) for (int j = 0; j < n; j++) offer(heap, k, i0 + i, j, cf[i * n + j]);
            } else {
                double[] r = large ? mult(CommonOps_DDRM.extract(a, i0, i0 + rows, 0, kk), b).data : row(i0);
                for (int i = 0; i < rows; i++) for (int j = 0; j < n; j++) offer(heap, k, i0 + i, j, r[i * n + j]);
            }
        }
        return sorted(heap);
    }

    /** Largest value first; among equal values the lower row, then the lower column. */
    private static final Comparator<Entry> TOP_ORDER = Comparator.comparingDouble(Entry::value)
            .thenComparing(Entry::row, Comparator.reverseOrder()).thenComparing(Entry::column, Comparator.reverseOrder());

    /**
     * {@link #top} of the product of float32 factors A [m, kk] (rows {@code lda} apart from
     * {@code aOff}) and B [kk, n] (rows {@code ldb} apart): blocks of rows as one product each on
     * the kernels, a block too small for them in float64 as {@link #mult} would do it. For callers
     * that hold many circuits' factors side by side (one layer's heads) and scan each in place.
     */
    static List<Entry> top(float[] af, int aOff, int lda, float[] bf, int bOff, int ldb, int m, int kk, int n, int k) {
        PriorityQueue<Entry> heap = new PriorityQueue<>(TOP_ORDER);
        if (k <= 0) return List.of();
        float[] cf = new float[Math.min(TOP_BLOCK, m) * n];
        for (int i0 = 0; i0 < m; i0 += TOP_BLOCK) {
            int rows = Math.min(TOP_BLOCK, m - i0);
            if ((long) rows * kk * n >= SIMD_PRODUCT) {
                Kernels.get().gemm(false, false, rows, n, kk, af, aOff + i0 * lda, lda, bf, bOff, ldb, cf, 0, n, false);
                // Only entries above the heap's least can enter it once it is full: one compare each.
                double least = heap.size() < k ? Double.NaN : heap.peek().value();
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < n; j++) {
                        float v = cf[i * n + j];
                        if (v > least || heap.size() < k) {
                            offer(heap, k, i0 + i, j, v);
                            if (heap.size() == k) least = heap.peek().value();
                        }
                    }
                }
            } else {
                // A last few rows: float64, as mult does small products.
                DMatrixRMaj x = new DMatrixRMaj(rows, kk), y = new DMatrixRMaj(kk, n);
                for (int i = 0; i < rows; i++) for (int p = 0; p < kk; p++) x.data[i * kk + p] = af[aOff + (i0 + i) * lda + p];
                for (int p = 0; p < kk; p++) for (int j = 0; j < n; j++) y.data[p * n + j] = bf[bOff + p * ldb + j];
                double[] r = mult(x, y).data;
                for (int i = 0; i < rows; i++) for (int j = 0; j < n; j++) offer(heap, k, i0 + i, j, r[i * n + j]);
            }
        }
        return sorted(heap);
    }

    /** Offers one entry to a heap that keeps the k largest. */
    private static void offer(PriorityQueue<Entry> heap, int k, int row, int column, double v) {
        if (heap.size() < k) heap.add(new Entry(row, column, v));
        else if (v > heap.peek().value()) { heap.poll(); heap.add(new Entry(row, column, v)); }
    }

    private static List<Entry> sorted(PriorityQueue<Entry> heap) {
        List<Entry> out = new ArrayList<>(heap);
        out.sort(TOP_ORDER.reversed());
        return out;
    }

    /** Rows of AB formed at once by {@link #top} on a large circuit. */
    private static final int TOP_BLOCK = 256;

    /** "m×n (k)" for messages. */
    public String shape() { return ldim() + "×" + rdim() + " (middle " + mdim() + ")"; }

    @Override
    public String toString() { return "FactoredMatrix " + shape(); }

    private void checkRow(int i) {
        if (i < 0 || i >= ldim()) throw new IndexOutOfBoundsException("row " + i + " outside 0.." + (ldim() - 1));
    }

    private void checkColumn(int j) {
        if (j < 0 || j >= rdim()) throw new IndexOutOfBoundsException("column " + j + " outside 0.." + (rdim() - 1));
    }

    static DMatrixRMaj mult(DMatrixRMaj x, DMatrixRMaj y) {
        int m = x.numRows, k = x.numCols, n = y.numCols;
        if ((long) m * k * n < SIMD_PRODUCT) {
            DMatrixRMaj c = new DMatrixRMaj(m, n);
            CommonOps_DDRM.mult(x, y, c);
            return c;
        }
        // The factors are model weights (float32 to begin with): a float32 product on the SIMD
        // kernels is 30-50× faster than EJML's float64 one and good to about √k·6e-8 relative.
        if (k != y.numRows) throw new IllegalArgumentException("cannot multiply " + m + "×" + k + " by " + y.numRows + "×" + n);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) x.data[i];
        for (int i = 0; i < b.length; i++) b[i] = (float) y.data[i];
        Kernels.get().gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        DMatrixRMaj out = new DMatrixRMaj(m, n);
        for (int i = 0; i < c.length; i++) out.data[i] = c[i];
        return out;
    }

    private static float[] floats(DMatrixRMaj x) {
        float[] f = new float[x.data.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) x.data[i];
        return f;
    }

    /** Products of at least this many multiply-adds (m·k·n) run in float32 on the SIMD kernels; smaller ones in float64. */
    static final long SIMD_PRODUCT = 1L << 20;
}
