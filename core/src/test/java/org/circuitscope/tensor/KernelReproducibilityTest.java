package org.circuitscope.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels give the same bits for the same call wherever it runs: interpreted or
 * compiled by C2, on one thread or on the pool, and whatever the shape of the call a row of a
 * product is part of. Scans and their Spark twin rely on it to agree exactly.
 */
class KernelReproducibilityTest {
    private final Kernels simd = new SimdKernels();

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        KernelDigest d = new KernelDigest();
        String first = d.run(simd);
        // Enough calls for C2 to compile the kernels (and the Vector API intrinsics) mid-loop.
        for (int i = 0; i < 400; i++) assertEquals(first, d.run(simd), "call " + i + " of the same kernels on the same inputs");
        String interpreted = childJvm("-Xint");
        assertEquals(first, interpreted, "-Xint (the Vector API's lane-by-lane fallback) against this JVM's compiled kernels");
    }

    private static String childJvm(String mode) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", mode, "-cp", System.getProperty("java.class.path"),
                KernelDigest.class.getName()));
        String width = System.getProperty(VectorWidth.PROPERTY);
        if (width != null) cmd.add(1, "-D" + VectorWidth.PROPERTY + "=" + width);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private static float[] fill(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    /**
     * A row of C = op(A)·op(B) (+ C) comes out the same from a one-row call (the unpacked
     * path), a few-row call, a row anywhere in a packed tile and the full product, on the pool or
     * serially, and from the axpy stream that one-token passes use: one fused multiply-add chain
     * over the depth in order, with k longer than a packed block (256) and columns off the
     * vector width.
     */
    @Test
    void aProductRowDoesNotDependOnTheCallItIsPartOf() {
        int m = 37, n = 45, k = 600;
        SplittableRandom r = new SplittableRandom(7);
        float[] a = fill(r, m * k), b = fill(r, k * n), c0 = fill(r, m * n);
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean acc : new boolean[] {false, true}) {
                    float[] at = transA ? transpose(a, m, k) : a, bt = transB ? transpose(b, k, n) : b;
                    int lda = transA ? m : k, ldb = transB ? k : n;
                    String what = "transA=" + transA + " transB=" + transB + " accumulate=" + acc;
                    float[] full = c0.clone();
                    simd.gemm(transA, transB, m, n, k, at, 0, lda, bt, 0, ldb, full, 0, n, acc);
                    float[] serial = c0.clone();
                    WorkerPool.serially(() -> { simd.gemm(transA, transB, m, n, k, at, 0, lda, bt, 0, ldb, serial, 0, n, acc); return null; });
                    assertArrayEquals(full, serial, what + ": pool against one thread");
                    for (int rows : new int[] {1, 3, 13}) {
                        for (int i0 = 0; i0 + rows <= m; i0 += rows) {
                            float[] part = c0.clone();
                            int aOff = transA ? i0 : i0 * k;
                            simd.gemm(transA, transB, rows, n, k, at, aOff, lda, bt, 0, ldb, part, i0 * n, n, acc);
                            for (int i = i0; i < i0 + rows; i++)
                                for (int j = 0; j < n; j++)
                                    assertEquals(Float.floatToRawIntBits(full[i * n + j]), Float.floatToRawIntBits(part[i * n + j]),
                                            what + ": C[" + i + "," + j + "] from a " + rows + "-row call starting at row " + i0);
                        }
                    }
                }
            }
        }
        // The axpy stream of one-token passes: C row i = Σ_p a[i,p]·B[p,:], one axpy per p.
        float[] full = new float[m * n];
        simd.gemm(false, false, m, n, k, a, 0, k, b, 0, n, full, 0, n, false);
        for (int i = 0; i < m; i++) {
            float[] row = new float[n];
            for (int p = 0; p < k; p++) simd.axpy(a[i * k + p], b, p * n, row, 0, n);
            for (int j = 0; j < n; j++)
                assertEquals(Float.floatToRawIntBits(full[i * n + j]), Float.floatToRawIntBits(row[j]), "axpy stream, C[" + i + "," + j + "]");
        }
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }
}
