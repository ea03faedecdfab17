package org.circuitscope.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OpenBLAS's {@code cblas_sgemm} called in this JVM through the FFM API, on the Java arrays
 * themselves (a critical call may read the heap), so the reference runs in the same process as
 * our gemm, one call after the other: on a shared machine both see the same load. It is the
 * library Debian's PyTorch calls for {@code torch.mm}; {@code OPENBLAS_CORETYPE} (SkylakeX for
 * AVX-512, Haswell for AVX2) and {@code OPENBLAS_NUM_THREADS} in the environment choose its
 * kernel and threads.
 */
final class OpenBlasSgemm {
    /** Debian's pthread build (libopenblas0-pthread); {@code -Dcircuitscope.bench.openblas} overrides. */
    static final String DEFAULT_PATH = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
    private static final int ROW_MAJOR = 101, NO_TRANS = 111;

    private final MethodHandle sgemm;
    private final MethodHandle coreName;

    private OpenBlasSgemm(MethodHandle sgemm, MethodHandle coreName) {
        this.sgemm = sgemm;
        this.coreName = coreName;
    }

    /** The library at {@code -Dcircuitscope.bench.openblas} (default {@link #DEFAULT_PATH}), or null when it is not there. */
    static OpenBlasSgemm loadOrNull() {
        Path path = Path.of(System.getProperty("circuitscope.bench.openblas", DEFAULT_PATH));
        if (!Files.exists(path)) return null;
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        ValueLayout i = ValueLayout.JAVA_INT, f = ValueLayout.JAVA_FLOAT, p = ValueLayout.ADDRESS;
        MethodHandle sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, p, i, p, i, f, p, i), Linker.Option.critical(true));
        MethodHandle core = lib.find("openblas_get_corename")
                .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(
                        java.lang.foreign.MemoryLayout.sequenceLayout(64, ValueLayout.JAVA_BYTE)))))
                .orElse(null);
        return new OpenBlasSgemm(sgemm, core);
    }

    /** The kernel family OpenBLAS picked ("SkylakeX", "Haswell", ...). */
    String coreName() {
        if (coreName == null) return "?";
        try {
            return ((MemorySegment) coreName.invokeExact()).getString(0);
        } catch (Throwable e) {
            return "?";
        }
    }

    /** C (m×n) = A (m×k) · B (k×n), all row-major and dense. */
    void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        try {
            sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1f, MemorySegment.ofArray(a), k,
                    MemorySegment.ofArray(b), n, 0f, MemorySegment.ofArray(c), n);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }
}
