package org.circuitscope.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import org.circuitscope.io.LoadedModel;
import org.circuitscope.tensor.WorkerPool;
import org.junit.jupiter.api.Test;

/**
 * A scan is a pure function of model, spec and document within a JVM: the same document scanned
 * again, from the JVM's first window on (when the SIMD kernels are not compiled yet) to later
 * ones, gives the same partial to the last bit, so top lists never trade near-tied places.
 */
class ScanReproducibilityTest {
    @Test
    void theSameDocumentScannedAgainGivesTheSamePartialBitForBit() throws IOException {
        try (LoadedModel m = ScanAggregatesTest.load("gelu-2l")) {
            ScanSpec spec = new ScanSpec(128, 100, 5, true, 16, 4);
            CorpusDocument doc = new CorpusDocument("hebrews", Files.readString(ScanAggregatesTest.HEBREWS).substring(0, 6000));
            DocumentScanner scanner = new DocumentScanner(m, spec);
            String first = WorkerPool.serially(() -> scanner.scan(doc).toJson());
            for (int run = 1; run <= 3; run++) {
                String again = WorkerPool.serially(() -> scanner.scan(doc).toJson());
                assertSameJson(first, again, "scan " + (run + 1) + " of the same document");
            }
            // A second scanner (another executor's) and the pool's threads give the same bits too.
            assertSameJson(first, new DocumentScanner(m, spec).scan(doc).toJson(), "a new scanner, kernels on the pool");
        }
    }

    /** Equal strings, or a failure showing where they part (the partials are long). */
    static void assertSameJson(String expected, String actual, String what) {
        int i = 0, n = Math.min(expected.length(), actual.length());
        while (i < n && expected.charAt(i) == actual.charAt(i)) i++;
        if (i == n && expected.length() == actual.length()) return;
        int from = Math.max(0, i - 120);
        fail(what + ": differs at character " + i + "\n  expected …" + expected.substring(from, Math.min(expected.length(), i + 40))
                + "\n  actual   …" + actual.substring(from, Math.min(actual.length(), i + 40)));
    }
}
